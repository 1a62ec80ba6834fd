"""The quarterly stuurgroep report as data: quarters, sections of figures, two quarters side by side.

Figures come from the small query functions in ``storage.reports.queries``; a source whose tables are not
there yet is a section marked unavailable (shown as "niet beschikbaar", never as zero). Reports that leave
the Veiligheidshuis (``extern``) suppress small numbers: any count below 5 becomes "<5".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import Text, UserError, t
from bot.core.dates import MAX_YEAR, MIN_YEAR
from bot.core.hygiene import echo
from storage.reports import queries as q

SUPPRESS_BELOW = 5
QUARTER_RE = re.compile(r"^([0-9]{4})\s*-?\s*[qQkK]([1-4])$")

Value = int | float | None
CountQuery = Callable[[Session, datetime, datetime, str | None], dict[str, int]]
MedianQuery = Callable[[Session, datetime, datetime, str | None], float | None]
FigureQuery = Callable[[Session, datetime, datetime, str | None], q.Figures]


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text.strip())
        if not match or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:  # 0001Q1: no such report
            raise UserError("rapport.bad_quarter", quarter=echo(text, 20))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """Local midnight of the first day to local midnight of the next quarter's first day."""
        start = datetime.combine(self.first_day, time(), tz)
        end = datetime.combine(self.next().first_day, time(), tz)
        return start, end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


@dataclass(frozen=True)
class Row:
    label: Text | str  # a Text for stored values (categories, tracks), a str for names (organisations)
    current: Value
    previous: Value
    is_rate: bool = False  # a percentage: printed with one decimal, never charted beside counts


@dataclass(frozen=True)
class Section:
    key: str  # rapport.section.<key> is its title
    rows: tuple[Row, ...]
    available: bool = True
    is_median: bool = False

    @property
    def title(self) -> Text:
        return t(f"rapport.section.{self.key}")


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    gemeente: str | None
    extern: bool
    sections: tuple[Section, ...]
    through: date | None = None  # the quarter is still running: its figures count up to this day
    comments: tuple[str, ...] = ()  # the partner poll's comments (not in an external or gemeente report)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# key, query, i18n prefix for the stored value (None: the value is a name and shown as is)
COUNT_SECTIONS: tuple[tuple[str, CountQuery, str | None], ...] = (
    ("signals_by_source", q.signals_by_source, None),
    ("signals_by_category", q.signals_by_category, "signal.category"),
    ("signals_by_urgency", q.signals_by_urgency, "signal.urgency"),
    ("triage_outcomes", q.triage_outcomes, "triage.outcome"),
    ("mutatie_choices", q.mutatie_choices, "mutatie.choice"),
    ("cases_opened", q.cases_opened, "triage.outcome"),
    ("cases_closed", q.cases_closed, "triage.outcome"),
    ("cases_active", q.cases_active, "triage.outcome"),
    ("casusregie_by_organisation", q.casusregie_by_organisation, None),
    ("escalations_by_partner", q.escalations_by_partner, None),
)
MEDIAN_SECTIONS: tuple[tuple[str, MedianQuery], ...] = (
    ("days_to_decision", q.median_days_to_decision),
    ("days_to_first_action", q.median_days_to_first_action),
)
# key, query, the count a percentage is of (an external report hides the percentage when that is below 5)
FIGURE_SECTIONS: tuple[tuple[str, FigureQuery, dict[str, str]], ...] = (
    ("overleg_attendance", q.overleg_figures, {"attendance_pct": "expected"}),
    ("huisverboden", q.huisverbod_figures, {"extended_pct": "decided"}),
)
# sources built on other branches; they become query functions when their tables land on main
UNAVAILABLE_SECTIONS: tuple[str, ...] = ()


def build_report(
    session: Session,
    quarter: Quarter,
    tz: ZoneInfo,
    *,
    gemeente: str | None = None,
    extern: bool = False,
    today: date | None = None,
) -> Report:
    """``today`` (local): when the quarter holds it, the report says it counts up to that day."""
    if gemeente is not None:
        gemeente = _known_gemeente(session, gemeente)
    now_start, now_end = quarter.bounds(tz)
    before_start, before_end = quarter.previous().bounds(tz)
    sections: list[Section] = []
    for key, count_query, prefix in COUNT_SECTIONS:
        current = count_query(session, now_start, now_end, gemeente)
        previous = count_query(session, before_start, before_end, gemeente)
        labels = sorted(set(current) | set(previous), key=lambda k: (-current.get(k, 0), k))
        rows = tuple(
            Row(t(f"{prefix}.{label}") if prefix else label, current.get(label, 0), previous.get(label, 0))
            for label in labels
        )
        sections.append(Section(key, rows))
    for key, median_query in MEDIAN_SECTIONS:
        row = Row(
            t("rapport.median_days"),
            median_query(session, now_start, now_end, gemeente),
            median_query(session, before_start, before_end, gemeente),
        )
        sections.append(Section(key, (row,), is_median=True))
    for key, figure_query, bases in FIGURE_SECTIONS:
        sections.append(
            _figure_section(
                key,
                figure_query(session, now_start, now_end, gemeente),
                figure_query(session, before_start, before_end, gemeente),
                bases,
                extern=extern,
            )
        )
    sections.append(releases_section(session, quarter, tz, gemeente, extern))
    sections.extend(Section(key, (), available=False) for key in UNAVAILABLE_SECTIONS)
    sections.append(poll_section(session, (now_start, now_end), (before_start, before_end), gemeente))
    through = today if today is not None and Quarter.containing(today) == quarter else None
    comments = () if extern or gemeente is not None else poll_comments(session, now_start, now_end)
    return Report(quarter, gemeente, extern, tuple(sections), through, comments)


