"""Tests for bot/core/dates.py. Fixed clock: Thursday 2026-11-26 10:00 Europe/Amsterdam."""

import string
import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.dates import (
    ParsedDateTime,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
    parse_time,
)
from bot.core.errors import UserError

TZ = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday
TODAY = NOW.date()
LOCALES = Path(__file__).resolve().parents[2] / "bot" / "core" / "locales" / "dates.toml"


# (text, expected wall time in TZ, ambiguous)
DATETIME_CASES = [
    # relative days
    ("morgen 10:00", "27-11-2026 10:00", False),
    ("Morgen om 10:00", "27-11-2026 10:00", False),
    ("  MORGEN   10:00  ", "27-11-2026 10:00", False),
    ("vandaag 14:00", "26-11-2026 14:00", False),
    ("overmorgen 9:30", "28-11-2026 09:30", False),
    ("gisteren 16:00", "25-11-2026 16:00", False),
    ("morgen om 9", "27-11-2026 09:00", False),
    ("morgen 0:00", "27-11-2026 00:00", False),
    ("vandaag 23:59", "26-11-2026 23:59", False),
    # weekdays: strictly after today ...
    ("dinsdag 14:00", "01-12-2026 14:00", False),
    ("di 14:00", "01-12-2026 14:00", False),
    ("ma 9u", "30-11-2026 09:00", False),
    ("woensdag 14 uur", "02-12-2026 14:00", False),
    ("vrijdag om 9.30", "27-11-2026 09:30", False),
    ("za 11:00", "28-11-2026 11:00", False),
    ("zo 12:00", "29-11-2026 12:00", False),
    ("zondag 12:00", "29-11-2026 12:00", False),
    # ... except today's weekday with a time still ahead: today, but ask to confirm
    ("donderdag 14:00", "26-11-2026 14:00", True),
    ("do 9:00", "03-12-2026 09:00", False),
    ("do 10:00", "03-12-2026 10:00", False),
    ("aanstaande donderdag 15:00", "03-12-2026 15:00", False),
    ("aanstaande vrijdag 15:00", "27-11-2026 15:00", False),
    ("komende di 8:00", "01-12-2026 08:00", False),
    ("volgende week do 9:30", "03-12-2026 09:30", False),
    ("volgende week maandag 9:00", "30-11-2026 09:00", False),
    ("volgende week zo 10:00", "06-12-2026 10:00", False),
    # offsets
    ("over 3 dagen 10:00", "29-11-2026 10:00", False),
    ("over 2 weken 11:00", "10-12-2026 11:00", False),
    ("over een week 11:00", "03-12-2026 11:00", False),
    ("over 1 dag 11:00", "27-11-2026 11:00", False),
    # numeric dates
    ("03-12-2026 14:00", "03-12-2026 14:00", False),
    ("3-12-2026 14:00", "03-12-2026 14:00", False),
    ("03/12/2026 14:00", "03-12-2026 14:00", False),
    ("03.12.2026 14:00", "03-12-2026 14:00", False),
    ("03-12-2026, 14:00", "03-12-2026 14:00", False),
    ("03-12-2026 om 14 uur", "03-12-2026 14:00", False),
    ("03-12-2026 14.00u", "03-12-2026 14:00", False),
    ("29-02-2028 12:00", "29-02-2028 12:00", False),
    ("03-12 14:00", "03-12-2026 14:00", False),
    ("26-11 14:00", "26-11-2026 14:00", False),
    ("15-01 9:00", "15-01-2027 09:00", True),  # already passed: next year
    ("2026-12-03 14:00", "03-12-2026 14:00", False),
    ("2026-12-03T14:00", "03-12-2026 14:00", False),
    # month names
    ("3 december 14:00", "03-12-2026 14:00", False),
    ("3 dec 2026 14:00", "03-12-2026 14:00", False),
    ("1 maart 2027 8:00", "01-03-2027 08:00", False),
    ("1 mrt 9:00", "01-03-2027 09:00", True),
    ("di 1 dec 14:00", "01-12-2026 14:00", False),
    ("di 01-12-2026 14:00", "01-12-2026 14:00", False),
    ("wo 1 dec 14:00", "01-12-2026 14:00", True),  # weekday doesn't match the date
    # time only: today if still ahead, else tomorrow; always confirm
    ("14:00", "26-11-2026 14:00", True),
    ("om 9:00", "27-11-2026 09:00", True),
    # English
    ("tomorrow 10:00", "27-11-2026 10:00", False),
    ("Today 14:00", "26-11-2026 14:00", False),
    ("Tuesday 2pm", "01-12-2026 14:00", False),
    ("tomorrow at 9am", "27-11-2026 09:00", False),
    ("thu 12pm", "26-11-2026 12:00", True),
    ("sat 12am", "28-11-2026 00:00", False),
    ("next friday 12:00", "27-11-2026 12:00", False),
    ("next week mon 9:00", "30-11-2026 09:00", False),
    ("in 3 days 10:00", "29-11-2026 10:00", False),
    ("in 2 weeks 10:00", "10-12-2026 10:00", False),
    ("December 3, 2026 14:00", "03-12-2026 14:00", False),
    ("3 march 2027 10:00", "03-03-2027 10:00", False),
]


