"""/regie CODE: who holds casusregie and procesregie; history; handover with accept/decline.

``/regie CODE`` · ``/regie CODE historie`` · ``/regie CODE overdragen @member [procesregie]`` ·
``/regie <naam>`` (procesmanagers: the codes of cases they may see whose subject has that name).
One open proposal per case and kind: proposing to the same member again is refused (it is open, to whom,
since when); proposing to someone else withdraws the open one and says so.
An unanswered handover is re-sent after 2 working days and flagged to procesregie: both are outbox rows
written now with a future due time, cancelled when the proposal is answered.
"""

from __future__ import annotations

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_date
from bot.core.hygiene import echo, is_id
from handlers.casework import (
    CASE_CODE,
    add_working_days,
    holder_texts,
    holds_regie,
    member_name,
    require_open,
    split_code,
    visible_case,
)
from handlers.privacy.need_to_know import answer_in_direct
from handlers.privacy.policy import case_label, present
from handlers.privacy.targets import case_in_args, handover_in_value
from storage.cases.tables import Case, CaseEventKind, HandoverStatus, RegieHandover, RegieKind
from storage.models import Role
from storage.outbox.forwarding import PERSONAL

group = CommandGroup("regie")

ACCEPT = "regie.accept"
DECLINE = "regie.decline"
HANDOVER_WORKING_DAYS = 2


@group.command("regie", usage=t("regie.usage"), needs_args=True, target=case_in_args)
def regie(msg: Incoming, ctx: Context) -> list[Reply]:
    first = msg.args.split(maxsplit=1)[0]
    if not CASE_CODE.match(first):
        return search(ctx, msg.args)
    code, rest = split_code(msg.args)
    verb, _, tail = rest.partition(" ")
    verb = verb.lower()
    if verb in ("", "historie", "history"):
        # a read, in the router's unit of work: the router commits its audit row (and a details-in-privé
        # link) together with its own, one statement and one commit for the lot
        case = visible_case(ctx, code, "regie.history" if verb else "regie")
        return show_history(ctx, case) if verb else show_holders(ctx, case)
    with ctx.uow:
        if verb in ("overdragen", "handover"):
            case = visible_case(ctx, code, "regie.handover")
            return [propose(ctx, case, tail.strip())]
    raise UserError("regie.usage")


def show_holders(ctx: Context, case: Case) -> list[Reply]:
    uow = ctx.uow
    assert case.id is not None
    holders = holder_texts(uow, case.id)
    nobody = t("regie.nobody")
    lines: list[Text | str] = [
        t("regie.title", code=case.code),
        t("casus.casusregie", holder=holders.get(RegieKind.CASUSREGIE, nobody)),
        t("casus.procesregie", holder=holders.get(RegieKind.PROCESREGIE, nobody)),
    ]
    return present(ctx, lines, group_line=case_label(case))


def show_history(ctx: Context, case: Case) -> list[Reply]:
    uow = ctx.uow
    assert case.id is not None
    lines: list[Text | str] = [t("regie.history_title", code=case.code)]
    tz = ctx.clock.tz
    for row in uow.regie.history(case.id):
        lines.append(
            t(
                "regie.history_line",
                kind=t(f"regie.kind.{row.kind}"),
                name=member_name(uow, row.member_id),
                since=format_date(row.from_at.astimezone(tz).date()),
                until=format_date(row.to_at.astimezone(tz).date()) if row.to_at else t("regie.now"),
            )
        )
    return present(ctx, lines, group_line=case_label(case))


def search(ctx: Context, query: str) -> list[Reply]:
    member = ctx.require_member()
    if not member.has_role(Role.PROCESMANAGER):
        raise UserError("case.bad_code", text=echo(query.split(maxsplit=1)[0], 30))
    with ctx.uow as uow:
        cases = uow.cases.search_visible(query, member.id, member.organisation_id)
        ctx.audit("regie.search", detail=f"{len(cases)} results")
        for case in cases:
            ctx.audit("regie.search", case_id=case.id)
        uow.commit()
    if not cases:  # a name search is answered in the direct chat only (docs/privacy.md)
        return answer_in_direct(ctx, [Reply(t("regie.search_none"))])
    found = Reply([t("regie.search_title", count=len(cases)), ", ".join(case_label(c) for c in cases)])
    return answer_in_direct(ctx, [found])