def poll_comments(session: Session, start: datetime, end: datetime) -> tuple[str, ...]:
    """The comments of the poll rounds started in the period, when at least 5 members answered (with fewer, a
    comment's wording could point at its writer)."""
    if int(q.poll_results(session, start, end)["n"] or 0) < SUPPRESS_BELOW:
        return ()
    return tuple(q.poll_comments(session, start, end))


def releases_section(
    session: Session, quarter: Quarter, tz: ZoneInfo, gemeente: str | None, extern: bool
) -> Section:
    """Releases in the quarter, how many had every basisvoorwaarde in place before the release day, and
    that share in percent (left out of an external report when the count is below 5)."""
    figures = [
        q.releases_with_basisvoorwaarden(session, period.first_day, period.next().first_day, tz, gemeente)
        for period in (quarter, quarter.previous())
    ]

    def share(count: int, done: int) -> float | None:
        if count == 0 or (extern and count < SUPPRESS_BELOW):
            return None
        return round(100 * done / count, 1)

    (now, now_done), (before, before_done) = figures
    rows = (
        Row(t("rapport.releases.count"), now, before),
        Row(t("rapport.releases.done"), now_done, before_done),
        Row(t("rapport.releases.share"), share(now, now_done), share(before, before_done)),
    )
    return Section("releases_basisvoorwaarden", rows)


def _figure_section(
    key: str, current: q.Figures, previous: q.Figures, bases: dict[str, str], *, extern: bool
) -> Section:
    """Fixed figures in the query's order; labels are ``rapport.figure.<section>.<figure>``."""

    def value(figures: q.Figures, name: str) -> Value:
        base = figures.get(bases[name], 0) if name in bases else None
        if extern and base is not None and base < SUPPRESS_BELOW:
            return None  # a share of fewer than 5 could point at a person
        return figures.get(name)

    rows = tuple(
        Row(t(f"rapport.figure.{key}.{name}"), value(current, name), value(previous, name), name in bases)
        for name in current
    )
    return Section(key, rows)


def _known_gemeente(session: Session, gemeente: str) -> str:
    known = q.known_gemeenten(session)
    for name in known:
        if name.lower() == gemeente.strip().lower():
            return name
    raise UserError("rapport.unknown_gemeente", gemeente=gemeente.strip(), known=", ".join(known) or "-")


def shown(value: Value, *, extern: bool, is_median: bool = False, is_rate: bool = False) -> str:
    """A cell as printed: "<5" for small counts in an external report, "-" for no value."""
    if value is None:
        return "-"
    if isinstance(value, float) or is_median or is_rate:
        return f"{value:.1f}"
    if extern and 0 < value < SUPPRESS_BELOW:
        return f"<{SUPPRESS_BELOW}"
    return str(value)


# -- the partner poll (issue 10): rounds started in the quarter; network-wide, so not per gemeente -------


def poll_section(
    session: Session,
    current: tuple[datetime, datetime],
    previous: tuple[datetime, datetime],
    gemeente: str | None,
) -> Section:
    """Mean score per question, n and the number of comments. With fewer than 5 answers the means are not
    shown (anonymity); in an external report n itself becomes "<5" like every small count."""
    if gemeente is not None:
        return Section("partner_poll", (), available=False)
    now, before = q.poll_results(session, *current), q.poll_results(session, *previous)

    def mean(result: dict[str, float | int | None], key: str) -> Value:
        return result[key] if int(result["n"] or 0) >= SUPPRESS_BELOW else None

    rows = [Row(t(f"rapport.poll.q{n}"), mean(now, f"q{n}"), mean(before, f"q{n}")) for n in (1, 2, 3)]
    rows.append(Row(t("rapport.poll.n"), now["n"], before["n"]))
    rows.append(Row(t("rapport.poll.comments"), now["comments"], before["comments"]))
    return Section("partner_poll", tuple(rows))
