"""Everything a meeting puts in the outbox: invites with the ``.ics``, reminders, chair warnings, cut-offs.

Messages sent at once (invites, changes, warnings) have keys ``meeting-note:<id>:<what>:m<member>:s<seq>``;
a rebuild never cancels them. Scheduled rows have keys
``meeting:<id>:<original local date of the occurrence>:<kind>:m<member>:s<sequence>r<revision>`` (the
original date, the RECURRENCE-ID, so a moved occurrence keeps its key prefix). Due and expiry times come from
the pure rules in ``schedules.rules`` (``meeting_ladder``, ``meeting_warning``, ``triage_cutoff_ladder``).
The version suffix makes a rebuilt row a new row (the outbox keeps a key once used, in any state): a change
raises the meeting's sequence, an answer raises the invitee's revision. ``cancel_prefix("meeting:<id>:")``
cancels everything still pending of a meeting, ``meeting:<id>:<date>:`` one occurrence's rows, and
``...:<date>:<kind>:m<member>:`` one member's row of one date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core import Button, Context, FileAttachment, Reply, Text, t
from bot.core.context import encode_reply
from bot.core.dates import format_date, format_datetime
from handlers.overleg.ics import MIME, IcsText, build_ics, file_name
from handlers.overleg.times import Occurrence, local_day, occurrence_key, occurrences, upcoming
from schedules.rules import meeting_ladder, meeting_warning, triage_cutoff_ladder
from storage.cases.tables import RegieKind
from storage.meetings.tables import Invitee, Meeting, MeetingKind, OccurrenceAnswer, Rsvp
from storage.outbox.forwarding import PERSONAL, encode_case_ids
from storage.outbox.repository import add_many

RSVP = "overleg.rsvp"
REMINDERS = ("T-24h", "T-1h")
OPEN_WARNING = "open-24h"
Answers = dict[tuple[int, datetime], OccurrenceAnswer]  # (member id, original start) -> the answer


@dataclass
class Batch:
    """Direct messages to members, written to the outbox together (same rows as ``ctx.notify`` writes, with
    one key check and one flush for the lot instead of one per row)."""

    ctx: Context
    cases: Sequence[int]  # the meeting's agenda: a deputy gets these rows only if they may know every case
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
                # RSVP buttons answer as whoever presses them: an invite or reminder carrying them is
                # for the invitee alone (a deputy would answer for themselves, to a meeting not theirs)
                "case_ids": encode_case_ids(PERSONAL if any(b.id == RSVP for b in buttons) else self.cases),
            }
        )

    def write(self) -> int:
        written = add_many(self.ctx.uow.outbox, self.rows)
        self.rows = []
        return written


def agenda_ids(ctx: Context, meeting: Meeting) -> list[int]:
    """The ids of the cases on a meeting's agenda: what its messages are about (``Batch.cases``)."""
    return [case.id for case in ctx.uow.meetings.agenda(meeting.id or 0) if case.id is not None]


def kind_label(kind: str) -> Text:
    return t(f"overleg.kind.{kind}")


def ics_text(ctx: Context, meeting: Meeting) -> IcsText:
    """Language-neutral calendar text: the meeting type's code and the agenda's case codes (no names)."""
    codes = [case.code for case in ctx.uow.meetings.agenda(meeting.id or 0)]
    summary = f"{meeting.kind.upper()} #{meeting.id}"
    return IcsText(summary, ", ".join(codes) or summary)


def agenda_text(ctx: Context, meeting: Meeting) -> Text:
    """The agenda's case codes for chat; the meeting's kind never stands in for an empty agenda."""
    codes = [case.code for case in ctx.uow.meetings.agenda(meeting.id or 0)]
    return t("overleg.agenda_codes", codes=", ".join(codes)) if codes else t("overleg.agenda_empty")


def ics_file(
    ctx: Context, meeting: Meeting, *, cancel: Occurrence | None = None, only: Occurrence | None = None
) -> FileAttachment:
    changes = ctx.uow.meetings.changes(meeting.id or 0)
    data = build_ics(
        meeting,
        occurrences(meeting, changes, ctx.clock.tz),
        ics_text(ctx, meeting),
        ctx.clock.tz,
        ctx.clock.now(),
        cancel_occurrence=cancel,
        only=only,
    )
    return FileAttachment(file_name(meeting), data, MIME)


