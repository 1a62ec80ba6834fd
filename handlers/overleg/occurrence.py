"""Naming one occurrence of a series: by its date in a command (``/overleg 3 afzeggen 12-01-2027 ziekte``)
or by its key in a button value (``3:20270112:nee``).

An occurrence is identified by its original local date (the iCalendar RECURRENCE-ID); a moved occurrence
can also be named by the date it moved to. Cancelled and past occurrences are refused with a clear answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.core import Context, UserError
from bot.core.dates import format_date, parse_date
from handlers.overleg.times import Occurrence, find_occurrence, occurrence_key
from storage.meetings.tables import Meeting

DAY_WORD = re.compile(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}")
KEY_WORD = re.compile(r"[0-9]{8}")


def split_day(ctx: Context, rest: str) -> tuple[date | None, str]:
    """A leading ``dd-mm-jjjj`` (or ISO) date naming an occurrence, and the rest of the text."""
    word, _, more = rest.strip().partition(" ")
    if DAY_WORD.fullmatch(word) is None:
        return None, rest.strip()
    return parse_date(word, ctx.clock.today()), more.strip()


def day_of_key(key: str) -> date:
    """``20270112`` (an occurrence key in a button value) as a date; anything else is refused."""
    if KEY_WORD.fullmatch(key) is None:
        raise UserError("overleg.usage")
    try:
        return date(int(key[:4]), int(key[4:6]), int(key[6:]))
    except ValueError as error:
        raise UserError("overleg.usage") from error


def pick_occurrence(ctx: Context, meeting: Meeting, day: date) -> Occurrence:
    """The occurrence of ``meeting`` on ``day`` that has not ended and is not cancelled."""
    assert meeting.id is not None
    found = find_occurrence(meeting, ctx.uow.meetings.changes(meeting.id), ctx.clock.tz, day)
    shown = format_date(day)
    if found is None:
        raise UserError("overleg.no_occurrence", id=meeting.id, day=shown)
    if found.cancelled:
        raise UserError("overleg.occurrence_cancelled", id=meeting.id, day=shown)
    if found.start.timestamp() + meeting.duration_minutes * 60 <= ctx.clock.now().timestamp():
        raise UserError("overleg.occurrence_over", id=meeting.id, day=shown)
    return found


def by_original(ctx: Context, meeting: Meeting, original_iso: str) -> Occurrence:
    """The occurrence a pending change form holds (its original start, ISO), checked again on submit."""
    original = datetime.fromisoformat(original_iso)
    return pick_occurrence(ctx, meeting, original.astimezone(ctx.clock.tz).date())


def key_of(ctx: Context, occurrence: Occurrence) -> str:
    return occurrence_key(occurrence, ctx.clock.tz)
