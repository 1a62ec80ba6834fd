"""/overleg (/meeting): plan an MDO, triage-overleg, HG-overleg, ... with agenda, invites, RSVP, reminders.

``/overleg plan`` · ``/overleg lijst`` · ``/overleg ID`` (overview, RSVPs)
· ``/overleg ID verzetten [<date> naar] <time>`` · ``/overleg ID afzeggen [<date>] <reason>``
· ``/overleg ID ja|nee [<date>]`` · ``/overleg ID vervanger @member [<date>]``
· after the meeting (chair):
``/overleg ID aanwezig @a @b`` and ``/overleg ID afspraak CODE <text> @owner <deadline>``.

A triage-overleg's agenda is not copied by a job at the cut-off: it is *derived* — the signals that came in
before the cut-off (12:00 the day before) and were still untriaged then. Nothing can be missed when the bot
was down at the cut-off, no second instance can fill it twice, and the outcomes are recorded afterwards with
the existing ``/triage S-<n> <outcome>`` flow (the overview lists each signal with its state).
"""

from __future__ import annotations

from datetime import datetime

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_datetime
from bot.core.hygiene import is_id
from handlers.overleg.change import CANCEL, MOVE, change_form, request_change
from handlers.overleg.notify import RSVP, agenda_text, answers_of, effective, kind_label, when_text
from handlers.overleg.plan import PLAN_FORM, chair_role, plan_form, require_chair_role
from handlers.overleg.rsvp import (
    TYPED_RSVP,
    answer_typed,
    load_meeting,
    press_rsvp,
    record_agreement,
    record_attendance,
    send_substitute,
)
from handlers.overleg.substitute import substitute_form
from handlers.overleg.times import Occurrence, last_started, occurrences, triage_cutoff, upcoming
from handlers.privacy.targets import meeting_in_args, meeting_in_value
from handlers.signals.signaal import signal_ref
from handlers.signals.triage import outcome_label
from storage.meetings.tables import Meeting, MeetingKind, MeetingStatus, Recurrence, Rsvp

group = CommandGroup("overleg")
group.form(plan_form())
group.form(change_form())
group.form(substitute_form())

SUBCOMMANDS = {
    "verzetten": MOVE,
    "move": MOVE,
    "afzeggen": CANCEL,
    "cancel": CANCEL,
}


@group.command(
    "overleg",
    aliases=["meeting"],
    usage=t("overleg.usage"),
    needs_args=True,
    target=meeting_in_args,
    more_help=[(chair_role, t("help.overleg_chair"))],  # /help: planning only for chairs
)
def overleg(msg: Incoming, ctx: Context) -> Reply | list[Reply]:
    head, _, rest = msg.args.partition(" ")
    word = head.lower()
    rest = rest.strip()
    if word == "plan":
        require_chair_role(ctx)
        replies = ctx.forms.start(PLAN_FORM, ctx)
        ctx.uow.commit()
        return replies
    if word in ("lijst", "list"):
        return show_list(ctx)
    if not is_id(word.lstrip("#")):
        raise UserError("overleg.usage")
    verb, _, more = rest.partition(" ")
    verb = verb.lower()
    more = more.strip()
    if not verb:
        return show_meeting(ctx, head)
    if verb in SUBCOMMANDS:
        return request_change(ctx, head, SUBCOMMANDS[verb], more)
    if verb in ("vervanger", "substitute"):
        return send_substitute(ctx, head, more)
    if verb in TYPED_RSVP:
        return answer_typed(ctx, head, TYPED_RSVP[verb], more)
    if verb in ("aanwezig", "attendance"):
        return record_attendance(ctx, head, more)
    if verb in ("afspraak", "agreement"):
        return record_agreement(ctx, head, more)
    raise UserError("overleg.usage")


@group.action(RSVP, target=meeting_in_value)
def rsvp(msg: Incoming, ctx: Context) -> Reply | list[Reply]:
    return press_rsvp(ctx, msg.value)


