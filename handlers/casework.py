"""Shared steps of the case commands: parse a code, find a case the member may see, name regie holders."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import Context, MemberView, Text, UserError, t
from bot.core.hygiene import echo
from bot.core.mentions import mention
from storage.cases.tables import Case, CaseStatus, RegieAssignment, RegieKind
from storage.uow import UnitOfWork

CASE_CODE = re.compile(r"^VH-([0-9]{4})-([0-9]{4})$", re.IGNORECASE)


def parse_case_code(text: str) -> str:
    """``vh-2026-0042`` -> ``VH-2026-0042``; anything else is a UserError naming the expected form."""
    word = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    match = CASE_CODE.match(word)
    if match is None:
        raise UserError("case.bad_code", text=echo(word, 30))
    return f"VH-{match[1]}-{match[2]}"


def split_code(args: str) -> tuple[str, str]:
    """The case code and the rest of the arguments."""
    code = parse_case_code(args)
    parts = args.strip().split(maxsplit=1)
    return code, parts[1].strip() if len(parts) > 1 else ""


def visible_case(ctx: Context, code: str, what: str) -> Case:
    """The case if the caller is a deelnemer; otherwise the same refusal for unknown and not-yours,
    with the attempt audited (committed before the refusal rolls the rest back)."""
    member = ctx.require_member()
    uow = ctx.uow
    case = uow.cases.visible_to(member.id, member.organisation_id, code)
    if case is None or case.id is None:
        existing = uow.cases.by_code(code)
        ctx.concerns(existing.id if existing else None)
        ctx.audit(what, case_id=existing.id if existing else None, outcome="denied", detail=code)
        uow.commit()
        raise UserError("case.not_found", code=code)
    ctx.concerns(case.id)
    ctx.audit(what, case_id=case.id)
    return case


def holds_regie(uow: UnitOfWork, case: Case, member: MemberView, kind: str | None = None) -> bool:
    assert case.id is not None
    current = uow.regie.current(case.id)
    kinds = [kind] if kind else list(RegieKind)
    return any(current[k].member_id == member.id for k in kinds if k in current)


def regie_somewhere_or(*roles: str) -> Callable[[MemberView, UnitOfWork], bool]:
    """A ``may_use`` check (bot/core/access.py) for commands whose changes only regie holders make: a
    member with one of ``roles``, or one who holds regie (procesregie or casusregie) on an open case now."""

    def may_use(member: MemberView, uow: UnitOfWork) -> bool:
        return member.has_role(*roles) or bool(uow.regie.held_by(member.id, limit=1))

    return may_use


def procesregie_somewhere_or(*roles: str) -> Callable[[MemberView, UnitOfWork], bool]:
    """A ``may_use`` check for what only procesregie does (status, deelnemers): a member with one of
    ``roles``, or one who holds procesregie on an open case now."""

    def may_use(member: MemberView, uow: UnitOfWork) -> bool:
        if member.has_role(*roles):
            return True
        return any(kind == RegieKind.PROCESREGIE for _, kind in uow.regie.held_by(member.id, limit=1000))

    return may_use


def deelnemer_somewhere_or(*roles: str) -> Callable[[MemberView, UnitOfWork], bool]:
    """A ``may_use`` check for commands every deelnemer may use in part (view; report a release), their
    changes being for regie holders: ``regie_somewhere_or(*roles)``, or a deelnemer of an open case now."""
    regie = regie_somewhere_or(*roles)

    def may_use(member: MemberView, uow: UnitOfWork) -> bool:
        return regie(member, uow) or bool(uow.cases.open_known_to(member.id, member.organisation_id))

    return may_use


def require_procesregie(uow: UnitOfWork, case: Case, member: MemberView) -> None:
    if not holds_regie(uow, case, member, RegieKind.PROCESREGIE):
        raise UserError("case.procesregie_only", code=case.code)


def is_closed(case: Case) -> bool:
    return case.status == CaseStatus.GESLOTEN


def require_open(case: Case, refusal: str = "case.closed", **params: object) -> None:
    """The one check before any write to a case (its timeline, plan, people, regie, actions, mutaties,
    detentions, huisverboden, nazorg, escalations): a closed case refuses, saying how to reopen it.
    ``refusal`` names a text that says more for this writer (it gets ``code`` and ``params``)."""
    if is_closed(case):
        raise UserError(refusal, code=case.code, **params)


def member_name(uow: UnitOfWork, member_id: int | None) -> str:
    member = uow.members.get(member_id) if member_id is not None else None
    return member.name if member else "?"


def reach(uow: UnitOfWork, member_id: int) -> str:
    """How to reach a member in chat: a mention of their preferred identity, which each reader sees as
    their platform can use it (a Slack mention on Slack, the handle on the console, else "via Telegram")."""
    identity = uow.identities.preferred(member_id)
    if identity is None:
        return "-"
    return mention(identity.platform, identity.external_id)


def organisation_name(uow: UnitOfWork, member_id: int) -> str:
    member = uow.members.get(member_id)
    organisation = uow.organisations.get(member.organisation_id) if member is not None else None
    return organisation.name if organisation else "?"


def holder_text(uow: UnitOfWork, assignment: RegieAssignment | None) -> Text:
    if assignment is None:
        return t("regie.nobody")
    organisation = uow.organisations.get(assignment.organisation_id)
    return t(
        "regie.holder",
        organisation=organisation.name if organisation else "?",
        name=member_name(uow, assignment.member_id),
        reach=reach(uow, assignment.member_id),
    )


def holder_texts(uow: UnitOfWork, case_id: int) -> dict[str, Text]:
    """``holder_text`` for every current regie holder of a case, in one query (not five per holder)."""
    texts: dict[str, Text] = {}
    for kind, holder in uow.regie.holders(case_id).items():
        address = holder.address
        texts[kind] = t(
            "regie.holder",
            organisation=holder.organisation_name or "?",
            name=holder.member_name or "?",
            reach=mention(*address) if address else "-",
        )
    return texts


def add_working_days(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``days`` working days (Monday to Friday) later, at the same local wall time, in UTC."""
    local = moment.astimezone(tz)
    added = 0
    while added < days:
        local = (local + timedelta(days=1)).replace(tzinfo=tz)
        if local.weekday() < 5:
            added += 1
    return local.astimezone(UTC)
