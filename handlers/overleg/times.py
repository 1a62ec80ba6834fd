"""When a meeting's occurrences are: the recurrence rule expanded in local time, then per-occurrence changes.

Expanding in local wall time (not in UTC) keeps a weekly Tuesday 10:00 at 10:00 across a DST change, exactly
as a calendar program expands the RRULE of the ``.ics`` invite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from schedules.rules import triage_cutoff as triage_cutoff  # re-exported: the rule lives there
from storage.meetings.tables import Meeting, MeetingChange, Recurrence

MAX_OCCURRENCES = 60
DEFAULT_OCCURRENCES = 26  # a series planned without an end date runs half a year (weekly)


@dataclass(frozen=True)
class Occurrence:
    original: datetime  # the rule's start, aware UTC (the RECURRENCE-ID)
    start: datetime  # where it actually is (moved or not), aware UTC
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.start != self.original


def _rule(recurrence: str, local_start: datetime, until: datetime | None, count: int | None) -> rrule:
    naive = local_start.replace(tzinfo=None)
    if recurrence == Recurrence.MONTHLY:
        return rrule(MONTHLY, dtstart=naive, until=until, count=count)
    interval = 2 if recurrence == Recurrence.BIWEEKLY else 1
    return rrule(WEEKLY, interval=interval, dtstart=naive, until=until, count=count)


def rule_starts(
    recurrence: str, start_at: datetime, until: date | None, tz: ZoneInfo, *, limit: int = MAX_OCCURRENCES
) -> list[datetime]:
    """The rule's occurrence starts in aware UTC (at most ``limit``)."""
    if recurrence == Recurrence.NONE:
        return [start_at]
    local_start = start_at.astimezone(tz)
    last = datetime.combine(until, time(23, 59, 59)) if until else None
    starts = []
    for naive in _rule(recurrence, local_start, last, None if last else DEFAULT_OCCURRENCES):
        starts.append(naive.replace(tzinfo=tz).astimezone(UTC))
        if len(starts) >= limit:
            break
    return starts


def default_until(recurrence: str, start_at: datetime, tz: ZoneInfo) -> date | None:
    if recurrence == Recurrence.NONE:
        return None
    return rule_starts(recurrence, start_at, None, tz, limit=DEFAULT_OCCURRENCES)[-1].astimezone(tz).date()


def count_starts(recurrence: str, start_at: datetime, until: date | None, tz: ZoneInfo) -> int:
    return len(rule_starts(recurrence, start_at, until, tz, limit=MAX_OCCURRENCES + 1))


def occurrences(meeting: Meeting, changes: Sequence[MeetingChange], tz: ZoneInfo) -> list[Occurrence]:
    by_original = {c.original_start_at: c for c in changes}
    result = []
    for original in rule_starts(meeting.recurrence, meeting.start_at, meeting.until, tz):
        change = by_original.get(original)
        if change is None:
            result.append(Occurrence(original, original))
        else:
            result.append(Occurrence(original, change.new_start_at or original, change.cancelled))
    return sorted(result, key=lambda o: o.start)


def upcoming(
    meeting: Meeting, changes: Sequence[MeetingChange], tz: ZoneInfo, now: datetime
) -> list[Occurrence]:
    """Occurrences not cancelled that have not ended yet."""
    length = timedelta(minutes=meeting.duration_minutes)
    return [o for o in occurrences(meeting, changes, tz) if not o.cancelled and o.start + length > now]


def last_started(
    meeting: Meeting, changes: Sequence[MeetingChange], tz: ZoneInfo, now: datetime
) -> Occurrence | None:
    """The latest occurrence that has started (for attendance and agreements afterwards)."""
    started = [o for o in occurrences(meeting, changes, tz) if not o.cancelled and o.start <= now]
    return started[-1] if started else None


def find_occurrence(
    meeting: Meeting, changes: Sequence[MeetingChange], tz: ZoneInfo, day: date
) -> Occurrence | None:
    """The occurrence a chair or invitee names by its date: the rule's local date (the RECURRENCE-ID), else
    the local date a moved occurrence moved to. Cancelled occurrences are returned too (callers refuse)."""
    items = occurrences(meeting, changes, tz)
    for occurrence in items:
        if occurrence.original.astimezone(tz).date() == day:
            return occurrence
    for occurrence in items:
        if occurrence.start.astimezone(tz).date() == day:
            return occurrence
    return None


def occurrence_key(occurrence: Occurrence, tz: ZoneInfo) -> str:
    """``yyyymmdd`` of the occurrence's original local date: its id in button values and outbox keys
    (stable when the occurrence is moved, unique within a series)."""
    return occurrence.original.astimezone(tz).strftime("%Y%m%d")


def local_day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).date().isoformat()
