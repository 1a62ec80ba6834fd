"""Target declarations for the router's gate (bot/core/access.py): which object an entry point names and
who may see it. Each check raises the SAME refusal for an unknown id and for an object the member may not
see (need-to-know: the answer never tells whether it exists), and audits a denied attempt with its case.

Declared next to each handler, e.g. ``@group.action(NOTE, target=mutatie_signal_in_value)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.core import Context, Incoming, UserError
from bot.core.access import NO_TARGET, TargetCheck
from bot.core.hygiene import echo, is_ascii_number, parse_id
from storage.cases.tables import Case, RegieKind, SignalStatus
from storage.models import OrganisationKind, Role
from storage.release.detention import Detention

__all__ = [
    "NO_TARGET",
    "action_or_case_in_args",
    "agenda_ask_key",
    "agenda_request_in_value",
    "case_code_in_value",
    "case_id_in_value",
    "case_in_args",
    "case_in_values",
    "code_rood_signal_in_value",
    "detention_in_value",
    "escalation_in_value",
    "handover_in_value",
    "info_request_in_value",
    "may_pick_up",
    "meeting_in_args",
    "meeting_in_value",
    "meeting_in_values",
    "mutatie_feedback_in_value",
    "mutatie_signal_in_args",
    "mutatie_signal_in_value",
    "poll_round_in_value",
    "release_in_value",
    "signal_in_value",
    "signal_in_values",
]

CASE_CODE = re.compile(r"^VH-(\d{4})-(\d{4})$", re.IGNORECASE)  # as handlers.casework (privacy stands alone)


def _id(word: str) -> int | None:
    """A typed or pressed id (``#12`` too); larger than a row id of ours or not ASCII digits: None."""
    return parse_id(word.strip().lstrip("#"))


def _deny(ctx: Context, what: str, case_id: int | None, detail: str, key: str, **params: Any) -> UserError:
    """Audit the refused attempt with its case (committed before the refusal rolls the rest back)."""
    ctx.audit(what, case_id=case_id, outcome="denied", detail=detail[:60])
    ctx.uow.commit()
    return UserError(key, **params)


def _sees(ctx: Context, case: Case | None) -> bool:
    member = ctx.require_member()
    return (
        case is not None
        and case.id is not None
        and ctx.uow.cases.is_participant(case.id, member.id, member.organisation_id)
    )


def _require_case_code(ctx: Context, code: str, what: str) -> None:
    member = ctx.require_member()
    code = code.upper()
    if ctx.uow.cases.visible_to(member.id, member.organisation_id, code) is None:
        existing = ctx.uow.cases.by_code(code)
        raise _deny(ctx, what, existing.id if existing else None, code, "case.not_found", code=code)


# -- cases ----------------------------------------------------------------------------------------------


def case_in_args(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """``/cmd VH-2026-0042 ...``: a deelnemer only. Arguments that are no case code are the handler's to
    parse (its usage text, or a name search that follows docs/privacy.md)."""
    first = msg.args.split(maxsplit=1)[0] if msg.args.strip() else ""
    if CASE_CODE.match(first):
        _require_case_code(ctx, first, msg.command or "?")


def action_or_case_in_args(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """``/actie klaar 12`` (an action of a case the member sees) or ``/actie VH-... ...``."""
    head, _, rest = msg.args.partition(" ")
    if head.lower() not in ("klaar", "done"):
        case_in_args(msg, ctx, values)
        return
    word = rest.strip().lstrip("#")
    number = _id(word)
    if number is None:
        if is_ascii_number(word):  # a number, but larger than any id: as unknown as any other
            raise UserError("actie.not_found", id=echo(word))
        return  # the handler's usage text
    action = ctx.uow.actions.get(number)
    case = ctx.uow.cases.get(action.case_id) if action else None
    if not _sees(ctx, case):
        raise _deny(ctx, "actie.done", case.id if case else None, word, "actie.not_found", id=echo(word))


def case_in_values(field: str) -> TargetCheck:
    """A form whose ``field`` holds a case code: a deelnemer only."""

    def check(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
        raw = values.get(field)
        if raw is not None and CASE_CODE.match(str(raw).strip()):
            _require_case_code(ctx, str(raw).strip(), "form")

    return check


def case_code_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """A button whose value is a case code (the stale-case digest)."""
    word = msg.value.strip()
    if not CASE_CODE.match(word):
        raise UserError("case.bad_code", text=echo(word, 30))
    _require_case_code(ctx, word, msg.action_id or "?")


def case_id_in_value(refusal: str) -> TargetCheck:
    """A button whose value is a case id; ``refusal`` for unknown and not visible alike."""

    def check(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
        number = _id(msg.value)
        case = ctx.uow.cases.get(number) if number is not None else None
        if not _sees(ctx, case):
            raise _deny(ctx, msg.action_id or "?", case.id if case else None, msg.value, refusal)

    return check


# -- signals ----------------------------------------------------------------------------------------------


def _signal_exists(ctx: Context, raw: str) -> None:
    word = raw.strip().upper().removeprefix("S-").removeprefix("S")
    number = _id(word)
    if number is None or ctx.uow.signals.get(number) is None:
        raise UserError("triage.unknown_signal", ref=f"S-{echo(word)}")


def signal_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """A triage button (``12:afgewezen``): procesmanagers (the role) see every signal in the queue."""
    _signal_exists(ctx, msg.value.partition(":")[0])


def signal_in_values(field: str) -> TargetCheck:
    def check(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
        _signal_exists(ctx, str(values.get(field, "")))

    return check


def _mutatie_signal(ctx: Context, raw: str, what: str) -> None:
    """A mutatie is for its case's procesregie; whoever is no deelnemer of that case hears "unknown", never
    the case (a deelnemer is told by the handler that procesregie decides)."""
    ctx.require_member()
    word = raw.strip().upper().removeprefix("S-")
    number = _id(word)
    signal = ctx.uow.signals.get(number) if number is not None else None
    case = ctx.uow.cases.get(signal.case_id) if signal is not None and signal.case_id else None
    if (
        signal is None
        or case is None
        or signal.status not in (SignalStatus.MUTATIE, SignalStatus.NEW)
        or not (_sees(ctx, case) or unheld_for_procesmanager(ctx, case))
    ):
        raise _deny(ctx, what, case.id if case else None, raw, "mutatie.not_found", ref=echo(raw))


def unheld_for_procesmanager(ctx: Context, case: Case) -> bool:
    """A case without procesregie: its mutaties and releases go to every procesmanager, who may then handle
    them (and reopen it when it is closed: ``/casus CODE heropenen``)."""
    member = ctx.member
    if member is None or case.id is None or not member.has_role(Role.PROCESMANAGER):
        return False
    return RegieKind.PROCESREGIE not in ctx.uow.regie.current(case.id)


def mutatie_signal_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    _mutatie_signal(ctx, msg.value, msg.action_id or "?")


def mutatie_signal_before_colon(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """The partner picker's buttons: ``<signal id>:<member id>``."""
    _mutatie_signal(ctx, msg.value.partition(":")[0], msg.action_id or "?")


def mutatie_signal_in_args(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    first = msg.args.split(maxsplit=1)[0] if msg.args.strip() else ""
    _mutatie_signal(ctx, first, "mutatie")


def mutatie_feedback_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """The partner's terugkoppeling: a deelnemer of the mutatie's case."""
    word = msg.value.strip()
    number = _id(word)
    signal = ctx.uow.signals.get(number) if number is not None else None
    case = ctx.uow.cases.get(signal.case_id) if signal is not None and signal.case_id else None
    if not _sees(ctx, case):
        raise _deny(
            ctx, "mutatie.feedback", case.id if case else None, word, "mutatie.not_found", ref=echo(word)
        )


def code_rood_signal_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    number = _id(msg.value.partition("@")[0])  # "<signal id>@<offered slot>" (handlers/network/code_rood.py)
    if number is None or ctx.uow.signals.get(number) is None:
        raise UserError("core.stale_button")


# -- meetings, detentions, polls, handovers, requests ---------------------------------------------


def _meeting(ctx: Context, raw: str) -> None:
    """A meeting the member chairs or is invited to (handlers/overleg/rsvp.load_meeting's rule)."""
    member = ctx.require_member()
    word = raw.strip().lstrip("#")
    number = _id(word)
    meeting = ctx.uow.meetings.get(number) if number is not None else None
    if (
        meeting is None
        or meeting.id is None
        or (meeting.chair_id != member.id and ctx.uow.meetings.invitee(meeting.id, member.id) is None)
    ):
        raise UserError("overleg.not_found", id=echo(word))


def meeting_in_args(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """``/overleg 3 ...``; ``plan`` and ``lijst`` name no meeting."""
    first = msg.args.split(maxsplit=1)[0] if msg.args.strip() else ""
    if first.lstrip("#").isdigit():
        _meeting(ctx, first)


def meeting_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    _meeting(ctx, msg.value.partition(":")[0])


def meeting_in_values(field: str) -> TargetCheck:
    def check(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
        _meeting(ctx, str(values.get(field, "")))

    return check


def detention_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """A nazorg checklist button (``<detention id>:<item>``): a deelnemer of the detention's case."""
    raw = msg.value.partition(":")[0]
    number = _id(raw)
    detention = ctx.uow.session.get(Detention, number) if number is not None else None
    case = ctx.uow.cases.get(detention.case_id) if detention is not None else None
    if not _sees(ctx, case):
        raise _deny(ctx, "nazorg.tick", case.id if case else None, msg.value, "release.not_found")


def release_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """The "ik pak dit op" button of an unexpected release: whom the alert is for (handlers/release/
    unexpected.alert_recipients): a deelnemer, a regie holder of the case, or any procesmanager while
    nobody holds procesregie. The role alone is not enough: to anyone else the release, its facility, the
    scenario and the open nazorg items are as unknown as an id that does not exist (already picked up or
    not)."""
    number = _id(msg.value)
    release = ctx.uow.nazorg.release(number) if number is not None else None
    detention = ctx.uow.session.get(Detention, release.detention_id) if release is not None else None
    case = ctx.uow.cases.get(detention.case_id) if detention is not None else None
    if not may_pick_up(ctx, case):
        raise _deny(ctx, "detentie.oppakken", case.id if case else None, msg.value, "release.not_found")


def may_pick_up(ctx: Context, case: Case | None) -> bool:
    """The rule of ``release_in_value``, also for the handler's own re-check after it read the release."""
    member = ctx.require_member()
    if case is None or case.id is None:
        return False
    if _sees(ctx, case) or unheld_for_procesmanager(ctx, case):
        return True
    return any(holder.member_id == member.id for holder in ctx.uow.regie.current(case.id).values())


def agenda_ask_key(meeting_id: int, case_id: int, member_id: int | None) -> str:
    """The outbox key of a chair's agenda request to one regie holder (``member_id``), or of the answer to
    the chair (None): the request's only record (handlers/overleg/agenda_request.py)."""
    return f"agenda-ask:{meeting_id}:{case_id}" + (f"@{member_id}" if member_id is not None else ":answer")


def agenda_request_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """``<meeting>:<case>``: answered only by a regie holder the request was put to; to anyone else it is
    as unknown as a request that was never made."""
    member = ctx.require_member()
    raw_meeting, _, raw_case = msg.value.partition(":")
    meeting_id, case_id = _id(raw_meeting), _id(raw_case)
    asked = (
        ctx.uow.outbox.by_key(agenda_ask_key(meeting_id, case_id, member.id))
        if meeting_id is not None and case_id is not None
        else None
    )
    if asked is None or asked.member_id != member.id:
        known = case_id if case_id is not None and ctx.uow.cases.get(case_id) is not None else None
        raise _deny(ctx, "overleg.agenda", known, msg.value, "overleg.agenda_not_yours")


def handover_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """A regie handover is answered by the member it was proposed to, and nobody else."""
    member = ctx.require_member()
    number = _id(msg.value)
    handover = ctx.uow.regie.handover(number) if number is not None else None
    if handover is None or handover.to_member_id != member.id:
        raise UserError("regie.not_your_proposal")


def info_request_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """An informatieverzoek went to every procesmanager (the role decides); it must exist."""
    number = _id(msg.value)
    if number is None or ctx.uow.info_requests.get(number) is None:
        raise UserError("info.not_found", ref=f"I-{echo(msg.value)}")


def escalation_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """An opschaling is for the management of the organisation it names (or the stuurgroep): to anyone
    else it is as unknown as an id that does not exist."""
    member = ctx.require_member()
    number = _id(msg.value)
    escalation = ctx.uow.escalations.get(number) if number is not None else None
    if escalation is None:
        raise UserError("core.stale_button")
    stuurgroep = {o.id for o in ctx.uow.organisations.list_all() if o.kind == OrganisationKind.VHH}
    allowed = stuurgroep if escalation.to_stuurgroep else {escalation.organisation_id}
    if member.organisation_id not in allowed:
        raise _deny(ctx, "opschalen.ack", escalation.case_id, msg.value, "core.stale_button")


def poll_round_in_value(msg: Incoming, ctx: Context, values: Mapping[str, Any]) -> None:
    """A poll button (``<round>:<question>:<score>``): the round must exist (it is open to every member)."""
    number = _id(msg.value.partition(":")[0])
    if number is None or ctx.uow.polls.get(number) is None:
        raise UserError("poll.none_open")


Check = Callable[[Incoming, Context, Mapping[str, Any]], None]
