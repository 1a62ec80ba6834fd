"""Overleg figures for the quarterly stuurgroep report, in the shape of ``storage.reports.queries``: one
figure for one period ``[start, end)`` (aware UTC), optionally for one gemeente.

An occurrence counts as *held* when the chair recorded its attendance (``/overleg ID aanwezig``) with at least
one person present; each occurrence of a series counts once, in the period of its (actual) start. The
attendance rate is present / recorded over the recorded invitees of those occurrences. With a gemeente, only
meetings with a case of that gemeente on the agenda count (a triage-overleg has no cases: it counts only in
the report for the whole region).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Integer, and_, func, select
from sqlmodel import Session, col

from storage.cases.tables import Case, Signal
from storage.meetings.tables import AgendaItem, Attendance, Meeting
from storage.reports.queries import Counts


def _meeting_gemeente(gemeente: str | None) -> ColumnElement[bool]:
    if gemeente is None:
        return and_(True)
    of_gemeente = (
        select(col(AgendaItem.meeting_id))
        .join(Case, col(Case.id) == col(AgendaItem.case_id))
        .join(Signal, col(Signal.id) == col(Case.signal_id))
        .where(func.lower(col(Signal.gemeente)) == gemeente.lower())
    )
    return col(Attendance.meeting_id).in_(of_gemeente)


def _in_period(start: datetime, end: datetime, gemeente: str | None) -> ColumnElement[bool]:
    return and_(
        col(Attendance.occurrence_start_at) >= start,
        col(Attendance.occurrence_start_at) < end,
        _meeting_gemeente(gemeente),
    )


def overleg_held(session: Session, start: datetime, end: datetime, gemeente: str | None) -> Counts:
    """Occurrences held in the period, per meeting kind (``mdo``, ``triage``, ...)."""
    held = (
        select(col(Attendance.meeting_id), col(Attendance.occurrence_start_at))
        .where(_in_period(start, end, gemeente), col(Attendance.present).is_(True))
        .distinct()
        .subquery()
    )
    statement = (
        select(col(Meeting.kind), func.count())
        .select_from(held)
        .join(Meeting, col(Meeting.id) == held.c.meeting_id)
        .group_by(col(Meeting.kind))
    )
    return {kind: count for kind, count in session.execute(statement).all()}


def overleg_attendance_counts(
    session: Session, start: datetime, end: datetime, gemeente: str | None
) -> tuple[int, int]:
    """(present, recorded) over the recorded invitees of the occurrences of the period."""
    statement = select(
        func.count(), func.coalesce(func.sum(func.cast(col(Attendance.present), Integer)), 0)
    ).where(_in_period(start, end, gemeente))
    recorded, present = session.execute(statement).one()
    return int(present), int(recorded)


def overleg_attendance_rate(
    session: Session, start: datetime, end: datetime, gemeente: str | None
) -> float | None:
    """Percentage of recorded invitees present at the occurrences of the period (one decimal); None when no
    attendance was recorded."""
    present, recorded = overleg_attendance_counts(session, start, end, gemeente)
    if not recorded:
        return None
    return round(100 * present / recorded, 1)