@pytest.mark.parametrize(("text", "expected", "ambiguous"), DATETIME_CASES)
def test_parse_datetime(text: str, expected: str, ambiguous: bool) -> None:
    parsed = parse_datetime(text, NOW, TZ)

    assert format_datetime(parsed.value, TZ) == expected
    assert parsed.value.tzinfo is TZ
    assert parsed.ambiguous is ambiguous
    assert parsed.understood.endswith(" " + expected)


@pytest.mark.parametrize(
    ("text", "understood"),
    [
        ("di 1 dec 14:00", "di 01-12-2026 14:00"),
        ("morgen 9u", "vr 27-11-2026 09:00"),
        ("2026-12-06T08:05", "zo 06-12-2026 08:05"),
    ],
)
def test_understood_is_canonical_dutch(text: str, understood: str) -> None:
    parsed = parse_datetime(text, NOW, TZ)

    assert parsed.understood == understood
    assert parse_datetime(parsed.understood, NOW, TZ).value == parsed.value


def test_parse_datetime_returns_frozen_result() -> None:
    parsed = parse_datetime("morgen 10:00", NOW, TZ)

    assert parsed == ParsedDateTime(datetime(2026, 11, 27, 10, 0, tzinfo=TZ), False, "vr 27-11-2026 10:00")
    with pytest.raises(AttributeError):
        parsed.ambiguous = True  # type: ignore[misc]


def test_now_in_another_timezone_is_converted_for_today() -> None:
    now_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already Friday 00:30 in Amsterdam

    parsed = parse_datetime("morgen 10:00", now_utc, TZ)

    assert format_datetime(parsed.value, TZ) == "28-11-2026 10:00"


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_datetime("morgen 10:00", datetime(2026, 11, 26, 10, 0), TZ)


# DST in Europe/Amsterdam: 2026-03-29 02:00 -> 03:00 (gap), 2026-10-25 03:00 -> 02:00 (repeat).


def test_dst_gap_moves_forward_and_is_ambiguous() -> None:
    parsed = parse_datetime("29-03-2026 2:30", NOW, TZ)

    assert parsed.ambiguous is True
    assert parsed.value == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert parsed.value.utcoffset() == timedelta(hours=2)
    assert parsed.understood == "zo 29-03-2026 03:30"


def test_dst_repeated_hour_takes_first_occurrence_and_is_ambiguous() -> None:
    parsed = parse_datetime("25-10-2026 2:30", NOW, TZ)

    assert parsed.ambiguous is True
    assert parsed.value.fold == 0
    assert parsed.value.utcoffset() == timedelta(hours=2)  # still summer time
    # PEP 495: an ambiguous wall time never compares equal across zones, so compare in UTC
    assert parsed.value.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert parsed.understood == "zo 25-10-2026 02:30"


