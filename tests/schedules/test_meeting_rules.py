"""The overleg reminders as pure rule functions: the day before at the same local time, one hour before,
the chair's warning and the triage cut-off, on both sides of the DST changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules.rules import (
    Step,
    meeting_ladder,
    meeting_warning,
    plan_rebuild,
    triage_cutoff,
    triage_cutoff_ladder,
)

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "day_before", "hours_ahead"),
    [
        (local(2026, 12, 1, 10), utc(2026, 11, 30, 9), 24),  # winter time on both days
        (local(2027, 3, 28, 10), utc(2027, 3, 27, 9), 23),  # Sunday of the spring change
        (local(2027, 3, 29, 10), utc(2027, 3, 28, 8), 24),  # the Monday after: both in summer time
        (local(2026, 10, 25, 10), utc(2026, 10, 24, 8), 25),  # Sunday of the autumn change
        (local(2026, 10, 26, 9, 30), utc(2026, 10, 25, 8, 30), 24),
    ],
)
def test_the_day_before_reminder_is_at_the_same_local_time_across_dst(
    start: datetime, day_before: datetime, hours_ahead: int
) -> None:
    steps = meeting_ladder(start, AMS)
    assert [s.offset for s in steps] == ["T-24h", "T-1h"]
    first, last = steps
    assert first.due_at == day_before and start - first.due_at == timedelta(hours=hours_ahead)
    assert first.due_at.astimezone(AMS).time() == start.astimezone(AMS).time()
    assert last.due_at == start - timedelta(hours=1)
    # the day-before reminder is superseded by the hour-before one; that one is useless once it started
    assert first.expires_at == last.due_at and last.expires_at == start
    warning = meeting_warning(start, AMS)
    assert warning == Step("open-24h", day_before, start)


def test_a_bot_that_was_down_sends_the_freshest_meeting_reminder_only() -> None:
    start = local(2027, 3, 28, 10)
    # down from Friday to Sunday 08:30 local: the day-before rung is still useful (until 09:00) and goes out
    # now; the hour-before one stays at 09:00
    early = plan_rebuild(meeting_ladder(start, AMS), local(2027, 3, 28, 8, 30))
    assert [(s.offset, s.due_at) for s in early] == [
        ("T-24h", local(2027, 3, 28, 8, 30)),
        ("T-1h", local(2027, 3, 28, 9)),
    ]
    # at 09:15 local the day-before rung expired; the hour-before one is in its window: now, once
    late = plan_rebuild(meeting_ladder(start, AMS), local(2027, 3, 28, 9, 15))
    assert [(s.offset, s.due_at) for s in late] == [("T-1h", local(2027, 3, 28, 9, 15))]
    assert plan_rebuild(meeting_ladder(start, AMS), local(2027, 3, 28, 9, 15), {"T-1h"}) == []


@pytest.mark.parametrize(
    ("start", "cutoff"),
    [
        (local(2027, 3, 23, 10), utc(2027, 3, 22, 11)),  # Monday 12:00 winter time
        (local(2027, 3, 29, 10), utc(2027, 3, 28, 10)),  # Sunday of the change, 12:00 summer time
        (local(2027, 3, 30, 10), utc(2027, 3, 29, 10)),
        (local(2026, 10, 26, 10), utc(2026, 10, 25, 11)),  # Sunday of the autumn change, winter time
    ],
)
def test_the_triage_cutoff_is_noon_local_the_day_before(start: datetime, cutoff: datetime) -> None:
    assert triage_cutoff(start, AMS) == cutoff
    notice, closed = triage_cutoff_ladder(start, AMS)
    assert (notice.offset, notice.due_at, notice.expires_at) == (
        "cutoff",
        cutoff - timedelta(hours=3),
        cutoff,
    )
    assert (closed.offset, closed.due_at, closed.expires_at) == ("agenda-closed", cutoff, start)
    assert notice.due_at.astimezone(AMS).hour == 9
