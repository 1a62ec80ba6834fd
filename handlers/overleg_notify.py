"""Everything a meeting puts in the outbox: invites with the ``.ics``, reminders, chair warnings, cut-offs.

Messages sent at once (invites, changes, warnings) have keys ``meeting-note:<id>:<what>:m<member>:s<seq>``;
a rebuild never cancels them. Scheduled rows have keys
``meeting:<id>:<local occurrence date>:<kind>:m<member>:s<sequence>r<revision>``. The version
suffix makes a rebuilt row a new row (the outbox keeps a key once used, in any state): a change raises the
meeting's sequence, an answer raises the invitee's revision. ``cancel_prefix("meeting:<id>:")`` cancels
everything still pending of a meeting; ``...:<date>:<kind>:m<member>:`` one member's row of one date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core import Button, Context, FileAttachment, Reply, Text, t
from bot.core.context import encode_reply
from bot.core.dates import format_datetime
from handlers.overleg_ics import MIME, IcsText, build_ics, file_name
from handlers.overleg_times import Occurrence, local_day, occurrences, triage_cutoff, upcoming
from storage.cases import RegieKind
from storage.meetings import Invitee, Meeting, MeetingKind, Rsvp
from storage.outbox import add_many

RSVP = "overleg.rsvp"
REMINDERS = (("T-24h", timedelta(hours=24)), ("T-1h", timedelta(hours=1)))
OPEN_WARNING = "open-24h"
CUTOFF_NOTICE = timedelta(hours=3)  # 09:00 the day before, three hours ahead of the 12:00 cut-off


@dataclass
class Batch:
    """Direct messages to members, written to the outbox together (same rows as ``ctx.notify`` writes, with
    one key check and one flush for the lot instead of one per row)."""

    ctx: Context
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        member_id: int,
        text: Text | Sequence[Text],
        *,
        key: str,
        buttons: Sequence[Button] = (),
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        file: FileAttachment | None = None,
    ) -> None:
        now = self.ctx.clock.now()
        body = text if isinstance(text, Text) else list(text)
        self.rows.append(
            {
                "dedupe_key": key,
                "member_id": member_id,
                "payload": encode_reply(Reply(body, buttons=buttons, file=file)),
                "due_at": due_at or now,
                "expires_at": expires_at,
                "created_at": now,
            }
        )

    def write(self) -> int:
        written = add_many(self.ctx.uow.outbox, self.rows)
        self.rows = []
        return written


def kind_label(kind: str) -> Text:
    return t(f"overleg.kind.{kind}")


def ics_text(ctx: Context, meeting: Meeting) -> IcsText:
    """Language-neutral calendar text: the meeting type's code and the agenda's case codes (no names)."""
    codes = [case.code for case in ctx.uow.meetings.agenda(meeting.id or 0)]
    summary = f"{meeting.kind.upper()} #{meeting.id}"
    return IcsText(summary, ", ".join(codes) or summary)


def ics_file(ctx: Context, meeting: Meeting, *, cancel: Occurrence | None = None) -> FileAttachment:
    changes = ctx.uow.meetings.changes(meeting.id or 0)
    data = build_ics(
        meeting,
        occurrences(meeting, changes, ctx.clock.tz),
        ics_text(ctx, meeting),
        ctx.clock.tz,
        ctx.clock.now(),
        cancel_occurrence=cancel,
    )
    return FileAttachment(file_name(meeting), data, MIME)


def rsvp_buttons(meeting_id: int) -> list[Button]:
    return [
        Button(RSVP, t("overleg.rsvp_ja"), f"{meeting_id}:ja"),
        Button(RSVP, t("overleg.rsvp_nee"), f"{meeting_id}:nee"),
        Button(RSVP, t("overleg.rsvp_vervanger"), f"{meeting_id}:vervanger"),
    ]


def when_text(ctx: Context, meeting: Meeting) -> Text:
    start = format_datetime(meeting.start_at, ctx.clock.tz)
    if meeting.until is None:
        return t("overleg.when_once", start=start, minutes=meeting.duration_minutes)
    return t(
        "overleg.when_series",
        start=start,
        minutes=meeting.duration_minutes,
        every=t(f"overleg.recurrence.{meeting.recurrence}"),
        until=meeting.until.strftime("%d-%m-%Y"),
    )


def send_invites(ctx: Context, meeting: Meeting, invitees: Sequence[Invitee], *, update: bool) -> int:
    """The invite (or the changed invite) with RSVP buttons and the ``.ics``, to each invitee now."""
    assert meeting.id is not None
    chair = ctx.uow.members.get(meeting.chair_id)
    file = ics_file(ctx, meeting)
    text = [
        t(
            "overleg.invite_update" if update else "overleg.invite",
            id=meeting.id,
            kind=kind_label(meeting.kind),
            chair=chair.name if chair else "?",
        ),
        when_text(ctx, meeting),
        t("overleg.place", place=meeting.place),
        t("overleg.agenda_codes", codes=ics_text(ctx, meeting).description),
    ]
    batch = Batch(ctx)
    for invitee in invitees:
        key = f"meeting-note:{meeting.id}:invite:m{invitee.member_id}:s{meeting.sequence}"
        batch.add(invitee.member_id, text, key=key, buttons=rsvp_buttons(meeting.id), file=file)
    return batch.write()


def tell_invitees(ctx: Context, meeting: Meeting, text: Sequence[Text], what: str, *, file: bool) -> int:
    attachment = ics_file(ctx, meeting) if file else None
    batch = Batch(ctx)
    for invitee in ctx.uow.meetings.invitees(meeting.id or 0):
        key = f"meeting-note:{meeting.id}:{what}:m{invitee.member_id}:s{meeting.sequence}"
        batch.add(invitee.member_id, list(text), key=key, file=attachment)
    return batch.write()


def casusregisseurs(ctx: Context, meeting: Meeting) -> set[int]:
    """Members who hold casusregie of a case on the agenda."""
    holders = set()
    for case in ctx.uow.meetings.agenda(meeting.id or 0):
        current = ctx.uow.regie.current(case.id or 0)
        if RegieKind.CASUSREGIE in current:
            holders.add(current[RegieKind.CASUSREGIE].member_id)
    return holders


def _version(meeting: Meeting, invitee: Invitee) -> str:
    return f"s{meeting.sequence}r{invitee.revision}"


def schedule_for_invitee(
    ctx: Context, meeting: Meeting, invitee: Invitee, items: Sequence[Occurrence], regisseurs: set[int]
) -> int:
    """Reminders 24 h and 1 h before (unless declined), and the chair's warning if a casusregisseur has not
    answered 24 h before. Only rows still in the future are written."""
    batch = Batch(ctx)
    queue_for_invitee(batch, meeting, invitee, items, regisseurs)
    return batch.write()


def queue_for_invitee(
    batch: Batch, meeting: Meeting, invitee: Invitee, items: Sequence[Occurrence], regisseurs: set[int]
) -> None:
    ctx = batch.ctx
    now = ctx.clock.now()
    for occurrence in items:
        day = local_day(occurrence.start, ctx.clock.tz)
        base = f"meeting:{meeting.id}:{day}"
        if invitee.rsvp in (Rsvp.JA, Rsvp.OPEN):
            for label, ahead in REMINDERS:
                due = occurrence.start - ahead
                if due <= now:
                    continue
                batch.add(
                    invitee.member_id,
                    [
                        t(f"overleg.reminder_{label}", id=meeting.id, kind=kind_label(meeting.kind)),
                        t("overleg.when_at", start=format_datetime(occurrence.start, ctx.clock.tz)),
                        t("overleg.place", place=meeting.place),
                    ],
                    key=f"{base}:{label}:m{invitee.member_id}:{_version(meeting, invitee)}",
                    due_at=due,
                    expires_at=occurrence.start,
                )
        due = occurrence.start - timedelta(hours=24)
        if invitee.rsvp == Rsvp.OPEN and invitee.member_id in regisseurs and due > now:
            member = ctx.uow.members.get(invitee.member_id)
            batch.add(
                meeting.chair_id,
                t("overleg.warn_no_answer", id=meeting.id, who=member.name if member else "?"),
                key=f"{base}:{OPEN_WARNING}:m{invitee.member_id}:{_version(meeting, invitee)}",
                due_at=due,
                expires_at=occurrence.start,
            )


def cancel_for_invitee(ctx: Context, meeting: Meeting, invitee: Invitee, items: Sequence[Occurrence]) -> None:
    for occurrence in items:
        day = local_day(occurrence.start, ctx.clock.tz)
        for label in (*(label for label, _ in REMINDERS), OPEN_WARNING):
            ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:{day}:{label}:m{invitee.member_id}:")


def schedule_cutoffs(ctx: Context, meeting: Meeting, items: Sequence[Occurrence]) -> int:
    """Triage-overleg: the cut-off reminder to every invitee the morning before, and at the cut-off a note to
    the chair that the agenda closed (the agenda itself is derived from the signals, see the module doc of
    handlers/overleg.py)."""
    if meeting.kind != MeetingKind.TRIAGE:
        return 0
    now = ctx.clock.now()
    batch = Batch(ctx)
    invitees = ctx.uow.meetings.invitees(meeting.id or 0)
    for occurrence in items:
        cutoff = triage_cutoff(occurrence.start, ctx.clock.tz)
        if cutoff <= now:
            continue
        day = local_day(occurrence.start, ctx.clock.tz)
        shown = format_datetime(cutoff, ctx.clock.tz)
        notice = max(now, cutoff - CUTOFF_NOTICE)
        for invitee in invitees:
            batch.add(
                invitee.member_id,
                t("overleg.cutoff_reminder", id=meeting.id, cutoff=shown),
                key=f"meeting:{meeting.id}:{day}:cutoff:m{invitee.member_id}:s{meeting.sequence}",
                due_at=notice,
                expires_at=cutoff,
            )
        batch.add(
            meeting.chair_id,
            t("overleg.agenda_closed", id=meeting.id, day=day),
            key=f"meeting:{meeting.id}:{day}:agenda-closed:m{meeting.chair_id}:s{meeting.sequence}",
            due_at=cutoff,
        )
    return batch.write()


def rebuild_schedule(ctx: Context, meeting: Meeting) -> int:
    """Cancel every pending row of the meeting and write reminders, warnings and cut-offs anew."""
    assert meeting.id is not None
    ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:")
    items = upcoming(meeting, ctx.uow.meetings.changes(meeting.id), ctx.clock.tz, ctx.clock.now())
    regisseurs = casusregisseurs(ctx, meeting)
    batch = Batch(ctx)
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        queue_for_invitee(batch, meeting, invitee, items, regisseurs)
    return batch.write() + schedule_cutoffs(ctx, meeting, items)


def bump(meeting: Meeting, now: datetime) -> None:
    meeting.sequence += 1
    meeting.updated_at = now
