"""``/overleg ID verzetten <new time>`` and ``/overleg ID afzeggen <reason>``.

For a series the chair is asked, with buttons, whether the change is for that one occurrence ("alleen deze
keer", the date shown) or for the whole series; an ambiguous new time is shown back and must be confirmed.
Naming a date picks that occurrence and asks nothing: ``/overleg ID afzeggen 12-01-2027 <reden>``,
``/overleg ID verzetten 12-01-2027 naar 13-01-2027 15:00``. A change of one occurrence rebuilds the reminders
of that occurrence only. The question is a small form
(``overleg.change``) whose other values are prefilled, so the pending change lives in the stored form state
(restarts and other instances see it) and a double tap on a button submits once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core import Context, Field, Form, Option, Reply, Text, UserError, t
from bot.core.dates import ParsedDateTime, format_date, format_datetime, parse_datetime, parse_time
from bot.core.types import TextLike
from handlers.overleg.notify import (
    Batch,
    agenda_ids,
    bump,
    ics_file,
    rebuild_schedule,
    rsvp_buttons,
    tell_invitees,
)
from handlers.overleg.occurrence import by_original, key_of, pick_occurrence, split_day
from handlers.overleg.rsvp import load_meeting, require_chair, require_planned
from handlers.overleg.times import Occurrence, upcoming
from handlers.privacy.targets import meeting_in_values
from storage.meetings.tables import Meeting, MeetingStatus, Recurrence

CHANGE_FORM = "overleg.change"
MOVE = "move"
CANCEL = "cancel"
ONE = "one"
SERIES = "series"
MAX_REASON = 300
TO_WORDS = (" naar ", " to ")
# a time of day alone ("11:00", "om 9", "14u"): it means that time on the occurrence's own date
TIME_ONLY = re.compile(r"(?:om\s+|at\s+)?\d{1,2}(?:[:.]\d{2})?(?:\s*(?:uur|u|h|am|pm))?", re.IGNORECASE)


def change_form() -> Form:
    return Form(
        id=CHANGE_FORM,
        title=t("overleg.change_title"),
        fields=[
            Field.server_set("meeting", t("overleg.f_meeting")),
            Field.server_set("op", t("overleg.f_op")),
            Field.text("occurrence", t("overleg.f_occurrence"), required=False),
            Field.text("new_start", t("overleg.f_new_start"), required=False),
            Field.text("reason", t("overleg.f_reason"), required=False, max_length=MAX_REASON),
            Field.choice(
                "scope",
                t("overleg.f_scope"),
                [Option(ONE, t("overleg.scope_one")), Option(SERIES, t("overleg.scope_series"))],
            ),
            Field.yesno("confirm", t("overleg.f_confirm")),
        ],
        on_submit=lambda values, ctx: apply_change(values, ctx),
        confirm=False,
        target=meeting_in_values("meeting"),
        follow_up_only=True,
    )


def _split_move(ctx: Context, rest: str) -> tuple[str | None, str]:
    """``12-01-2027 naar <time>``: the named occurrence's date word and the new time; else (None, rest)."""
    padded = f" {rest} "
    for word in TO_WORDS:
        if word in padded.lower():
            index = padded.lower().index(word)
            return padded[:index].strip(), padded[index + len(word) :].strip()
    return None, rest


def _parse_new_start(ctx: Context, rest: str, target: Occurrence) -> ParsedDateTime:
    """The new start the chair typed. A bare time is that time on the occurrence's own (local) date, not
    today: ``/overleg 3 verzetten 11:00`` on a series whose next date is Tuesday means Tuesday 11:00. The date
    was not typed, so the chair sees it and confirms."""
    now = ctx.clock.now()
    if TIME_ONLY.fullmatch(rest.strip()):
        at = parse_time(rest)
        day = target.start.astimezone(ctx.clock.tz).date()
        parsed = parse_datetime(f"{format_date(day)} {at.hour:02d}:{at.minute:02d}", now, ctx.clock.tz)
        return replace(parsed, ambiguous=True)  # shown back ("Ik begrijp: di ...") and confirmed
    return parse_datetime(rest, now, ctx.clock.tz)


