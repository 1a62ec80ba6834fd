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

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core import Context, Field, Form, Option, Reply, Text, UserError, t
from bot.core.dates import format_datetime, parse_datetime
from bot.core.types import TextLike
from handlers.overleg.notify import Batch, bump, ics_file, rebuild_schedule, rsvp_buttons, tell_invitees
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
    )


def _split_move(ctx: Context, rest: str) -> tuple[str | None, str]:
    """``12-01-2027 naar <time>``: the named occurrence's date word and the new time; else (None, rest)."""
    padded = f" {rest} "
    for word in TO_WORDS:
        if word in padded.lower():
            index = padded.lower().index(word)
            return padded[:index].strip(), padded[index + len(word) :].strip()
    return None, rest


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
            parsed = parse_datetime(rest, now, ctx.clock.tz)
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
        which = t("overleg.change_which", id=meeting.id, day=format_datetime(target.start, ctx.clock.tz))
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


def _move(ctx: Context, meeting: Meeting, first: Occurrence, new_start: datetime, *, whole: bool) -> Reply:
    assert meeting.id is not None
    now = ctx.clock.now()
    shown = format_datetime(new_start, ctx.clock.tz)
    old = format_datetime(first.start, ctx.clock.tz)
    text: list[Text] = [t("overleg.moved_notice", id=meeting.id, old=old, new=shown)]
    if whole:
        shift = new_start - first.start
        meeting.start_at = (meeting.start_at + shift).astimezone(now.tzinfo)
        if meeting.until is not None:
            meeting.until = max(meeting.until, new_start.astimezone(ctx.clock.tz).date())
        ctx.uow.meetings.clear_changes(meeting.id)
        bump(meeting, now)
        ctx.uow.meetings.save(meeting)
        rebuild_schedule(ctx, meeting)
        count = tell_invitees(ctx, meeting, text, "moved", file=True)
        return Reply(t("overleg.moved", id=meeting.id, new=shown, count=count), file=ics_file(ctx, meeting))
    ctx.uow.meetings.set_change(
        meeting.id, first.original, now, new_start_at=new_start.astimezone(now.tzinfo)
    )
    bump(meeting, now)
    ctx.uow.meetings.save(meeting)
    rebuild_schedule(ctx, meeting, only=first)
    # the moved date gets its own RSVP buttons: an answer to them holds for that date only
    file = ics_file(ctx, meeting)
    buttons = rsvp_buttons(meeting.id, key_of(ctx, first))
    batch = Batch(ctx)
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        key = f"meeting-note:{meeting.id}:moved:m{invitee.member_id}:s{meeting.sequence}"
        batch.add(invitee.member_id, [*text, t("overleg.moved_rsvp")], key=key, buttons=buttons, file=file)
    count = batch.write()
    return Reply(t("overleg.moved", id=meeting.id, new=shown, count=count), file=file)


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
    written = 0
    for invitee in ctx.uow.meetings.invitees(meeting.id):
        written += ctx.notify(
            invitee.member_id,
            what,
            key=f"meeting-note:{meeting.id}:cancel:m{invitee.member_id}:s{meeting.sequence}",
            file=file,
        )
    return Reply(t("overleg.cancelled", id=meeting.id, count=written), file=file)
