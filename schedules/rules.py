"""Reminder ladders as pure functions: local dates in, due times in UTC out. No database, no clock reads.

Every rung is a ``Step``: an ``offset`` (the last part of the dedupe key ``kind:id:offset``), when it is due
and until when it is still useful (``expires_at``). A rung that is superseded by the next one expires when
the next one is due, so a bot that was down for a week sends the freshest rung, not the whole ladder.

Local wall times (09:00 Europe/Amsterdam) are turned into UTC with ``zoneinfo`` per date, so a 09:00
reminder stays at 09:00 local on both sides of a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

MORNING = time(9, 0)
RELEASE_DAYS_BEFORE = (28, 14, 7, 1, 0)
HUISVERBOD_DECISION_DAY = 8
HUISVERBOD_END_DAY = 10
HUISVERBOD_EXTENDED_END_DAY = 28
HUISVERBOD_FOLLOW_UP_MONTHS = (3, 6, 12)
ESCALATION_WORKING_DAYS = 2


@dataclass(frozen=True)
class Step:
    offset: str
    due_at: datetime  # aware UTC
    expires_at: datetime | None  # aware UTC; None: useful until cancelled


def dedupe_key(kind: str, entity_id: int, offset: str, recipient: int | str | None = None) -> str:
    """``kind:id:offset`` (``release:42:T-7``), with ``@recipient`` when one rung goes to several people."""
    key = f"{kind}:{entity_id}:{offset}"
    return key if recipient is None else f"{key}@{recipient}"


def key_prefix(kind: str, entity_id: int) -> str:
    """The prefix of every key of one ladder (ends in ':' so ``release:4`` never matches ``release:42``)."""
    return f"{kind}:{entity_id}:"


def offset_of(key: str) -> str:
    """The offset part of a dedupe key (``release:42:T-7@5`` -> ``T-7``)."""
    return key.split(":", 2)[2].split("@", 1)[0]


def local_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` o'clock local on ``day``, in UTC. A wall time that does not exist (the spring gap) moves
    forward, one that exists twice (autumn) takes the first; 09:00 is never affected in Europe."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """Midnight local after ``day``, in UTC: the moment ``day`` is over."""
    return local_at(day + timedelta(days=1), time(0, 0), tz)


def _chain(rungs: Sequence[tuple[str, datetime]], last_expires: datetime | None) -> list[Step]:
    """Steps in due order, each expiring when the next is due; the last one at ``last_expires``."""
    ordered = sorted(rungs, key=lambda rung: rung[1])
    steps = []
    for index, (offset, due_at) in enumerate(ordered):
        expires = ordered[index + 1][1] if index + 1 < len(ordered) else last_expires
        steps.append(Step(offset, due_at, expires))
    return steps


# -- release alerts (detention) -------------------------------------------------------------------------


def release_ladder(release_on: date, tz: ZoneInfo, *, at: time = MORNING) -> list[Step]:
    """Alerts 28, 14, 7 and 1 day(s) before and on the release day at 09:00 local. Each is useful until
    the day of the next begins; the release-day alert until the end of the release day."""
    rungs = [
        (f"T-{days}", local_at(release_on - timedelta(days=days), at, tz)) for days in RELEASE_DAYS_BEFORE
    ]
    # a late rung is superseded from the start of the next rung's day (issue 19): a T-7 still unsent on the
    # morning of T-1 is not sent at 07:59 with "in 7 days"; the T-1 alert goes at 09:00
    steps = _chain(rungs, end_of_day(release_on, tz))
    return [
        replace(step, expires_at=local_at(release_on - timedelta(days=later), time(0, 0), tz))
        for step, later in zip(steps[:-1], RELEASE_DAYS_BEFORE[1:], strict=True)
    ] + steps[-1:]


# -- huisverbod ------------------------------------------------------------------------------------------


def huisverbod_day(start: date, day_number: int) -> date:
    """Day ``n`` of a huisverbod; day 1 is the day it was imposed."""
    return start + timedelta(days=day_number - 1)


def huisverbod_ends_on(start: date, extended: bool | None) -> date:
    """The last day: day 10, or day 28 when extended."""
    return huisverbod_day(start, HUISVERBOD_EXTENDED_END_DAY if extended else HUISVERBOD_END_DAY)


def huisverbod_ladder(
    start: date, tz: ZoneInfo, *, extended: bool | None = None, at: time = MORNING
) -> list[Step]:
    """Undecided: day 8 (extension decision due) and day 10 (ends unless extended). Extended: day 28 (hard
    end). Not extended: day 10 (ends today). Always: follow-ups 3, 6 and 12 months after day 1."""
    last_day = huisverbod_ends_on(start, extended)
    over = end_of_day(last_day, tz)
    steps: list[Step] = []
    if extended is None:
        steps.append(Step("D8", local_at(huisverbod_day(start, HUISVERBOD_DECISION_DAY), at, tz), over))
    if extended:
        steps.append(Step("D28", local_at(last_day, at, tz), over))
    else:
        steps.append(Step("D10", local_at(last_day, at, tz), over))
    follow_ups = [
        (f"M{months}", local_at(start + relativedelta(months=months), at, tz))
        for months in HUISVERBOD_FOLLOW_UP_MONTHS
    ]
    last_follow_up = follow_ups[-1][1] + timedelta(days=30)
    return steps + _chain(follow_ups, last_follow_up)


# -- action deadlines ------------------------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def dutch_public_holidays(year: int) -> frozenset[date]:
    """The general Dutch public holidays (Algemene termijnenwet): New Year, Easter Monday, King's Day
    (26 April when the 27th is a Sunday), Ascension, Whit Monday, Christmas and Boxing Day, and Liberation
    Day in lustrum years (2025, 2030, ...). Good Friday is not a general day off and is not included."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1),
        easter + timedelta(days=1),
        kings_day,
        easter + timedelta(days=39),
        easter + timedelta(days=50),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in dutch_public_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (weekends and Dutch public holidays skipped)."""
    current = day
    for _ in range(count * 7 + 14):  # bounded: there are never more than a few days off in a row
        if count <= 0:
            return current
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    raise ValueError(f"no {count} working days found after {day}")


def action_ladder(deadline: date, tz: ZoneInfo, *, at: time = MORNING) -> list[Step]:
    """A reminder to the owner on the deadline morning (useful until the escalation), and an escalation to
    procesregie at 09:00 on the second working day after the deadline (useful until the action is closed,
    which cancels it)."""
    escalate_at = local_at(add_working_days(deadline, ESCALATION_WORKING_DAYS), at, tz)
    return [Step("due", local_at(deadline, at, tz), escalate_at), Step("escalate", escalate_at, None)]


# -- overleg ---------------------------------------------------------------------------------------------

MEETING_HOUR_BEFORE = timedelta(hours=1)
TRIAGE_CUTOFF = time(12, 0)
TRIAGE_CUTOFF_NOTICE = timedelta(hours=3)  # 09:00 the day before, three hours ahead of the 12:00 cut-off


def day_before_same_time(start: datetime, tz: ZoneInfo) -> datetime:
    """The same local wall time on the day before ``start`` (a Tuesday 10:00 -> Monday 10:00), in UTC. Across
    a DST change this is 23 or 25 hours before, as "tomorrow at ten" means to a person."""
    local = start.astimezone(tz)
    return local_at(local.date() - timedelta(days=1), local.time().replace(tzinfo=None), tz)


def meeting_ladder(start: datetime, tz: ZoneInfo) -> list[Step]:
    """Reminders for one occurrence of an overleg: ``T-24h`` (the day before at the same local time, useful
    until the next rung) and ``T-1h`` (one hour before, useful until the start)."""
    rungs = [("T-24h", day_before_same_time(start, tz)), ("T-1h", start - MEETING_HOUR_BEFORE)]
    return _chain(rungs, start.astimezone(UTC))


def meeting_warning(start: datetime, tz: ZoneInfo) -> Step:
    """The chair's warning that a casusregisseur has not answered: the day before at the same local time,
    useful until the meeting starts."""
    return Step("open-24h", day_before_same_time(start, tz), start.astimezone(UTC))


def triage_cutoff(start: datetime, tz: ZoneInfo) -> datetime:
    """Agenda cut-off of a triage-overleg: 12:00 local on the day before, in UTC."""
    return local_at(start.astimezone(tz).date() - timedelta(days=1), TRIAGE_CUTOFF, tz)


def triage_cutoff_ladder(start: datetime, tz: ZoneInfo) -> list[Step]:
    """``cutoff``: the reminder to partners three hours before the cut-off (useful until the cut-off);
    ``agenda-closed``: the note to the chair at the cut-off (useful until the meeting starts)."""
    cutoff = triage_cutoff(start, tz)
    return [
        Step("cutoff", cutoff - TRIAGE_CUTOFF_NOTICE, cutoff),
        Step("agenda-closed", cutoff, start.astimezone(UTC)),
    ]


# -- rebuilding a ladder after a date changed ------------------------------------------------------------


def plan_rebuild(steps: Iterable[Step], now: datetime, already_sent: Collection[str] = ()) -> list[Step]:
    """Which rungs of a (re)computed ladder to queue now.

    - a rung due in the future is queued as computed;
    - a rung whose window has passed (it expired) is dropped: past steps are not re-sent;
    - the rung whose window holds ``now`` (due, not yet expired) is queued to go out now, once: it is
      dropped when a rung with that offset was already sent (``already_sent`` holds offsets).
    """
    planned = []
    for step in steps:
        if step.due_at > now:
            planned.append(step)
        elif (step.expires_at is None or step.expires_at > now) and step.offset not in already_sent:
            planned.append(replace(step, due_at=now))
    return planned


# -- opschaling naar bestuur ---------------------------------------------------------------------------

BESTUUR_REMINDER_WORKING_DAYS = (2, 5)
BESTUUR_WEEKLY_REMINDERS = 8


def bestuur_ladder(raised_on: date, tz: ZoneInfo, *, at: time = MORNING) -> list[Step]:
    """Reminders of an unacknowledged escalation: 09:00 on the 2nd and 5th working day after it was raised,
    then weekly (8 times); each useful until the next. Acknowledging cancels the rest."""
    rungs = [
        (f"R{d}", local_at(add_working_days(raised_on, d), at, tz)) for d in BESTUUR_REMINDER_WORKING_DAYS
    ]
    last = add_working_days(raised_on, BESTUUR_REMINDER_WORKING_DAYS[-1])
    rungs += [
        (f"W{n}", local_at(last + timedelta(weeks=n), at, tz)) for n in range(1, BESTUUR_WEEKLY_REMINDERS + 1)
    ]
    return _chain(rungs, rungs[-1][1] + timedelta(days=7))