def rsvp_buttons(meeting_id: int, occurrence: str | None = None) -> list[Button]:
    """Answers for the whole series (``3:ja``), or for one occurrence (``3:20261208:ja``)."""
    target = f"{meeting_id}:{occurrence}" if occurrence else str(meeting_id)
    return [
        Button(RSVP, t("overleg.rsvp_ja"), f"{target}:ja"),
        Button(RSVP, t("overleg.rsvp_nee"), f"{target}:nee"),
        Button(RSVP, t("overleg.rsvp_vervanger"), f"{target}:vervanger"),
    ]


def answers_of(ctx: Context, meeting: Meeting) -> Answers:
    return {
        (a.member_id, a.original_start_at): a for a in ctx.uow.meetings.occurrence_answers(meeting.id or 0)
    }


def effective(invitee: Invitee, answers: Answers, occurrence: Occurrence) -> tuple[str, int | None]:
    """The answer that holds for one occurrence: its own, else the series answer."""
    own = answers.get((invitee.member_id, occurrence.original))
    if own is not None:
        return own.rsvp, own.substitute_id
    return invitee.rsvp, invitee.substitute_id


def when_text(ctx: Context, meeting: Meeting) -> Text:
    start = format_datetime(meeting.start_at, ctx.clock.tz)
    if meeting.until is None:
        return t("overleg.when_once", start=start, minutes=meeting.duration_minutes)
    return t(
        "overleg.when_series",
        start=start,
        minutes=meeting.duration_minutes,
        every=t(f"overleg.recurrence.{meeting.recurrence}"),
        until=format_date(meeting.until),
    )


def send_invites(
    ctx: Context,
    meeting: Meeting,
    invitees: Sequence[Invitee],
    *,
    update: bool,
    occurrence: Occurrence | None = None,
) -> int:
    """The invite (or the changed invite) with RSVP buttons and the ``.ics``, to each invitee now; with
    ``occurrence`` an invite for that date only (its own buttons and a one-instance ``.ics``)."""
    assert meeting.id is not None
    chair = ctx.uow.members.get(meeting.chair_id)
    file = ics_file(ctx, meeting, only=occurrence)
    if occurrence is None:
        key_word = "invite"
        when = when_text(ctx, meeting)
        buttons = rsvp_buttons(meeting.id)
    else:
        key_word = f"invite-{occurrence_key(occurrence, ctx.clock.tz)}"
        when = t("overleg.when_at", start=format_datetime(occurrence.start, ctx.clock.tz))
        buttons = rsvp_buttons(meeting.id, occurrence_key(occurrence, ctx.clock.tz))
    text = [
        t(
            "overleg.invite_update" if update else "overleg.invite",
            id=meeting.id,
            kind=kind_label(meeting.kind),
            chair=chair.name if chair else "?",
        ),
        when,
        t("overleg.place", place=meeting.place),
        agenda_text(ctx, meeting),
    ]
    batch = Batch(ctx, agenda_ids(ctx, meeting))
    for invitee in invitees:
        key = f"meeting-note:{meeting.id}:{key_word}:m{invitee.member_id}:s{meeting.sequence}"
        batch.add(invitee.member_id, text, key=key, buttons=buttons, file=file)
    return batch.write()


def tell_invitees(ctx: Context, meeting: Meeting, text: Sequence[Text], what: str, *, file: bool) -> int:
    attachment = ics_file(ctx, meeting) if file else None
    batch = Batch(ctx, agenda_ids(ctx, meeting))
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
    ctx: Context,
    meeting: Meeting,
    invitee: Invitee,
    items: Sequence[Occurrence],
    regisseurs: set[int],
    answers: Answers | None = None,
) -> int:
    """Reminders 24 h and 1 h before (unless declined), and the chair's warning if a casusregisseur has not
    answered 24 h before. Only rows still in the future are written."""
    batch = Batch(ctx, agenda_ids(ctx, meeting))
    known = answers_of(ctx, meeting) if answers is None else answers
    queue_for_invitee(batch, meeting, invitee, items, regisseurs, known)
    return batch.write()