def show_list(ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    lines: list[Text | str] = []
    with ctx.uow as uow:
        for meeting in uow.meetings.upcoming_for(member.id, now):
            assert meeting.id is not None
            items = upcoming(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, now)
            if not items:
                continue
            invitee = uow.meetings.invitee(meeting.id, member.id)
            rsvp = effective(invitee, answers_of(ctx, meeting), items[0])[0] if invitee else None
            lines.append(
                t(
                    "overleg.list_line",
                    id=meeting.id,
                    kind=kind_label(meeting.kind),
                    start=format_datetime(items[0].start, ctx.clock.tz),
                    place=meeting.place,
                    rsvp=t(f"overleg.rsvp.{rsvp}") if rsvp else "-",
                )
            )
        ctx.audit("overleg.list")
    if not lines:
        return Reply(t("overleg.list_empty"))
    return Reply([t("overleg.list_title", count=len(lines)), *lines])


def show_meeting(ctx: Context, raw_id: str) -> Reply:
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        changes = uow.meetings.changes(meeting.id)
        items = upcoming(meeting, changes, ctx.clock.tz, now)
        lines: list[Text | str] = [
            t("overleg.title", id=meeting.id, kind=kind_label(meeting.kind)),
            when_text(ctx, meeting),
            t("overleg.place", place=meeting.place),
        ]
        if meeting.status == MeetingStatus.CANCELLED:
            lines.append(t("overleg.status_cancelled", reason=meeting.cancel_reason or "-"))
        elif items:
            lines.append(t("overleg.next", start=format_datetime(items[0].start, ctx.clock.tz)))
        lines.append(agenda_text(ctx, meeting))
        lines.extend(_triage_agenda(ctx, meeting, items[0].start if items else None))
        lines.extend(_answers(ctx, meeting, items))
        ctx.audit("overleg.show", detail=f"meeting {meeting.id}")
    return Reply(lines)


def _answers(ctx: Context, meeting: Meeting, items: list[Occurrence]) -> list[Text | str]:
    """Each invitee's answer for the next occurrence (its own answer, else the series answer), then who
    answered differently for which later dates, and the dates that do not take place."""
    assert meeting.id is not None
    tz = ctx.clock.tz
    invitees = ctx.uow.meetings.invitees(meeting.id)
    answers = answers_of(ctx, meeting)
    people = ctx.uow.meetings.members(
        [i.member_id for i in invitees]
        + [i.substitute_id for i in invitees if i.substitute_id]
        + [a.substitute_id for a in answers.values() if a.substitute_id]
    )

    def name(member_id: int | None) -> str:
        person = people.get(member_id) if member_id else None
        return person.name if person else ""

    lines: list[Text | str] = []
    if items and meeting.recurrence != Recurrence.NONE:
        lines.append(t("overleg.answers_for", start=format_datetime(items[0].start, tz)))
    for invitee in invitees:
        rsvp, substitute = (
            effective(invitee, answers, items[0]) if items else (invitee.rsvp, invitee.substitute_id)
        )
        lines.append(
            t(
                "overleg.rsvp_line",
                who=name(invitee.member_id),
                rsvp=t(f"overleg.rsvp.{rsvp}"),
                substitute=name(substitute),
            )
        )
    later = {o.original: o for o in items[1:]}
    for answer in answers.values():
        occurrence = later.get(answer.original_start_at)
        if occurrence is None or answer.rsvp in (Rsvp.JA, Rsvp.OPEN):
            continue
        lines.append(
            t(
                "overleg.declined_on",
                who=name(answer.member_id),
                rsvp=t(f"overleg.rsvp.{answer.rsvp}"),
                day=format_datetime(occurrence.start, tz),
            )
        )
    now = ctx.clock.now()
    dropped = [
        format_datetime(o.original, tz)
        for o in occurrences(meeting, ctx.uow.meetings.changes(meeting.id), tz)
        if o.cancelled and o.original > now
    ]
    if dropped:
        lines.append(t("overleg.not_taking_place", days=", ".join(dropped)))
    return lines


def _triage_agenda(ctx: Context, meeting: Meeting, next_start: datetime | None) -> list[Text | str]:
    """For a triage-overleg: the signals of the next occurrence, or of the last one if none is ahead."""
    if meeting.kind != MeetingKind.TRIAGE or meeting.id is None:
        return []
    start = next_start
    if start is None:
        last = last_started(meeting, ctx.uow.meetings.changes(meeting.id), ctx.clock.tz, ctx.clock.now())
        start = last.start if last else None
    if start is None:
        return []
    cutoff = triage_cutoff(start, ctx.clock.tz)
    signals = ctx.uow.meetings.triage_agenda(cutoff)
    lines: list[Text | str] = [
        t("overleg.triage_agenda", cutoff=format_datetime(cutoff, ctx.clock.tz), count=len(signals))
    ]
    for signal in signals:
        state = outcome_label(signal.outcome) if signal.outcome else t("overleg.signal_open")
        lines.append(t("overleg.triage_line", ref=signal_ref(signal.id), state=state))
    return lines