def request_change(ctx: Context, raw_id: str, op: str, rest: str) -> list[Reply]:
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        assert meeting.id is not None
        require_chair(ctx, meeting)
        require_planned(meeting)
        items = upcoming(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, now)
        if not items:
            raise UserError("overleg.over", id=meeting.id)
        values: dict[str, Any] = {"meeting": str(meeting.id), "op": op}
        target = items[0]
        if op == MOVE:
            named, rest = _split_move(ctx, rest)
            if named is not None:
                day, extra = split_day(ctx, named)
                if day is None or extra:
                    raise UserError("overleg.usage_move", id=meeting.id)
                target = pick_occurrence(ctx, meeting, day)
                values["scope"] = ONE
        else:
            day, rest = split_day(ctx, rest)
            if day is not None:
                target = pick_occurrence(ctx, meeting, day)
                values["scope"] = ONE
        values["occurrence"] = target.original.isoformat()
        lines: list[Reply] = []
        if op == MOVE:
            if not rest:
                raise UserError("overleg.usage_move", id=meeting.id)
            parsed = _parse_new_start(ctx, rest, target)
            if parsed.value <= now:
                raise UserError("overleg.start_past", when=format_datetime(parsed.value, ctx.clock.tz))
            values["new_start"] = parsed.value.isoformat()
            if parsed.ambiguous:
                lines.append(Reply(t("overleg.understood", understood=parsed.understood)))
            else:
                values["confirm"] = True
        else:
            if len(rest) > MAX_REASON:
                raise UserError("form.too_long", limit=MAX_REASON, length=len(rest))
            values["reason"] = rest or None
            values["confirm"] = True
        values.setdefault("new_start", None)
        values.setdefault("reason", None)
        if meeting.recurrence == Recurrence.NONE:
            values["scope"] = SERIES
        if "scope" in values and "confirm" in values:
            return apply_change(values, ctx)
        started = ctx.forms.start(CHANGE_FORM, ctx, initial=values)
        uow.commit()
        day_shown = format_datetime(target.start, ctx.clock.tz)
        which = t("overleg.change_which", id=meeting.id, day=day_shown)
        if op == MOVE:  # say the new time too, so the chair confirms what will happen
            new_shown = format_datetime(datetime.fromisoformat(values["new_start"]), ctx.clock.tz)
            which = t("overleg.change_which_move", id=meeting.id, day=day_shown, new=new_shown)
        prompt = started[-1]
        if "scope" not in values:  # the question is about this date: say which one
            prompt = replace(prompt, text=[which, *_lines(prompt.text)])
    return lines + started[1:-1] + [prompt]


def _lines(text: TextLike) -> list[Text | str]:
    return [text] if isinstance(text, Text | str) else list(text)


def apply_change(values: dict[str, Any], ctx: Context) -> list[Reply]:
    if not values.get("confirm"):
        return [Reply(t("overleg.change_dropped"))]
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = load_meeting(ctx, str(values["meeting"]))
        assert meeting.id is not None
        require_chair(ctx, meeting)
        require_planned(meeting)
        items = upcoming(meeting, uow.meetings.changes(meeting.id), ctx.clock.tz, now)
        if not items:
            raise UserError("overleg.over", id=meeting.id)
        chosen = values.get("occurrence")
        target = by_original(ctx, meeting, str(chosen)) if chosen else items[0]
        whole = values["scope"] == SERIES
        if values["op"] == MOVE:
            new_start = datetime.fromisoformat(str(values["new_start"]))
            reply = _move(ctx, meeting, items[0] if whole else target, new_start, whole=whole)
        else:
            reply = _cancel(ctx, meeting, target, values.get("reason") or "-", whole=whole)
        ctx.audit(f"overleg.{values['op']}", kind="write", detail=f"meeting {meeting.id} {values['scope']}")
        uow.commit()
    return [reply]


