"""Answers to an invite (ja / nee / a substitute), and what the chair records afterwards: attendance and the
agreements per agenda case (issue 4's ``Action``, through ``/actie``'s own checks).

The invite's buttons answer for the whole series (``3:ja``); the buttons on a reminder or on the notice of a
moved occurrence answer for that occurrence only (``3:20261208:nee``), as does naming a date
(``/overleg 3 vervanger @lid 08-12-2026``). An occurrence's own answer wins over the series answer; a later
series answer keeps the per-date ones."""

from __future__ import annotations

from datetime import date

from bot.core import Context, Reply, UserError, t
from bot.core.dates import format_date, format_datetime
from bot.core.hygiene import echo, is_id
from handlers.cases.actie import add_action
from handlers.casework import parse_case_code
from handlers.overleg.notify import (
    agenda_ids,
    cancel_for_invitee,
    casusregisseurs,
    schedule_for_invitee,
    send_invites,
)
from handlers.overleg.occurrence import day_of_key, pick_occurrence, split_day
from handlers.overleg.times import Occurrence, find_occurrence, last_started, upcoming
from storage.meetings.tables import Meeting, MeetingStatus, Rsvp


def load_meeting(ctx: Context, raw: str) -> Meeting:
    """A meeting the member chairs or is invited to; unknown and not-yours read the same."""
    member = ctx.require_member()
    word = raw.strip().lstrip("#")
    meeting = ctx.uow.meetings.get(int(word)) if is_id(word) else None
    if (
        meeting is None
        or meeting.id is None
        or (meeting.chair_id != member.id and ctx.uow.meetings.invitee(meeting.id, member.id) is None)
    ):
        raise UserError("overleg.not_found", id=echo(word))
    return meeting


def require_chair(ctx: Context, meeting: Meeting) -> None:
    if meeting.chair_id != ctx.require_member().id:
        raise UserError("overleg.chair_only", id=meeting.id)


def require_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise UserError("overleg.is_cancelled", id=meeting.id)


def answer(
    ctx: Context, raw_id: str, rsvp: Rsvp, substitute_id: int | None = None, day: date | None = None
) -> Reply:
    """An answer for the series, or (``day``) for the occurrence on that date."""
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        require_planned(meeting)
        invitee = uow.meetings.invitee(meeting.id, member.id)
        if invitee is None:
            raise UserError("overleg.not_invited", id=meeting.id)
        items = upcoming(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, now)
        if not items:
            raise UserError("overleg.over", id=meeting.id)
        one: Occurrence | None = None
        if day is not None:
            one = pick_occurrence(ctx, meeting, day)
            items = [one]
            recorded = uow.meetings.answer_occurrence(invitee, one.original, rsvp, now, substitute_id)
        else:
            recorded = uow.meetings.answer(invitee, rsvp, now, substitute_id)
        shown = t(f"overleg.rsvp.{rsvp}")
        when = format_datetime(one.start, ctx.clock.tz) if one else None
        if not recorded:
            if when:
                raise UserError("overleg.rsvp_same_on", id=meeting.id, rsvp=shown, day=when)
            raise UserError("overleg.rsvp_same", id=meeting.id, rsvp=shown)
        cancel_for_invitee(ctx, meeting, invitee, items)
        regisseurs = casusregisseurs(ctx, meeting)
        schedule_for_invitee(ctx, meeting, invitee, items, regisseurs)
        substitute = uow.members.get(substitute_id) if substitute_id else None
        if substitute is not None and substitute.id is not None:
            _invite_substitute(ctx, meeting, substitute.id, one, items, regisseurs)
        if rsvp != Rsvp.JA and member.id in regisseurs and meeting.chair_id != member.id:
            ctx.notify(
                meeting.chair_id,
                t(
                    "overleg.warn_declined_on" if when else "overleg.warn_declined",
                    id=meeting.id,
                    who=member.name,
                    substitute=substitute.name if substitute else "-",
                    day=when or "",
                ),
                key=f"meeting-note:{meeting.id}:declined:m{member.id}:r{invitee.revision}",
                cases=agenda_ids(ctx, meeting),
            )
        ctx.audit("overleg.rsvp", kind="write", detail=f"meeting {meeting.id}: {rsvp} {when or 'series'}")
        uow.commit()
    if when:
        return Reply(t("overleg.rsvp_saved_on", id=meeting.id, rsvp=shown, day=when))
    return Reply(t("overleg.rsvp_saved", id=meeting.id, rsvp=shown))


def _invite_substitute(
    ctx: Context,
    meeting: Meeting,
    substitute_id: int,
    one: Occurrence | None,
    items: list[Occurrence],
    regisseurs: set[int],
) -> None:
    """Invite the substitute: to the series, or (``one``) to that date only — a series answer 'nee' with
    an open answer for the date, so the reminders come for that date alone."""
    assert meeting.id is not None
    now = ctx.clock.now()
    for added in ctx.uow.meetings.invite(meeting.id, [substitute_id]):
        if one is not None:
            ctx.uow.meetings.answer(added, Rsvp.NEE, now)
            ctx.uow.meetings.answer_occurrence(added, one.original, Rsvp.OPEN, now)
        schedule_for_invitee(ctx, meeting, added, items, regisseurs)
        send_invites(ctx, meeting, [added], update=False, occurrence=one)


