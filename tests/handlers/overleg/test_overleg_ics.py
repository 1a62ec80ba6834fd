"""The .ics invites parsed back with icalendar and expanded with recurring-ical-events, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from handlers.overleg.ics import IcsText, build_ics
from handlers.overleg.times import Occurrence, occurrences, rule_starts
from storage.meetings.tables import Meeting, MeetingChange, MeetingStatus, Recurrence

TZ = ZoneInfo("Europe/Amsterdam")
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def meeting(recurrence: Recurrence, start: datetime, until: date | None, **fields: Any) -> Meeting:
    return Meeting(
        id=7,
        uid="0b7d-fictief@ketenbot",
        kind="triage",
        start_at=start.astimezone(UTC),
        duration_minutes=60,
        place="VHH Rivierland",
        chair_id=1,
        recurrence=recurrence,
        until=until,
        created_at=STAMP,
        updated_at=STAMP,
        **fields,
    )


def expand(data: bytes, start: date, end: date) -> list[datetime]:
    calendar = Calendar.from_ical(data)
    return sorted(e["DTSTART"].dt for e in recurring_ical_events.of(calendar).between(start, end))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_a_weekly_tuesday_series_stays_at_ten_local_across_the_october_dst_change() -> None:
    series = meeting(Recurrence.WEEKLY, local(date(2026, 10, 6), 10), date(2026, 11, 24))
    data = build_ics(series, occurrences(series, [], TZ), IcsText("TRIAGE #7", "-"), TZ, STAMP)
    starts = expand(data, date(2026, 9, 1), date(2027, 1, 1))
    assert [s.date() for s in starts] == [date(2026, 10, d) for d in (6, 13, 20, 27)] + [
        date(2026, 11, d) for d in (3, 10, 17, 24)
    ]
    assert all((s.hour, s.minute) == (10, 0) for s in starts)
    assert {str(s.utcoffset()) for s in starts} == {"1:00:00", "2:00:00"}
    # the same instants the bot schedules its reminders for
    assert [s.astimezone(UTC) for s in starts] == rule_starts(
        series.recurrence, series.start_at, series.until, TZ
    )
    calendar: Any = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "0b7d-fictief@ketenbot" and int(event["SEQUENCE"]) == 0
    assert event["DTSTAMP"].dt == STAMP


@pytest.mark.parametrize(
    ("recurrence", "until", "expected"),
    [
        (Recurrence.BIWEEKLY, date(2027, 4, 13), ["2027-03-02", "2027-03-16", "2027-03-30", "2027-04-13"]),
        (Recurrence.MONTHLY, date(2027, 6, 30), ["2027-03-02", "2027-04-02", "2027-05-02", "2027-06-02"]),
        (Recurrence.NONE, None, ["2027-03-02"]),
    ],
)
def test_biweekly_monthly_and_single_meetings_expand_to_the_same_local_times_across_march_dst(
    recurrence: Recurrence, until: date | None, expected: list[str]
) -> None:
    series = meeting(recurrence, local(date(2027, 3, 2), 9, 30), until)
    data = build_ics(series, occurrences(series, [], TZ), IcsText("TRIAGE #7", "-"), TZ, STAMP)
    starts = expand(data, date(2027, 1, 1), date(2027, 12, 31))
    assert [s.date().isoformat() for s in starts] == expected
    assert all((s.hour, s.minute) == (9, 30) for s in starts)


def test_a_moved_and_a_cancelled_occurrence_are_a_recurrence_id_and_an_exdate() -> None:
    series = meeting(Recurrence.WEEKLY, local(date(2026, 10, 20), 10), date(2026, 11, 10), sequence=2)
    moved_from = local(date(2026, 10, 27), 10).astimezone(UTC)
    cancelled = local(date(2026, 11, 3), 10).astimezone(UTC)
    changes = [
        MeetingChange(
            meeting_id=7,
            original_start_at=moved_from,
            new_start_at=local(date(2026, 10, 28), 14).astimezone(UTC),
            changed_at=STAMP,
        ),
        MeetingChange(meeting_id=7, original_start_at=cancelled, cancelled=True, changed_at=STAMP),
    ]
    items = occurrences(series, changes, TZ)
    data = build_ics(series, items, IcsText("TRIAGE #7", "-"), TZ, STAMP)
    starts = expand(data, date(2026, 10, 1), date(2026, 12, 1))
    assert [(s.date().isoformat(), s.hour) for s in starts] == [
        ("2026-10-20", 10),
        ("2026-10-28", 14),
        ("2026-11-10", 10),
    ]
    events: list[Any] = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 2 and all(int(e["SEQUENCE"]) == 2 for e in events)
    assert events[1]["RECURRENCE-ID"].dt == local(date(2026, 10, 27), 10)
    one = next(o for o in items if o.cancelled)
    cancel: Any = Calendar.from_ical(
        build_ics(series, items, IcsText("x", "-"), TZ, STAMP, cancel_occurrence=one)
    )
    assert str(cancel["METHOD"]) == "CANCEL"
    event = cancel.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and event["RECURRENCE-ID"].dt == local(date(2026, 11, 3), 10)


def test_a_cancelled_series_is_method_cancel_with_status_cancelled() -> None:
    series = meeting(Recurrence.WEEKLY, local(date(2026, 12, 1), 10), date(2026, 12, 29), sequence=3)
    series.status = MeetingStatus.CANCELLED
    calendar: Any = Calendar.from_ical(
        build_ics(series, occurrences(series, [], TZ), IcsText("x", "-"), TZ, STAMP)
    )
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 3
    assert Occurrence(STAMP, STAMP).moved is False