def _series_shift(ctx: Context, meeting: Meeting, anchor: Occurrence, new_start: datetime) -> datetime:
    """The rule's new first start when the whole series moves so that ``anchor`` lands on ``new_start``.

    The distance is measured from the anchor's *rule* start (its RECURRENCE-ID), not from where a one-off
    move put it, and in local wall time, so a series moved from 10:00 to 09:30 stays at 09:30 on both sides
    of a DST change."""
    tz = ctx.clock.tz
    shift = new_start.astimezone(tz).replace(tzinfo=None) - anchor.original.astimezone(tz).replace(
        tzinfo=None
    )
    local_rule = meeting.start_at.astimezone(tz).replace(tzinfo=None) + shift
    return local_rule.replace(tzinfo=tz).astimezone(ctx.clock.now().tzinfo)


def _move(ctx: Context, meeting: Meeting, first: Occurrence, new_start: datetime, *, whole: bool) -> Reply:
    assert meeting.id is not None
    now = ctx.clock.now()
    shown = format_datetime(new_start, ctx.clock.tz)
    old = format_datetime(first.start, ctx.clock.tz)
    if whole:
        series = meeting.recurrence != Recurrence.NONE
        notice = "overleg.moved_series_notice" if series else "overleg.moved_notice"
        text: list[Text] = [t(notice, id=meeting.id, old=old, new=shown)]
        meeting.start_at = _series_shift(ctx, meeting, first, new_start)
        if meeting.until is not None:
            meeting.until = max(meeting.until, new_start.astimezone(ctx.clock.tz).date())
        ctx.uow.meetings.clear_changes(meeting.id)
        bump(meeting, now)
        ctx.uow.meetings.save(meeting)
        rebuild_schedule(ctx, meeting)
        count = tell_invitees(ctx, meeting, text, "moved", file=True)
        done = "overleg.moved_series" if series else "overleg.moved_single"
        return Reply(t(done, id=meeting.id, old=old, new=shown, count=count), file=ics_file(ctx, meeting))
    text = [t("overleg.moved_one_notice", id=meeting.id, old=old, new=shown)]
    ctx.uow.meetings.set_change(
        meeting.id, first.original, now, new_start_at=new_start.astimezone(now.tzinfo)
    )
    bump(meeting, now)
    ctx.uow.meetings.save(meeting)
    rebuild_schedule(ctx, meeting, only=first)
    # the moved date gets its own RSVP buttons: an answer to them holds for that date only
    file = ics_file(ctx, meeting)
    buttons = rsvp_buttons(meeting.id, key_of(ctx, first))
    batch = Batch(ctx, agenda_ids(ctx, meeting))
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        key = f"meeting-note:{meeting.id}:moved:m{invitee.member_id}:s{meeting.sequence}"
        batch.add(invitee.member_id, [*text, t("overleg.moved_rsvp")], key=key, buttons=buttons, file=file)
    count = batch.write()
    return Reply(t("overleg.moved_one", id=meeting.id, old=old, new=shown, count=count), file=file)


def _cancel(ctx: Context, meeting: Meeting, first: Occurrence, reason: str, *, whole: bool) -> Reply:
    assert meeting.id is not None
    now = ctx.clock.now()
    bump(meeting, now)
    if whole:
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancel_reason = reason
        ctx.uow.meetings.save(meeting)
        ctx.uow.outbox.cancel_prefix(f"meeting:{meeting.id}:")
        file = ics_file(ctx, meeting)
        what = t("overleg.cancelled_notice", id=meeting.id, reason=reason)
        series = meeting.recurrence != Recurrence.NONE
        done = "overleg.cancelled_series" if series else "overleg.cancelled_single"
    else:
        ctx.uow.meetings.set_change(meeting.id, first.original, now, cancelled=True, reason=reason)
        ctx.uow.meetings.save(meeting)
        rebuild_schedule(ctx, meeting, only=first)
        file = ics_file(ctx, meeting, cancel=first)
        what = t(
            "overleg.cancelled_one_notice",
            id=meeting.id,
            day=format_datetime(first.start, ctx.clock.tz),
            reason=reason,
        )
        done = "overleg.cancelled_one"
    written = 0
    agenda = agenda_ids(ctx, meeting)
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        written += ctx.notify(
            invitee.member_id,
            what,
            key=f"meeting-note:{meeting.id}:cancel:m{invitee.member_id}:s{meeting.sequence}",
            file=file,
            cases=agenda,
        )
    day = format_datetime(first.start, ctx.clock.tz)
    return Reply(t(done, id=meeting.id, day=day, count=written), file=file)