@pytest.mark.parametrize("text", ["29-03-2026 1:59", "29-03-2026 3:00", "25-10-2026 1:59", "25-10-2026 3:00"])
def test_around_dst_switch_is_not_ambiguous(text: str) -> None:
    assert parse_datetime(text, NOW, TZ).ambiguous is False


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("morgen", "dates.bad_datetime"),
        ("03-12-2026", "dates.bad_datetime"),
        ("morgen 10", "dates.bad_datetime"),
        ("blabla 10:00", "dates.bad_datetime"),
        ("", "dates.bad_datetime"),
        ("volgende week 10:00", "dates.bad_datetime"),
        ("31-02-2026 14:00", "dates.impossible_date"),
        ("29-02-2027 10:00", "dates.impossible_date"),
        ("2026-02-30T10:00", "dates.impossible_date"),
        ("31 april 2027 9:00", "dates.impossible_date"),
        ("morgen 25:00", "dates.bad_time"),
        ("morgen 14:60", "dates.bad_time"),
        ("tomorrow 13pm", "dates.bad_time"),
    ],
)
def test_parse_datetime_errors(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_datetime(text, NOW, TZ)

    assert caught.value.key == key
    assert caught.value.params == {"text": text.strip()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", date(2026, 11, 26)),
        ("Morgen", date(2026, 11, 27)),
        ("overmorgen", date(2026, 11, 28)),
        ("gisteren", date(2026, 11, 25)),
        ("today", date(2026, 11, 26)),
        ("tomorrow", date(2026, 11, 27)),
        ("maandag", date(2026, 11, 30)),
        ("do", date(2026, 12, 3)),  # strictly after today
        ("thursday", date(2026, 12, 3)),
        ("volgende week di", date(2026, 12, 1)),
        ("aanstaande zo", date(2026, 11, 29)),
        ("over 2 weken", date(2026, 12, 10)),
        ("in 10 days", date(2026, 12, 6)),
        ("03-12-2026", date(2026, 12, 3)),
        ("3-2-2027", date(2027, 2, 3)),
        ("03/12/2026", date(2026, 12, 3)),
        ("03.12.2026", date(2026, 12, 3)),
        ("03-12", date(2026, 12, 3)),
        ("25-11", date(2027, 11, 25)),
        ("2026-12-03", date(2026, 12, 3)),
        ("3 dec", date(2026, 12, 3)),
        ("1 mrt.", date(2027, 3, 1)),
        ("dec. 3, 2027", date(2027, 12, 3)),
        ("3rd march 2027", date(2027, 3, 3)),
        ("vr 27-11-2026", date(2026, 11, 27)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("31-02-2026", "dates.impossible_date"),
        ("30-02-2026", "dates.impossible_date"),
        ("29-02-2027", "dates.impossible_date"),
        ("29-02", "dates.impossible_date"),  # no 29 February before 2028
        ("32-01", "dates.impossible_date"),
        ("13-13-2026", "dates.impossible_date"),
        ("morgen 10:00", "dates.bad_date"),
        (" Blabla ", "dates.bad_date"),
        ("", "dates.bad_date"),
        ("volgende week", "dates.bad_date"),
        ("03-12-26", "dates.bad_date"),
    ],
)
def test_parse_date_errors(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_date(text, TODAY)

    assert caught.value.key == key
    assert caught.value.params == {"text": text.strip()}


def test_leap_day_without_year_rolls_to_next_leap_year() -> None:
    assert parse_date("29-02", date(2027, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00", time(14, 0)),
        ("9:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("14u", time(14, 0)),
        ("14 uur", time(14, 0)),
        ("14.00u", time(14, 0)),
        ("om 14:00", time(14, 0)),
        ("Om 9", time(9, 0)),
        ("14", time(14, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("2pm", time(14, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "14:60", "abc", "", "13pm", "0am", "9:5", "morgen 10:00"])
def test_parse_time_errors(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_time(text)

    assert caught.value.key == "dates.bad_time"
    assert caught.value.params == {"text": text}


def test_format_date() -> None:
    assert format_date(date(2026, 3, 1)) == "01-03-2026"


def test_format_datetime_converts_to_wall_time() -> None:
    assert format_datetime(datetime(2026, 7, 1, 7, 5, tzinfo=UTC), TZ) == "01-07-2026 09:05"
    assert format_datetime(datetime(2026, 12, 1, 7, 5, tzinfo=timezone(timedelta(hours=-5))), TZ) == (
        "01-12-2026 13:05"
    )


def test_format_datetime_rejects_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_datetime(datetime(2026, 12, 1, 7, 5), TZ)


def _placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}


def test_every_message_exists_in_both_languages_with_same_placeholders() -> None:
    catalogue = tomllib.loads(LOCALES.read_text(encoding="utf-8"))

    assert set(catalogue) == {"nl", "en"}
    assert set(catalogue["nl"]) == set(catalogue["en"])
    for key, message in catalogue["nl"].items():
        assert key.startswith("dates.")
        assert _placeholders(message) == _placeholders(catalogue["en"][key]), key


def test_every_error_key_has_a_message() -> None:
    catalogue = tomllib.loads(LOCALES.read_text(encoding="utf-8"))
    keys = {
        "dates.bad_date",
        "dates.bad_time",
        "dates.bad_datetime",
        "dates.impossible_date",
        "dates.out_of_range",
    }

    assert keys <= set(catalogue["nl"])
    for key in keys:
        assert catalogue["nl"][key].format(text="x", low=1900, high=2200) != catalogue["nl"][key]


@pytest.mark.parametrize("text", ["01-01-1899", "31-12-0000", "1-1-2201", "9999-01-01", "3 dec 2300"])
def test_a_year_outside_1900_2200_is_out_of_range_not_impossible(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_date(text, TODAY)

    assert caught.value.key == "dates.out_of_range"
    assert caught.value.params == {"text": text, "low": 1900, "high": 2200}


@pytest.mark.parametrize("text", ["01-01-1900", "31-12-2200"])
def test_the_range_includes_1900_and_2200(text: str) -> None:
    assert parse_date(text, TODAY).year in (1900, 2200)


def test_out_of_range_in_a_datetime_says_the_range_in_both_languages() -> None:
    from bot.app import load_catalogue
    from bot.core.i18n import Text

    with pytest.raises(UserError) as caught:
        parse_datetime("01-01-2201 10:00", NOW, TZ)
    text = Text(caught.value.key, caught.value.params)
    catalogue = load_catalogue()
    assert catalogue.render(text, "nl") == (
        "De datum '01-01-2201 10:00' valt buiten het bereik 1900–2200. "
        "Geef een jaar van 1900 tot en met 2200."
    )
    assert "outside the range 1900–2200" in catalogue.render(text, "en")