def queue_for_invitee(
    batch: Batch,
    meeting: Meeting,
    invitee: Invitee,
    items: Sequence[Occurrence],
    regisseurs: set[int],
    answers: Answers,
) -> None:
    ctx = batch.ctx
    now = ctx.clock.now()
    tz = ctx.clock.tz
    for occurrence in items:
        base = f"meeting:{meeting.id}:{local_day(occurrence.original, tz)}"
        rsvp, _ = effective(invitee, answers, occurrence)
        buttons = rsvp_buttons(meeting.id or 0, occurrence_key(occurrence, tz))
        if rsvp in (Rsvp.JA, Rsvp.OPEN):
            for step in meeting_ladder(occurrence.start, tz):
                if step.due_at <= now:
                    continue
                batch.add(
                    invitee.member_id,
                    [
                        t(f"overleg.reminder_{step.offset}", id=meeting.id, kind=kind_label(meeting.kind)),
                        t("overleg.when_at", start=format_datetime(occurrence.start, tz)),
                        t("overleg.place", place=meeting.place),
                    ],
                    key=f"{base}:{step.offset}:m{invitee.member_id}:{_version(meeting, invitee)}",
                    buttons=buttons,
                    due_at=step.due_at,
                    expires_at=step.expires_at,
                )
        warning = meeting_warning(occurrence.start, tz)
        if rsvp == Rsvp.OPEN and invitee.member_id in regisseurs and warning.due_at > now:
            member = ctx.uow.members.get(invitee.member_id)
            batch.add(
                meeting.chair_id,
                t(
                    "overleg.warn_no_answer",
                    id=meeting.id,
                    who=member.name if member else "?",
                    start=format_datetime(occurrence.start, tz),
                ),
                key=f"{base}:{warning.offset}:m{invitee.member_id}:{_version(meeting, invitee)}",
                due_at=warning.due_at,
                expires_at=warning.expires_at,
            )


def cancel_for_invitee(ctx: Context, meeting: Meeting, invitee: Invitee, items: Sequence[Occurrence]) -> None:
    for occurrence in items:
        day = local_day(occurrence.original, ctx.clock.tz)
        for label in (*REMINDERS, OPEN_WARNING):
            ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:{day}:{label}:m{invitee.member_id}:")


def schedule_cutoffs(ctx: Context, meeting: Meeting, items: Sequence[Occurrence]) -> int:
    """Triage-overleg: the cut-off reminder to every invitee the morning before, and at the cut-off a note to
    the chair that the agenda closed (the agenda itself is derived from the signals, see the module doc of
    handlers/overleg/commands.py)."""
    if meeting.kind != MeetingKind.TRIAGE:
        return 0
    now = ctx.clock.now()
    tz = ctx.clock.tz
    batch = Batch(ctx, agenda_ids(ctx, meeting))
    invitees = ctx.uow.meetings.invitees(meeting.id or 0)
    for occurrence in items:
        notice, closed = triage_cutoff_ladder(occurrence.start, tz)
        if closed.due_at <= now:
            continue
        base = f"meeting:{meeting.id}:{local_day(occurrence.original, tz)}"
        shown = format_datetime(closed.due_at, tz)
        for invitee in invitees:
            batch.add(
                invitee.member_id,
                t("overleg.cutoff_reminder", id=meeting.id, cutoff=shown),
                key=f"{base}:{notice.offset}:m{invitee.member_id}:s{meeting.sequence}",
                due_at=max(now, notice.due_at),
                expires_at=notice.expires_at,
            )
        batch.add(
            meeting.chair_id,
            t(
                "overleg.agenda_closed",
                id=meeting.id,
                day=format_date(occurrence.start.astimezone(tz).date()),
            ),
            key=f"{base}:{closed.offset}:m{meeting.chair_id}:s{meeting.sequence}",
            due_at=closed.due_at,
        )
    return batch.write()


def rebuild_schedule(ctx: Context, meeting: Meeting, only: Occurrence | None = None) -> int:
    """Cancel the pending rows of the meeting (or of ``only`` that one occurrence) and write reminders,
    warnings and cut-offs anew."""
    assert meeting.id is not None
    tz = ctx.clock.tz
    items = upcoming(meeting, ctx.uow.meetings.changes(meeting.id), tz, ctx.clock.now())
    if only is None:
        ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:")
    else:
        ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:{local_day(only.original, tz)}:")
        items = [o for o in items if o.original == only.original]
    regisseurs = casusregisseurs(ctx, meeting)
    answers = answers_of(ctx, meeting)
    batch = Batch(ctx, agenda_ids(ctx, meeting))
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        queue_for_invitee(batch, meeting, invitee, items, regisseurs, answers)
    return batch.write() + schedule_cutoffs(ctx, meeting, items)


def bump(meeting: Meeting, now: datetime) -> None:
    meeting.sequence += 1
    meeting.updated_at = now
