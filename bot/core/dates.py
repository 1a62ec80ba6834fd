"""Parse and format the dates and times members type in chat (Dutch first, some English).

Pure functions: nothing here reads the system clock; callers pass ``today`` or ``now``.
Bad input raises ``UserError`` with a ``dates.*`` key (messages in ``locales/dates.toml``).

Rules worth knowing:

* A bare weekday (``di``, ``dinsdag``, ``tuesday``) is the next such day strictly after today. In
  ``parse_datetime``, when today is that weekday and the time is still ahead, it means today and the
  result is marked ambiguous. ``aanstaande``/``komende``/``next <weekday>`` is always strictly after
  today; ``volgende week <weekday>`` is that weekday in the next ISO (Monday-based) week.
* A date without a year (``03-12``, ``3 dec``) is this year, or next year if it has already passed;
  ``parse_datetime`` marks the roll-over to next year as ambiguous.
* A weekday in front of a full date (``di 01-12-2026``) that does not match it is marked ambiguous.
* ``parse_datetime`` with only a time (``14:00``) means today if that moment is still ahead, else
  tomorrow, and is always marked ambiguous. A date without a time raises ``dates.bad_datetime``.
* Daylight-saving time: a wall time that does not exist (02:30 on the last Sunday of March in
  Europe/Amsterdam) is moved forward by the length of the gap (03:30) and marked ambiguous. A wall
  time that occurs twice (02:30 on the last Sunday of October) takes the first occurrence (fold=0,
  still summer time) and is marked ambiguous. Callers ask the member to confirm ambiguous results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UserError

__all__ = ["ParsedDateTime", "format_date", "format_datetime", "parse_date", "parse_datetime", "parse_time"]


@dataclass(frozen=True)
class ParsedDateTime:
    value: datetime  # timezone-aware, in the given tz (local wall time)
    ambiguous: bool  # True when the phrase could reasonably mean another moment (caller asks to confirm)
    understood: str  # canonical Dutch rendering of what was understood, e.g. "di 01-12-2026 14:00"


_WEEKDAY_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")
_WEEKDAY_NAMES = (
    ("maandag", "ma", "monday", "mon"),
    ("dinsdag", "di", "tuesday", "tue", "tues"),
    ("woensdag", "wo", "wednesday", "wed"),
    ("donderdag", "do", "thursday", "thu", "thur", "thurs"),
    ("vrijdag", "vr", "vrij", "friday", "fri"),
    ("zaterdag", "za", "zat", "saturday", "sat"),
    ("zondag", "zo", "sunday", "sun"),
)
_WEEKDAYS = {name: index for index, names in enumerate(_WEEKDAY_NAMES) for name in names}
_MONTH_NAMES = (
    ("januari", "january", "jan"),
    ("februari", "february", "feb"),
    ("maart", "march", "mrt", "mar"),
    ("april", "apr"),
    ("mei", "may"),
    ("juni", "june", "jun"),
    ("juli", "july", "jul"),
    ("augustus", "august", "aug"),
    ("september", "sept", "sep"),
    ("oktober", "october", "okt", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTHS = {name: index + 1 for index, names in enumerate(_MONTH_NAMES) for name in names}
_RELATIVE_DAYS = {
    "vandaag": 0,
    "today": 0,
    "morgen": 1,
    "tomorrow": 1,
    "overmorgen": 2,
    "gisteren": -1,
    "yesterday": -1,
}
_ONE = {"een", "één", "a", "an", "one"}


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_WD = _alternatives(_WEEKDAYS)
_MON = _alternatives(_MONTHS)
_ORD = r"(?:e|ste|de|st|nd|rd|th)?"
_WEEKDAY_RE = re.compile(rf"(?:(volgende week|next week|aanstaande|komende|next)\s+)?({_WD})\.?")
_PREFIXED_RE = re.compile(rf"({_WD})\.?,?\s+(.+)")
MIN_YEAR, MAX_YEAR = 1900, 2200  # typed dates outside these years are refused as out of range
_OFFSET_RE = re.compile(r"(?:over|in)\s+([0-9]{1,4}|een|één|an?|one)\s+(dagen|dag|days?|weken|weeks?)")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NUMERIC_RE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_SHORT_RE = re.compile(r"([0-9]{1,2})[-/]([0-9]{1,2})")
_NAMED_RE = re.compile(rf"([0-9]{{1,2}}){_ORD}\s+({_MON})\.?(?:,?\s+([0-9]{{4}}))?")
_NAMED_EN_RE = re.compile(rf"({_MON})\.?\s+([0-9]{{1,2}}){_ORD}(?:,?\s+([0-9]{{4}}))?")
_TIME_PATTERN = (
    r"(?P<om>om\s+|at\s+)?(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2}))?(?:\s*(?P<suffix>uur|u|h|am|pm))?"
)
_TIME_RE = re.compile(_TIME_PATTERN)
_DATETIME_RE = re.compile(rf"(?P<date>.*?),?(?:^|\s+)(?P<time>{_TIME_PATTERN})")
_ISO_T_RE = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])")


@dataclass(frozen=True)
class _DatePart:
    day: date
    ambiguous: bool = False
    weekday: int | None = None  # set for a bare weekday ("di"), which may also mean today


def _normalise(text: str) -> str:
    return " ".join(text.lower().split()).strip(" ,")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:  # year 0 or 9999: not a date anyone means (and no room to compute)
        raise UserError("dates.out_of_range", text=text, low=MIN_YEAR, high=MAX_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError("dates.impossible_date", text=text) from None


def _yearless(day: int, month: int, today: date, text: str) -> tuple[date, bool]:
    """This year's date, or next year's when it already passed; the flag says it rolled over."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate, year != today.year
    raise UserError("dates.impossible_date", text=text)