def press_rsvp(ctx: Context, value: str) -> Reply | list[Reply]:
    """``3:ja`` (the series) or ``3:20261208:ja`` (one occurrence)."""
    parts = value.split(":")
    if len(parts) not in (2, 3):
        raise UserError("overleg.usage")
    raw_id, word = parts[0], parts[-1]
    day = day_of_key(parts[1]) if len(parts) == 3 else None
    if word == Rsvp.VERVANGER:  # opens the member picker (handlers/overleg/substitute.py)
        from handlers.overleg.substitute import start_substitute

        return start_substitute(ctx, raw_id, day)
    if word not in (Rsvp.JA, Rsvp.NEE):
        raise UserError("overleg.usage")
    return answer(ctx, raw_id, Rsvp(word), day=day)


TYPED_RSVP = {"ja": Rsvp.JA, "yes": Rsvp.JA, "nee": Rsvp.NEE, "no": Rsvp.NEE}


def answer_typed(ctx: Context, raw_id: str, rsvp: Rsvp, rest: str) -> Reply:
    """``/overleg ID ja|nee [dd-mm-jjjj]``: the buttons' answers, typed (for the series, or one date)."""
    day, extra = split_day(ctx, rest)
    if extra:
        raise UserError("overleg.usage")
    return answer(ctx, raw_id, rsvp, day=day)


def send_substitute(ctx: Context, raw_id: str, rest: str) -> Reply:
    """``/overleg ID vervanger @lid [dd-mm-jjjj]``."""
    handle, _, more = rest.strip().partition(" ")
    day, _ = split_day(ctx, more)
    substitute = ctx.uow.members.by_handle(handle) if handle.startswith("@") else None
    if substitute is None or substitute.id is None or not substitute.active:
        raise UserError("overleg.unknown_invitee", text=echo(handle, 40) or "-")
    if substitute.id == ctx.require_member().id:
        raise UserError("overleg.substitute_self")
    return answer(ctx, raw_id, Rsvp.VERVANGER, substitute.id, day=day)


def _started_on(ctx: Context, meeting: Meeting, day: date | None) -> Occurrence:
    """The occurrence attendance is recorded for: the one on ``day``, else the latest that started."""
    assert meeting.id is not None
    changes = ctx.uow.meetings.changes(meeting.id)
    now = ctx.clock.now()
    if day is None:
        occurrence = last_started(meeting, changes, ctx.clock.tz, now)
        if occurrence is None:
            raise UserError("overleg.not_started", id=meeting.id)
        return occurrence
    found = find_occurrence(meeting, changes, ctx.clock.tz, day)
    shown = format_date(day)
    if found is None:
        raise UserError("overleg.no_occurrence", id=meeting.id, day=shown)
    if found.cancelled:
        raise UserError("overleg.occurrence_cancelled", id=meeting.id, day=shown)
    if found.start > now:
        raise UserError("overleg.not_started", id=meeting.id)
    return found


def record_attendance(ctx: Context, raw_id: str, rest: str) -> Reply:
    """``/overleg ID aanwezig [dd-mm-jjjj] @a @b``: the named were at that occurrence (default: the latest
    that started), the other invitees were not."""
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        require_chair(ctx, meeting)
        day, rest = split_day(ctx, rest)
        occurrence = _started_on(ctx, meeting, day)
        present: dict[int, bool] = {i.member_id: False for i in uow.meetings.invitees(meeting.id)}
        for handle in rest.split():
            someone = uow.members.by_handle(handle)
            if someone is None or someone.id is None:
                raise UserError("overleg.unknown_invitee", text=echo(handle, 40))
            present[someone.id] = True
        uow.meetings.record_attendance(meeting.id, occurrence.start, present, member.id, now)
        ctx.audit("overleg.attendance", kind="write", detail=f"meeting {meeting.id}")
        uow.commit()
    return Reply(
        t(
            "overleg.attendance_saved_on",
            id=meeting.id,
            day=format_datetime(occurrence.start, ctx.clock.tz),
            present=sum(present.values()),
            total=len(present),
        )
    )


def record_agreement(ctx: Context, raw_id: str, rest: str) -> Reply:
    """``/overleg ID afspraak CODE <text> @owner <deadline>``: an action on a case of the agenda."""
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        require_chair(ctx, meeting)
        if last_started(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, ctx.clock.now()) is None:
            raise UserError("overleg.not_started", id=meeting.id)
        code = parse_case_code(rest)
        if code not in {case.code for case in uow.meetings.agenda(meeting.id)}:
            raise UserError("overleg.not_on_agenda", code=code, id=meeting.id)
        return add_action(ctx, rest)