def propose(ctx: Context, case: Case, tail: str) -> Reply:
    member = ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    require_open(case)
    words = tail.split()
    if not words or not words[0].startswith("@"):
        raise UserError("regie.usage")
    kind = (
        RegieKind.PROCESREGIE
        if len(words) > 1 and words[1].lower() == "procesregie"
        else RegieKind.CASUSREGIE
    )
    if not (holds_regie(uow, case, member, RegieKind.PROCESREGIE) or holds_regie(uow, case, member, kind)):
        raise UserError("regie.not_holder", code=case.code)
    target = uow.members.by_handle(words[0])
    if target is None or target.id is None or not target.active:
        raise UserError("regie.not_a_participant", who=words[0], code=case.code)
    if not uow.cases.is_participant(case.id, target.id, target.organisation_id):
        raise UserError("regie.not_a_participant", who=target.name, code=case.code)
    if kind == RegieKind.PROCESREGIE and Role.PROCESMANAGER not in uow.members.roles_of(target.id):
        raise UserError("regie.procesregie_needs_procesmanager", who=target.name)
    holder = uow.regie.current(case.id).get(kind)
    if holder is not None and holder.member_id == target.id:
        raise UserError("regie.already_holder", who=target.name, kind=t(f"regie.kind.{kind}"))
    now = ctx.clock.now()
    open_proposals = list(uow.regie.pending_handovers(case.id, kind))
    for earlier in open_proposals:
        if earlier.to_member_id == target.id:  # asked already: no second question, no second reminder
            raise UserError(
                "regie.handover_open",
                kind=t(f"regie.kind.{kind}"),
                code=case.code,
                who=target.name,
                since=format_date(earlier.proposed_at.astimezone(ctx.clock.tz).date()),
            )
    replaced = [member_name(uow, earlier.to_member_id) for earlier in open_proposals]
    for earlier in open_proposals:  # a proposal to someone else replaces the open one
        uow.regie.answer(earlier, HandoverStatus.CANCELLED, now)
        uow.outbox.cancel_prefix(f"handover:{earlier.id}:")
    handover = uow.regie.propose(
        RegieHandover(
            case_id=case.id, kind=kind, to_member_id=target.id, proposed_by=member.id, proposed_at=now
        )
    )
    buttons = [
        Button(ACCEPT, t("regie.accept_button"), str(handover.id)),
        Button(DECLINE, t("regie.decline_button"), str(handover.id)),
    ]
    question = t("regie.proposal", code=case.code, kind=t(f"regie.kind.{kind}"), by=member.name)
    # put to them alone: the buttons refuse anyone else (handover_in_value)
    ctx.notify(target.id, question, key=f"handover:{handover.id}:propose", buttons=buttons, cases=PERSONAL)
    later = add_working_days(now, HANDOVER_WORKING_DAYS, ctx.clock.tz)
    ctx.notify(
        target.id,
        [t("regie.proposal_reminder"), question],
        key=f"handover:{handover.id}:remind",
        buttons=buttons,
        due_at=later,
        cases=PERSONAL,
    )
    procesregie = uow.regie.current(case.id).get(RegieKind.PROCESREGIE)
    if procesregie is not None:
        ctx.notify(
            procesregie.member_id,
            t("regie.proposal_unanswered", code=case.code, kind=t(f"regie.kind.{kind}"), who=target.name),
            key=f"handover:{handover.id}:flag",
            due_at=later,
            cases=[case.id],
        )
    uow.cases.add_event(
        case.id, CaseEventKind.HANDOVER_PROPOSED, now, member.id, kind=kind.value, who=target.name
    )
    ctx.audit(
        "regie.handover", kind="write", case_id=case.id, detail=f"handover {handover.id} to {target.id}"
    )
    uow.commit()
    proposed = t("regie.proposed", who=target.name, kind=t(f"regie.kind.{kind}"), code=case_label(case))
    if not replaced:
        return Reply(proposed)
    return Reply([proposed, t("regie.handover_replaced", who=", ".join(replaced))])


def _my_handover(ctx: Context, value: str) -> tuple[RegieHandover, Case]:
    member = ctx.require_member()
    handover = ctx.uow.regie.handover(int(value)) if is_id(value) else None
    if handover is None or handover.to_member_id != member.id:
        raise UserError("regie.not_your_proposal")
    if handover.status != HandoverStatus.PENDING:
        raise UserError("regie.already_answered", status=t(f"regie.handover.{handover.status}"))
    case = ctx.uow.cases.get(handover.case_id)
    assert case is not None
    return handover, case


@group.action(ACCEPT, target=handover_in_value)
def accept(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        handover, case = _my_handover(ctx, msg.value)
        assert case.id is not None
        require_open(case)
        if not uow.cases.is_participant(case.id, member.id, member.organisation_id):
            raise UserError("regie.not_a_participant", who=member.name, code=case.code)
        if not uow.regie.answer(handover, HandoverStatus.ACCEPTED, now):
            raise UserError("regie.already_answered", status=t(f"regie.handover.{handover.status}"))
        uow.outbox.cancel_prefix(f"handover:{handover.id}:")
        assignment = uow.regie.assign(case.id, handover.kind, member.id, member.organisation_id, now)
        uow.cases.add_event(case.id, CaseEventKind.REGIE, now, member.id, kind=handover.kind, who=member.name)
        news = t(
            "regie.changed",
            code=case.code,
            kind=t(f"regie.kind.{handover.kind}"),
            who=member.name,
            organisation=member.organisation_name,
        )
        for other in uow.cases.member_participants(case.id):
            if other.id is not None and other.id != member.id:
                ctx.notify(other.id, news, key=f"regie:{assignment.id}:changed:{other.id}", cases=[case.id])
        ctx.audit("regie.accept", kind="write", case_id=case.id, detail=f"handover {handover.id}")
        uow.commit()
    return Reply(t("regie.accepted", kind=t(f"regie.kind.{handover.kind}"), code=case_label(case)))


@group.action(DECLINE, target=handover_in_value)
def decline(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        handover, case = _my_handover(ctx, msg.value)
        assert case.id is not None
        if not uow.regie.answer(handover, HandoverStatus.DECLINED, now):
            raise UserError("regie.already_answered", status=t(f"regie.handover.{handover.status}"))
        uow.outbox.cancel_prefix(f"handover:{handover.id}:")
        uow.cases.add_event(
            case.id, CaseEventKind.HANDOVER_DECLINED, now, member.id, kind=handover.kind, who=member.name
        )
        ctx.notify(
            handover.proposed_by,
            t(
                "regie.declined_notice",
                who=member.name,
                kind=t(f"regie.kind.{handover.kind}"),
                code=case.code,
            ),
            key=f"handover:{handover.id}:declined",
            cases=[case.id],
        )
        ctx.audit("regie.decline", kind="write", case_id=case.id, detail=f"handover {handover.id}")
        uow.commit()
    return Reply(t("regie.declined", kind=t(f"regie.kind.{handover.kind}"), code=case_label(case)))
