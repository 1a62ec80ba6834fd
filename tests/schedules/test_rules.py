"""The ladders as pure functions: due times in UTC from local dates, DST-safe, and the rebuild rules."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules.rules import (
    Step,
    action_ladder,
    add_working_days,
    dedupe_key,
    dutch_public_holidays,
    easter_sunday,
    end_of_day,
    huisverbod_ends_on,
    huisverbod_ladder,
    key_prefix,
    offset_of,
    plan_rebuild,
    release_ladder,
)

AMS = ZoneInfo("Europe/Amsterdam")


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def local_hours(steps: list[Step]) -> set[tuple[int, int]]:
    return {(s.due_at.astimezone(AMS).hour, s.due_at.astimezone(AMS).minute) for s in steps}


def test_release_ladder_is_28_14_7_1_and_0_days_before_at_nine_local():
    steps = release_ladder(date(2026, 12, 18), AMS)
    assert [s.offset for s in steps] == ["T-28", "T-14", "T-7", "T-1", "T-0"]
    assert [s.due_at for s in steps] == [
        utc(2026, 11, 20, 8),
        utc(2026, 12, 4, 8),
        utc(2026, 12, 11, 8),
        utc(2026, 12, 17, 8),
        utc(2026, 12, 18, 8),
    ]
    # each rung is useful until the next is due; the release-day alert until the day is over
    # superseded from the start of the next rung's day (midnight local), not at its 09:00
    assert [s.expires_at for s in steps[:-1]] == [s.due_at - timedelta(hours=9) for s in steps[1:]]
    assert steps[-1].expires_at == utc(2026, 12, 18, 23)


@pytest.mark.parametrize(
    ("release_on", "offsets_in_summer_time"),
    [
        # last Sunday of March 2026 is the 29th: clocks go forward
        (date(2026, 4, 10), {"T-1", "T-0", "T-7"}),
        # last Sunday of October 2026 is the 25th: clocks go back
        (date(2026, 11, 5), {"T-28", "T-14"}),
        (date(2027, 4, 2), {"T-1", "T-0"}),  # 2027: 28 March
        (date(2027, 11, 1), {"T-28", "T-14", "T-7"}),  # 2027: 31 October
    ],
)
def test_release_alerts_stay_at_nine_local_across_dst_changes(release_on, offsets_in_summer_time):
    steps = release_ladder(release_on, AMS)
    assert local_hours(steps) == {(9, 0)}
    for step in steps:
        summer = step.offset in offsets_in_summer_time
        assert step.due_at.hour == (7 if summer else 8), step


def test_the_day_of_the_dst_change_itself_is_still_nine_local():
    spring = release_ladder(date(2026, 3, 29), AMS)[-1]
    autumn = release_ladder(date(2026, 10, 25), AMS)[-1]
    assert spring.due_at == utc(2026, 3, 29, 7)
    assert autumn.due_at == utc(2026, 10, 25, 8)
    # the spring day has 23 hours, the autumn day 25: "end of day" follows the local calendar
    assert end_of_day(date(2026, 3, 29), AMS) - utc(2026, 3, 28, 23) == timedelta(hours=23)
    assert end_of_day(date(2026, 10, 25), AMS) - utc(2026, 10, 24, 22) == timedelta(hours=25)


def test_huisverbod_undecided_reminds_on_day_8_and_10_and_follows_up_at_3_6_12_months():
    steps = huisverbod_ladder(date(2026, 12, 1), AMS)
    assert [s.offset for s in steps] == ["D8", "D10", "M3", "M6", "M12"]
    assert [s.due_at.astimezone(AMS).date() for s in steps] == [
        date(2026, 12, 8),
        date(2026, 12, 10),
        date(2027, 3, 1),
        date(2027, 6, 1),
        date(2027, 12, 1),
    ]
    assert local_hours(steps) == {(9, 0)}
    assert steps[0].expires_at == steps[1].expires_at == end_of_day(date(2026, 12, 10), AMS)


def test_huisverbod_extension_replaces_day_10_by_the_hard_end_on_day_28():
    extended = huisverbod_ladder(date(2026, 12, 1), AMS, extended=True)
    assert [s.offset for s in extended][:1] == ["D28"]
    assert extended[0].due_at.astimezone(AMS).date() == date(2026, 12, 28)
    not_extended = huisverbod_ladder(date(2026, 12, 1), AMS, extended=False)
    assert [s.offset for s in not_extended][:1] == ["D10"]


def test_a_huisverbod_spanning_a_dst_change_still_ends_on_the_right_day():
    # imposed Saturday 21 March 2026 (day 1); clocks go forward on day 9 (29 March)
    start = date(2026, 3, 21)
    assert huisverbod_ends_on(start, None) == date(2026, 3, 30)
    d10 = next(s for s in huisverbod_ladder(start, AMS) if s.offset == "D10")
    assert d10.due_at == utc(2026, 3, 30, 7)  # 09:00 CEST
    assert d10.expires_at == utc(2026, 3, 30, 22)  # midnight CEST
    # imposed 20 October 2026; clocks go back on day 6 (25 October); extended: ends 16 November
    start = date(2026, 10, 20)
    assert huisverbod_ends_on(start, True) == date(2026, 11, 16)
    d28 = next(s for s in huisverbod_ladder(start, AMS, extended=True) if s.offset == "D28")
    assert d28.due_at == utc(2026, 11, 16, 8)  # 09:00 CET
    d8 = next(s for s in huisverbod_ladder(start, AMS) if s.offset == "D8")
    assert d8.due_at == utc(2026, 10, 27, 8)


def test_easter_and_dutch_holidays():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    holidays = dutch_public_holidays(2026)
    assert date(2026, 4, 6) in holidays  # Easter Monday
    assert date(2026, 4, 27) in holidays  # King's Day (a Monday)
    assert date(2026, 5, 14) in holidays  # Ascension
    assert date(2026, 5, 25) in holidays  # Whit Monday
    assert date(2026, 5, 5) not in holidays  # Liberation Day only in lustrum years
    assert date(2030, 5, 5) in dutch_public_holidays(2030)
    assert date(2025, 4, 26) in dutch_public_holidays(2025)  # 27 April 2025 is a Sunday


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2026, 11, 26), 2) == date(2026, 11, 30)  # Thu -> Mon
    assert add_working_days(date(2026, 11, 23), 2) == date(2026, 11, 25)  # Mon -> Wed
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)  # Christmas, weekend
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 7)  # Good Friday counts, Easter Monday not


def test_action_deadline_reminder_and_escalation_two_working_days_later():
    due, escalate = action_ladder(date(2026, 11, 27), AMS)  # a Friday
    assert due.due_at == utc(2026, 11, 27, 8)
    assert escalate.due_at == utc(2026, 12, 1, 8)  # Tuesday 09:00
    assert due.expires_at == escalate.due_at
    assert escalate.expires_at is None


def test_keys_and_prefixes():
    key = dedupe_key("release", 42, "T-7", 5)
    assert key == "release:42:T-7@5"
    assert offset_of(key) == "T-7"
    assert key.startswith(key_prefix("release", 42))
    assert not key.startswith(key_prefix("release", 4))
    assert dedupe_key("release", 42, "T-7") == "release:42:T-7"


def test_rebuild_drops_passed_rungs_sends_the_current_one_once_and_keeps_future_ones():
    steps = release_ladder(date(2026, 12, 18), AMS)
    now = utc(2026, 12, 5, 12)  # inside the T-14 window (4 Dec .. 11 Dec)
    planned = plan_rebuild(steps, now)
    assert [s.offset for s in planned] == ["T-14", "T-7", "T-1", "T-0"]
    assert planned[0].due_at == now
    assert planned[1:] == steps[2:]
    # the T-14 alert already went out (for the old date): not again
    assert [s.offset for s in plan_rebuild(steps, now, {"T-14"})] == ["T-7", "T-1", "T-0"]
    # after the release day nothing is left
    assert plan_rebuild(steps, utc(2026, 12, 19, 0)) == []
