"""Small per-source query functions for the quarterly stuurgroep report.

Each function answers one figure for one period ``[start, end)`` (aware UTC), optionally for one gemeente (a
case belongs to the gemeente of the signal that opened it). They return plain counts keyed by a stored value
(an organisation name, a category, a track) so the report can put the same figure for two quarters side by
side. Sources whose tables do not exist yet (overleg, huisverboden) have no function here: the
report shows them as not available, never as zero.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session, col

from storage.cases.tables import Action, Case, RegieAssignment, RegieKind, Signal, SignalStatus
from storage.models import Member, Organisation
from storage.release.detention import Detention, Huisverbod
from storage.release.nazorg import NazorgItem, NazorgStatus

Counts = dict[str, int]
Figures = dict[str, int | float | None]  # fixed keys in display order; a percentage is a float or None


def _signal_gemeente(gemeente: str | None) -> ColumnElement[bool]:
    if gemeente is None:
        return and_(True)
    return func.lower(col(Signal.gemeente)) == gemeente.lower()


def _case_gemeente(gemeente: str | None) -> ColumnElement[bool]:
    """Cases of one gemeente: those opened from a signal of that gemeente."""
    if gemeente is None:
        return and_(True)
    of_gemeente = select(col(Signal.id)).where(_signal_gemeente(gemeente))
    return col(Case.signal_id).in_(of_gemeente)


def known_gemeenten(session: Session) -> list[str]:
    rows = session.execute(select(col(Signal.gemeente)).distinct()).scalars().all()
    return sorted(rows)


def signals_by_source(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    statement = (
        select(col(Organisation.name), func.count(col(Signal.id)))
        .join(Member, col(Member.id) == col(Signal.reporter_id))
        .join(Organisation, col(Organisation.id) == col(Member.organisation_id))
        .where(col(Signal.created_at) >= start, col(Signal.created_at) < end, _signal_gemeente(gemeente))
        .group_by(col(Organisation.name))
    )
    return {name: count for name, count in session.execute(statement).all()}


def signals_by_category(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """A signal with two categories counts once under each."""
    statement = select(col(Signal.categories)).where(
        col(Signal.created_at) >= start, col(Signal.created_at) < end, _signal_gemeente(gemeente)
    )
    counts: Counter[str] = Counter()
    for categories in session.execute(statement).scalars():
        counts.update(categories or [])
    return dict(counts)


def signals_by_urgency(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    statement = (
        select(col(Signal.urgency), func.count(col(Signal.id)))
        .where(col(Signal.created_at) >= start, col(Signal.created_at) < end, _signal_gemeente(gemeente))
        .group_by(col(Signal.urgency))
    )
    return {urgency: count for urgency, count in session.execute(statement).all()}


def triage_outcomes(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """Triage decisions in the period, per outcome (a mutatie's choice is not a triage outcome)."""
    return _decisions(session, start, end, gemeente, SignalStatus.DECIDED)


def mutatie_choices(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """What procesregie chose for mutaties in the period (note, partner); one brought to triage is counted
    by its triage outcome."""
    return _decisions(session, start, end, gemeente, SignalStatus.MUTATIE)


def _decisions(session: Session, start: datetime, end: datetime, gemeente: str | None, status: str) -> Counts:
    statement = (
        select(col(Signal.outcome), func.count(col(Signal.id)))
        .where(
            col(Signal.decided_at) >= start,
            col(Signal.decided_at) < end,
            col(Signal.outcome).is_not(None),
            col(Signal.status) == status,
            _signal_gemeente(gemeente),
        )
        .group_by(col(Signal.outcome))
    )
    return {str(outcome): count for outcome, count in session.execute(statement).all()}


def _cases_by_track(session: Session, condition: ColumnElement[bool], gemeente: str | None) -> Counts:
    statement = (
        select(col(Case.track), func.count(col(Case.id)))
        .where(condition, _case_gemeente(gemeente))
        .group_by(col(Case.track))
    )
    return {track: count for track, count in session.execute(statement).all()}


def cases_opened(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    condition = and_(col(Case.opened_at) >= start, col(Case.opened_at) < end)
    return _cases_by_track(session, condition, gemeente)


def cases_closed(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    condition = and_(col(Case.closed_at) >= start, col(Case.closed_at) < end)
    return _cases_by_track(session, condition, gemeente)


def cases_active(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """Open at the end of the period (opened before it ends, not closed by then)."""
    condition = and_(
        col(Case.opened_at) < end, or_(col(Case.closed_at).is_(None), col(Case.closed_at) >= end)
    )
    return _cases_by_track(session, condition, gemeente)


def median_days_to_decision(
    session: Session, start: datetime, end: datetime, gemeente: str | None
) -> float | None:
    """Median days from a signal's arrival to its triage decision, over signals decided in the period."""
    statement = select(col(Signal.created_at), col(Signal.decided_at)).where(
        col(Signal.decided_at) >= start, col(Signal.decided_at) < end, _signal_gemeente(gemeente)
    )
    days = [(decided - created).total_seconds() / 86400 for created, decided in session.execute(statement)]
    return round(median(days), 1) if days else None


def median_days_to_first_action(
    session: Session, start: datetime, end: datetime, gemeente: str | None
) -> float | None:
    """Median days from the triage decision to the first plan action, over cases opened in the period."""
    first_action = (
        select(col(Action.case_id), func.min(col(Action.created_at)).label("first_at"))
        .group_by(col(Action.case_id))
        .subquery()
    )
    statement = (
        select(col(Signal.decided_at), first_action.c.first_at)
        .select_from(Case)
        .join(Signal, col(Signal.id) == col(Case.signal_id))
        .join(first_action, first_action.c.case_id == col(Case.id))
        .where(
            col(Case.opened_at) >= start,
            col(Case.opened_at) < end,
            col(Signal.decided_at).is_not(None),
            _case_gemeente(gemeente),
        )
    )
    days = [
        (_aware(first) - _aware(decided)).total_seconds() / 86400
        for decided, first in session.execute(statement)
    ]
    return round(median(days), 1) if days else None


def _aware(moment: datetime) -> datetime:
    """``min()`` over a UTC column comes back naive on SQLite; the stored values are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def casusregie_by_organisation(
    session: Session, start: datetime, end: datetime, gemeente: str | None
) -> Counts:
    """Cases whose casusregie an organisation held at some time in the period."""
    statement = (
        select(col(Organisation.name), func.count(func.distinct(col(RegieAssignment.case_id))))
        .join(Organisation, col(Organisation.id) == col(RegieAssignment.organisation_id))
        .join(Case, col(Case.id) == col(RegieAssignment.case_id))
        .where(
            col(RegieAssignment.kind) == RegieKind.CASUSREGIE,
            col(RegieAssignment.from_at) < end,
            or_(col(RegieAssignment.to_at).is_(None), col(RegieAssignment.to_at) >= start),
            _case_gemeente(gemeente),
        )
        .group_by(col(Organisation.name))
    )
    return {name: count for name, count in session.execute(statement).all()}


def releases_with_basisvoorwaarden(
    session: Session, first_day: date, end_day: date, tz: ZoneInfo, gemeente: str | None
) -> tuple[int, int]:
    """Detentions whose release date lies in ``[first_day, end_day)``, and how many of them had every nazorg
    item geregeld or n.v.t. before the release day began (local midnight). A detention without a checklist
    counts as not done."""
    of_gemeente = select(col(Case.id)).where(_case_gemeente(gemeente))
    releases = dict(
        session.execute(
            select(col(Detention.id), col(Detention.release_on)).where(
                col(Detention.release_on) >= first_day,
                col(Detention.release_on) < end_day,
                col(Detention.case_id).in_(of_gemeente),
            )
        ).all()
    )
    if not releases:
        return 0, 0
    items = session.execute(
        select(col(NazorgItem.detention_id), col(NazorgItem.status), col(NazorgItem.updated_at)).where(
            col(NazorgItem.detention_id).in_(list(releases))
        )
    ).all()
    done = {detention_id: bool(items) for detention_id in releases}
    seen: set[int] = set()
    for detention_id, status, updated_at in items:
        seen.add(detention_id)
        day_begins = datetime.combine(releases[detention_id], time(0, 0), tzinfo=tz)
        if status == NazorgStatus.OPEN or _aware(updated_at) >= day_begins:
            done[detention_id] = False
    return len(releases), sum(1 for detention_id, ok in done.items() if ok and detention_id in seen)


def _percentage(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def overleg_figures(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Figures:
    """Overleg held and the attendance rate, with the one definition of ``storage.reports.meetings``: an
    occurrence is held when its attendance was recorded with at least one person present; with a gemeente,
    only meetings with a case of that gemeente on the agenda count."""
    from storage.reports.meetings import (
        overleg_attendance_counts,
        overleg_held,
    )  # it imports Counts from here

    held = sum(overleg_held(session, start, end, gemeente).values())
    present, expected = overleg_attendance_counts(session, start, end, gemeente)
    return {
        "held": held,
        "present": present,
        "expected": expected,
        "attendance_pct": _percentage(present, expected),
    }


def huisverbod_figures(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Figures:
    """Huisverboden imposed in the period (day 1 on a local date in it) and how many were extended; the
    share is of those with a recorded decision (a late one may still be open)."""
    statement = (
        select(
            func.count(),
            func.count(col(Huisverbod.extended)),
            func.coalesce(func.sum(case((col(Huisverbod.extended).is_(True), 1), else_=0)), 0),
        )
        .select_from(Huisverbod)
        .join(Case, col(Case.id) == col(Huisverbod.case_id))
        .where(
            col(Huisverbod.started_on) >= start.date(),
            col(Huisverbod.started_on) < end.date(),
            _case_gemeente(gemeente),
        )
    )
    started, decided, extended = (int(v) for v in session.execute(statement).one())
    return {
        "started": started,
        "decided": decided,
        "extended": extended,
        "extended_pct": _percentage(extended, decided),
    }


def escalations_by_partner(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """Opschalingen naar bestuur raised in the period, per partner organisation escalated (issue 10)."""
    from storage.network.escalation import Escalation

    statement = (
        select(col(Organisation.name), func.count(col(Escalation.id)))
        .join(Organisation, col(Organisation.id) == col(Escalation.organisation_id))
        .join(Case, col(Case.id) == col(Escalation.case_id))
        .where(
            col(Escalation.created_at) >= start,
            col(Escalation.created_at) < end,
            _case_gemeente(gemeente),
        )
        .group_by(col(Organisation.name))
    )
    return {name: count for name, count in session.execute(statement).all()}


def poll_results(session: Session, start: datetime, end: datetime) -> dict[str, float | int | None]:
    """The partner poll rounds started in the period: ``q1``..``q3`` mean score, ``n`` (members who
    answered question 1), ``comments``. Means are None when there are no answers."""
    from storage.network.poll import COMMENT, PollAnswer, PollRound

    rounds = select(col(PollRound.id)).where(
        col(PollRound.started_at) >= start, col(PollRound.started_at) < end
    )
    statement = (
        select(col(PollAnswer.question), func.count(col(PollAnswer.id)), func.avg(col(PollAnswer.score)))
        .where(col(PollAnswer.round_id).in_(rounds))
        .group_by(col(PollAnswer.question))
    )
    rows = {question: (count, mean) for question, count, mean in session.execute(statement).all()}
    result: dict[str, float | int | None] = {
        f"q{q}": round(float(rows[q][1]), 1) if q in rows and rows[q][1] is not None else None
        for q in (1, 2, 3)
    }
    result["n"] = int(rows[1][0]) if 1 in rows else 0
    result["comments"] = int(rows[COMMENT][0]) if COMMENT in rows else 0
    return result


def poll_comments(session: Session, start: datetime, end: datetime) -> list[str]:
    """The comments of the partner poll rounds started in the period, in the order of their random ids."""
    from storage.network.poll import COMMENT, PollAnswer, PollRound

    rounds = select(col(PollRound.id)).where(
        col(PollRound.started_at) >= start, col(PollRound.started_at) < end
    )
    statement = (
        select(PollAnswer)
        .where(col(PollAnswer.round_id).in_(rounds), col(PollAnswer.question) == COMMENT)
        .order_by(col(PollAnswer.id))
    )
    return [a.comment for a in session.execute(statement).scalars() if a.comment]
