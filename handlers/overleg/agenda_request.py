"""A chair asks a case's regie holders to put a case they may not see on a meeting's agenda.

``/overleg plan`` takes the cases the chair may see as they are. For any other code the chair gets the
same line whether the code exists or not ("verzoek voorgelegd aan de regiehouder (als die casus
bestaat)"), so planning never tells a chair that a case exists. When it does, its regie holders get a
direct message with *Toestaan* / *Weigeren*: allowing puts the case on that meeting's agenda, makes the
chair a deelnemer (audited) and tells the chair; refusing tells the chair "niet toegevoegd", nothing more.
The first answer decides; a second press (or another holder's) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_datetime
from handlers.casework import require_open
from handlers.overleg.notify import rebuild_schedule, send_invites
from handlers.overleg.rsvp import require_planned
from handlers.privacy.targets import agenda_ask_key, agenda_request_in_value
from handlers.reminders import regie_holders
from storage.cases.tables import OPEN_STATUSES, Case
from storage.meetings.tables import Meeting
from storage.outbox.forwarding import PERSONAL

group = CommandGroup("overleg-agenda")

ALLOW = "overleg.agenda_allow"
DENY = "overleg.agenda_deny"


def request_cases(ctx: Context, meeting: Meeting, codes: Sequence[str]) -> list[Text]:
    """Ask the regie holders of each code's case (when there is such an open case); the chair's lines
    read the same either way."""
    assert meeting.id is not None
    chair = ctx.require_member()
    lines: list[Text] = []
    for code in dict.fromkeys(codes):
        lines.append(t("overleg.agenda_requested", code=code))
        case = ctx.uow.cases.by_code(code)
        if case is None or case.id is None or case.status not in OPEN_STATUSES:
            continue
        value = f"{meeting.id}:{case.id}"
        buttons = [
            Button(ALLOW, t("overleg.agenda_allow_button"), value),
            Button(DENY, t("overleg.agenda_deny_button"), value),
        ]
        start = format_datetime(meeting.start_at, ctx.clock.tz)
        question = t(
            "overleg.agenda_ask",
            chair=chair.name,
            code=case.code,
            initials=case.initials,
            id=meeting.id,
            start=start,
        )
        for holder in regie_holders(ctx.uow, case):
            if holder != chair.id:
                key = agenda_ask_key(meeting.id, case.id, holder)
                ctx.notify(holder, question, key=key, buttons=buttons, cases=PERSONAL)  # put to them alone
        ctx.audit("overleg.agenda_request", kind="write", case_id=case.id, detail=f"meeting {meeting.id}")
    return lines


def _request(ctx: Context, value: str) -> tuple[Meeting, Case]:
    """The meeting and case of a request the gate matched to this member (``agenda_request_in_value``)."""
    meeting_id, _, case_id = value.partition(":")
    meeting = ctx.uow.meetings.get(int(meeting_id))
    case = ctx.uow.cases.get(int(case_id))
    assert meeting is not None and meeting.id is not None and case is not None and case.id is not None
    ctx.concerns(case.id)
    return meeting, case


def _decided(ctx: Context, meeting: Meeting, case: Case) -> bool:
    assert meeting.id is not None and case.id is not None
    return ctx.uow.outbox.by_key(agenda_ask_key(meeting.id, case.id, None)) is not None


@group.action(ALLOW, target=agenda_request_in_value)
def allow(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting, case = _request(ctx, msg.value)
        assert meeting.id is not None and case.id is not None
        if _decided(ctx, meeting, case):
            raise UserError("overleg.agenda_already")
        require_open(case)
        require_planned(meeting)
        chair = uow.members.get(meeting.chair_id)
        assert chair is not None and chair.id is not None
        if case.id not in {c.id for c in uow.meetings.agenda(meeting.id)}:
            uow.meetings.add_agenda(meeting.id, [case.id])
        if not uow.cases.is_participant(case.id, chair.id, chair.organisation_id):
            uow.cases.add_participant(case.id, now, member_id=chair.id, added_by=member.id)
            ctx.audit("overleg.agenda", kind="write", case_id=case.id, detail=f"chair joined {meeting.id}")
        from handlers.overleg.plan import case_invitees  # plan imports this module for the requests

        new = uow.meetings.invite(meeting.id, case_invitees(ctx, case.id))
        if new:
            rebuild_schedule(ctx, meeting)
            send_invites(ctx, meeting, new, update=False)
        ctx.notify(
            chair.id,
            t("overleg.agenda_chair_allowed", code=case.code, id=meeting.id),
            key=agenda_ask_key(meeting.id, case.id, None),
            cases=PERSONAL,  # the chair's own request
        )
        ctx.audit("overleg.agenda_allow", kind="write", case_id=case.id, detail=f"meeting {meeting.id}")
        uow.commit()
    return Reply(t("overleg.agenda_allowed", code=case.code, id=meeting.id, chair=chair.name))


@group.action(DENY, target=agenda_request_in_value)
def deny(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        meeting, case = _request(ctx, msg.value)
        assert meeting.id is not None and case.id is not None
        if _decided(ctx, meeting, case):
            raise UserError("overleg.agenda_already")
        # the chair typed this code; "niet toegevoegd" says nothing more about the case
        ctx.notify(
            meeting.chair_id,
            t("overleg.agenda_chair_denied", code=case.code, id=meeting.id),
            key=agenda_ask_key(meeting.id, case.id, None),
            cases=PERSONAL,  # the chair's own request
        )
        ctx.audit("overleg.agenda_deny", kind="write", case_id=case.id, detail=f"meeting {meeting.id}")
        uow.commit()
    return Reply(t("overleg.agenda_denied", code=case.code))
