"""Answers to an invite (ja / nee / a substitute), and what the chair records afterwards: attendance and the
agreements per agenda case (issue 4's ``Action``, through ``/actie``'s own checks)."""

from __future__ import annotations

from bot.core import Context, Reply, UserError, t
from handlers.actie import add_action
from handlers.casework import parse_case_code
from handlers.overleg_notify import (
    cancel_for_invitee,
    casusregisseurs,
    schedule_for_invitee,
    send_invites,
)
from handlers.overleg_times import last_started, upcoming
from storage.meetings import Meeting, MeetingStatus, Rsvp


def load_meeting(ctx: Context, raw: str) -> Meeting:
    """A meeting the member chairs or is invited to; unknown and not-yours read the same."""
    member = ctx.require_member()
    word = raw.strip().lstrip("#")
    meeting = ctx.uow.meetings.get(int(word)) if word.isdigit() and len(word) < 10 else None
    if (
        meeting is None
        or meeting.id is None
        or (meeting.chair_id != member.id and ctx.uow.meetings.invitee(meeting.id, member.id) is None)
    ):
        raise UserError("overleg.not_found", id=word[:12])
    return meeting


def require_chair(ctx: Context, meeting: Meeting) -> None:
    if meeting.chair_id != ctx.require_member().id:
        raise UserError("overleg.chair_only", id=meeting.id)


def require_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise UserError("overleg.is_cancelled", id=meeting.id)


def answer(ctx: Context, raw_id: str, rsvp: Rsvp, substitute_id: int | None = None) -> Reply:
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
        if not uow.meetings.answer(invitee, rsvp, now, substitute_id):
            raise UserError("overleg.rsvp_same", id=meeting.id, rsvp=t(f"overleg.rsvp.{rsvp}"))
        cancel_for_invitee(ctx, meeting, invitee, items)
        regisseurs = casusregisseurs(ctx, meeting)
        schedule_for_invitee(ctx, meeting, invitee, items, regisseurs)
        substitute = uow.members.get(substitute_id) if substitute_id else None
        if substitute is not None and substitute.id is not None:
            for added in uow.meetings.invite(meeting.id, [substitute.id]):
                schedule_for_invitee(ctx, meeting, added, items, regisseurs)
                send_invites(ctx, meeting, [added], update=False)
        if rsvp != Rsvp.JA and member.id in regisseurs and meeting.chair_id != member.id:
            ctx.notify(
                meeting.chair_id,
                t(
                    "overleg.warn_declined",
                    id=meeting.id,
                    who=member.name,
                    substitute=substitute.name if substitute else "-",
                ),
                key=f"meeting-note:{meeting.id}:declined:m{member.id}:r{invitee.revision}",
            )
        ctx.audit("overleg.rsvp", kind="write", detail=f"meeting {meeting.id}: {rsvp}")
        uow.commit()
    return Reply(t("overleg.rsvp_saved", id=meeting.id, rsvp=t(f"overleg.rsvp.{rsvp}")))


def press_rsvp(ctx: Context, value: str) -> Reply:
    raw_id, _, word = value.partition(":")
    if word == Rsvp.VERVANGER:
        with ctx.uow:
            meeting = load_meeting(ctx, raw_id)
            require_planned(meeting)
        return Reply(t("overleg.substitute_how", id=meeting.id))
    if word not in (Rsvp.JA, Rsvp.NEE):
        raise UserError("overleg.usage")
    return answer(ctx, raw_id, Rsvp(word))


def send_substitute(ctx: Context, raw_id: str, rest: str) -> Reply:
    handle = rest.strip().split()[0] if rest.strip() else ""
    substitute = ctx.uow.members.by_handle(handle) if handle.startswith("@") else None
    if substitute is None or substitute.id is None or not substitute.active:
        raise UserError("overleg.unknown_invitee", text=handle[:40] or "-")
    if substitute.id == ctx.require_member().id:
        raise UserError("overleg.substitute_self")
    return answer(ctx, raw_id, Rsvp.VERVANGER, substitute.id)


def record_attendance(ctx: Context, raw_id: str, rest: str) -> Reply:
    """``/overleg ID aanwezig @a @b``: the named were there, the other invitees were not."""
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        require_chair(ctx, meeting)
        occurrence = last_started(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, now)
        if occurrence is None:
            raise UserError("overleg.not_started", id=meeting.id)
        present: dict[int, bool] = {i.member_id: False for i in uow.meetings.invitees(meeting.id)}
        for handle in rest.split():
            someone = uow.members.by_handle(handle)
            if someone is None or someone.id is None:
                raise UserError("overleg.unknown_invitee", text=handle[:40])
            present[someone.id] = True
        uow.meetings.record_attendance(meeting.id, occurrence.start, present, member.id, now)
        ctx.audit("overleg.attendance", kind="write", detail=f"meeting {meeting.id}")
        uow.commit()
    return Reply(
        t("overleg.attendance_saved", id=meeting.id, present=sum(present.values()), total=len(present))
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
