"""Signals and their subjects; the triage decision is a conditional update so only one decider wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case as sql_case
from sqlalchemy import update
from sqlmodel import col, select

from storage.cases.tables import URGENCY_RANK, Signal, SignalStatus, Subject
from storage.names import initials, name_key, surname_key
from storage.repositories import Repository


class SignalRepository(Repository):
    def add(self, signal: Signal, people: Sequence[tuple[str, date | None]]) -> Signal:
        self.session.add(signal)
        self.session.flush()
        for name, birth_date in people:
            self.session.add(
                Subject(
                    signal_id=signal.id,
                    name=name,
                    name_key=name_key(name),
                    surname_key=surname_key(name),
                    initials=initials(name),
                    birth_date=birth_date,
                )
            )
        self.session.flush()
        return signal

    def get(self, signal_id: int) -> Signal | None:
        return self.session.get(Signal, signal_id)

    def subjects(self, signal_id: int) -> Sequence[Subject]:
        statement = select(Subject).where(Subject.signal_id == signal_id).order_by(col(Subject.id))
        return self.session.exec(statement).all()

    def queue(self, *, limit: int = 25) -> Sequence[Signal]:
        """Undecided signals: acuut first, then hoog, then normaal; oldest first within each."""
        rank = sql_case(
            {key.value: value for key, value in URGENCY_RANK.items()}, value=col(Signal.urgency), else_=9
        )
        statement = (
            select(Signal)
            .where(Signal.status == SignalStatus.NEW)
            .order_by(rank, col(Signal.created_at), col(Signal.id))
            .limit(limit)
        )
        return self.session.exec(statement).all()

    def decide(self, signal_id: int, outcome: str, reason: str | None, decided_by: int, at: datetime) -> bool:
        """Record the outcome only if the signal is still new; False when someone else decided first."""
        statement = (
            update(Signal)
            .where(col(Signal.id) == signal_id, col(Signal.status) == SignalStatus.NEW)
            .values(
                status=SignalStatus.DECIDED,
                outcome=outcome,
                reason=reason,
                decided_by=decided_by,
                decided_at=at,
            )
        )
        won = int(self.session.execute(statement).rowcount) == 1  # type: ignore[attr-defined]
        signal = self.get(signal_id)
        if signal is not None:
            self.session.refresh(signal)
        return won

    def attach_to_case(self, signal: Signal, case_id: int) -> None:
        """The signal's subjects become the case's subjects, except a person the case already names (same
        name, and the same birth date where both are known): linking a signal about a known person to
        their case must not list them twice nor turn the case into a household."""
        signal.case_id = case_id
        self.session.add(signal)
        on_case = self.session.exec(select(Subject).where(Subject.case_id == case_id)).all()
        for subject in self.subjects(signal.id or 0):
            if subject.case_id is None and not any(_same_person(subject, known) for known in on_case):
                subject.case_id = case_id
                self.session.add(subject)
        self.session.flush()

    def recent_duplicate(
        self, signal: Signal, people: Sequence[tuple[str, date | None]], since: datetime
    ) -> Signal | None:
        """An earlier signal from the same reporter since ``since`` that is the same submission in every
        field (a form sent twice): same description, gemeente, categories, urgency, informed, and the same
        people with the same birth dates in the same order. Anything that differs is a report of its own.

        Descriptions and names are stored encrypted (randomised), so the few recent ones are compared
        decrypted."""
        statement = select(Signal).where(
            Signal.reporter_id == signal.reporter_id, col(Signal.created_at) >= since
        )
        recent = self.session.exec(statement.order_by(col(Signal.created_at).desc()).limit(50)).all()
        wanted = [(name, born) for name, born in people]
        for earlier in recent:
            if (
                earlier.description == signal.description
                and earlier.gemeente == signal.gemeente
                and sorted(earlier.categories) == sorted(signal.categories)
                and earlier.urgency == signal.urgency
                and earlier.subject_informed == signal.subject_informed
                and earlier.id is not None
                and [(s.name, s.birth_date) for s in self.subjects(earlier.id)] == wanted
            ):
                return earlier
        return None


def _same_person(one: Subject, other: Subject) -> bool:
    # compared as names, not as stored indexes: one may still hold the old key's index during a rotation
    if _name_key_of(one) != _name_key_of(other):
        return False
    return one.birth_date is None or other.birth_date is None or one.birth_date == other.birth_date


def _name_key_of(subject: Subject) -> str:
    return name_key(subject.name) if subject.name_key else ""  # an anonymised subject has no key