def _absolute(s: str, today: date, text: str) -> tuple[date, bool] | None:
    if m := _ISO_RE.fullmatch(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text), False
    if m := _NUMERIC_RE.fullmatch(s):
        return _make_date(int(m[4]), int(m[3]), int(m[1]), text), False
    if m := _SHORT_RE.fullmatch(s):
        return _yearless(int(m[1]), int(m[2]), today, text)
    day_month_year = None
    if m := _NAMED_RE.fullmatch(s):
        day_month_year = (int(m[1]), _MONTHS[m[2]], m[3])
    elif m := _NAMED_EN_RE.fullmatch(s):
        day_month_year = (int(m[2]), _MONTHS[m[1]], m[3])
    if day_month_year is None:
        return None
    day, month, year = day_month_year
    if year is None:
        return _yearless(day, month, today, text)
    return _make_date(int(year), month, day, text), False


def _parse_date_part(s: str, today: date, text: str, bad_key: str) -> _DatePart:
    if s in _RELATIVE_DAYS:
        return _DatePart(today + timedelta(days=_RELATIVE_DAYS[s]))
    if m := _WEEKDAY_RE.fullmatch(s):
        weekday = _WEEKDAYS[m[2]]
        if m[1] in ("volgende week", "next week"):
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
            return _DatePart(monday + timedelta(days=weekday))
        ahead = (weekday - today.weekday() - 1) % 7 + 1
        return _DatePart(today + timedelta(days=ahead), weekday=None if m[1] else weekday)
    if m := _OFFSET_RE.fullmatch(s):
        count = 1 if m[1] in _ONE else int(m[1])
        unit = timedelta(days=1) if m[2].startswith("da") else timedelta(weeks=1)
        try:
            return _DatePart(today + count * unit)
        except OverflowError:
            raise UserError(bad_key, text=text) from None
    named_weekday = None
    if (m := _PREFIXED_RE.fullmatch(s)) and m[1] in _WEEKDAYS:
        named_weekday, s = _WEEKDAYS[m[1]], m[2]
    found = _absolute(s, today, text)
    if found is None:
        raise UserError(bad_key, text=text)
    day, rolled_over = found
    mismatch = named_weekday is not None and named_weekday != day.weekday()
    return _DatePart(day, ambiguous=rolled_over or mismatch)


def _make_time(m: re.Match[str], text: str, *, bare_hour: bool) -> time | None:
    """The time in a ``_TIME_PATTERN`` match; None when it is just a number and that isn't allowed."""
    hour, suffix = int(m["h"]), m["suffix"]
    minute = int(m["mi"]) if m["mi"] else 0
    if not (bare_hour or m["mi"] or suffix or m["om"]):
        return None
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise UserError("dates.bad_time", text=text)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError("dates.bad_time", text=text)
    return time(hour, minute)


def _localise(day: date, at: time, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Wall time ``day at`` in ``tz``; the flag is set when DST made it ambiguous (see module doc)."""
    value = datetime.combine(day, at, tzinfo=tz)
    normalised = value.astimezone(UTC).astimezone(tz)
    if (normalised.date(), normalised.time()) != (day, at):  # in the spring-forward gap
        return normalised, True
    return value, value.utcoffset() != value.replace(fold=1).utcoffset()


def parse_date(text: str, today: date, *, bad_key: str | None = None) -> date:
    """A calendar date from ``03-12-2026``, ``3 dec``, ``morgen``, ``volgende week do``, ``over 2 weken``;
    ``bad_key`` names the refusal of text that is no date (a birth date's does not suggest 'morgen')."""
    return _parse_date_part(_normalise(text), today, text.strip(), bad_key or "dates.bad_date").day


def parse_time(text: str) -> time:
    """A wall-clock time from ``14:00``, ``9.30``, ``14u``, ``14 uur``, ``om 9``, ``2pm`` or just ``14``."""
    m = _TIME_RE.fullmatch(_normalise(text))
    parsed = _make_time(m, text.strip(), bare_hour=True) if m else None
    if parsed is None:
        raise UserError("dates.bad_time", text=text.strip())
    return parsed


def parse_datetime(text: str, now: datetime, tz: ZoneInfo) -> ParsedDateTime:
    """A moment from ``<date> [om] <time>``, e.g. ``morgen 10:00`` or ``2026-12-03T14:00``, in ``tz``."""
    _require_aware(now, "now")
    shown = text.strip()
    local_now = now.astimezone(tz)
    today = local_now.date()
    m = _DATETIME_RE.fullmatch(_ISO_T_RE.sub(r"\1 ", _normalise(text)))
    at = _make_time(m, shown, bare_hour=False) if m else None
    if m is None or at is None:
        raise UserError("dates.bad_datetime", text=shown)
    if not m["date"]:
        later_today = _localise(today, at, tz)[0] > local_now
        part = _DatePart(today if later_today else today + timedelta(days=1), ambiguous=True)
    else:
        part = _parse_date_part(m["date"], today, shown, "dates.bad_datetime")
        if part.weekday == today.weekday() and _localise(today, at, tz)[0] > local_now:
            part = _DatePart(today, ambiguous=True)
    value, dst_ambiguous = _localise(part.day, at, tz)
    understood = f"{_WEEKDAY_NL[value.weekday()]} {format_datetime(value, tz)}"
    return ParsedDateTime(value=value, ambiguous=part.ambiguous or dst_ambiguous, understood=understood)


def format_date(d: date) -> str:
    """``dd-mm-jjjj``."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def format_datetime(dt: datetime, tz: ZoneInfo) -> str:
    """``dd-mm-jjjj hh:mm`` as wall time in ``tz``; ``dt`` must be timezone-aware."""
    _require_aware(dt, "dt")
    local = dt.astimezone(tz)
    return f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}"
