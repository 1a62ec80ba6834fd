"""Informatieverzoeken (answered once, counted per partner) and the stale-case query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, update
from sqlalchemy.engine import Dialect
from sqlmodel import col, select

from storage.cases.tables import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    CaseStatus,
    RegieAssignment,
    RegieKind,
    Signal,
    SignalStatus,
    Subject,
)
from storage.crypto import index_in, keyring_of
from storage.meetings.tables import AgendaItem, Meeting, MeetingStatus, Recurrence
from storage.models import OutboxMessage, OutboxStatus
from storage.names import initials, name_key
from storage.network.flows import InfoRequest, InfoStatus
from storage.repositories import Repository


class MutatieRepository(Repository):
    def choose(self, signal: Signal, choice: str, member_id: int, at: datetime, *, requeue: bool) -> bool:
        """Record procesregie's choice once (a second tap or a second holder loses); ``requeue`` puts the
        signal back in the triage queue."""
        result = self.session.execute(
            update(Signal)
            .where(
                col(Signal.id) == signal.id,
                col(Signal.status) == SignalStatus.MUTATIE,
                col(Signal.outcome).is_(None),
            )
            .values(
                outcome=None if requeue else choice,
                status=SignalStatus.NEW if requeue else SignalStatus.MUTATIE,
                decided_by=None if requeue else member_id,
                decided_at=None if requeue else at,
            )
        )
        self.session.refresh(signal)
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


def query_key(query: str) -> str:
    """What an informatieverzoek is about, comparable: a case code in capitals, a name as its name key."""
    return query.strip().upper() if any(ch.isdigit() for ch in query) else name_key(query)


class InfoRequestRepository(Repository):
    def add(self, request: InfoRequest) -> InfoRequest:
        request.query_key = query_key(request.query)  # stored as its blind index (HMAC)
        self.session.add(request)
        self.session.flush()
        return request

    def get(self, request_id: int) -> InfoRequest | None:
        return self.session.get(InfoRequest, request_id)

    def asked_about(self, query: str) -> Sequence[InfoRequest]:
        """Earlier requests about the same person (or case code), oldest first, through the blind index."""
        key = query_key(query)
        if not key:
            return []
        dialect = self.session.get_bind().dialect
        statement = select(InfoRequest).where(index_in(col(InfoRequest.query_key), [key], dialect))
        return self.session.exec(statement.order_by(col(InfoRequest.id))).all()

    def answer(self, request: InfoRequest, answer: str, member_id: int, at: datetime) -> bool:
        """Record the answer only while the request is open: a second procesmanager (or tap) loses."""
        result = self.session.execute(
            update(InfoRequest)
            .where(col(InfoRequest.id) == request.id, col(InfoRequest.status) == InfoStatus.OPEN)
            .values(status=InfoStatus.ANSWERED, answer=answer, answered_by=member_id, answered_at=at)
        )
        self.session.refresh(request)
        return int(result.rowcount) == 1  # type: ignore[attr-defined]

    def count_per_organisation(self, since: datetime, until: datetime) -> dict[int, int]:
        """organisation id -> number of requests created in [since, until) (for the report)."""
        statement = (
            select(InfoRequest.organisation_id, func.count())
            .where(col(InfoRequest.created_at) >= since, col(InfoRequest.created_at) < until)
            .group_by(col(InfoRequest.organisation_id))
        )
        return {int(org): int(n) for org, n in self.session.exec(statement).all()}


class StaleCaseQuery(Repository):
    def stale_cases(self, before: datetime, now: datetime | None = None) -> Sequence[tuple[int, Case]]:
        """(procesregie member id, case) for active cases with no open action whose last action
        activity (added or done) — or, without actions, the opening — is before ``before``, and (when
        ``now`` is given) with no upcoming overleg that has the case on its agenda."""
        open_action = (
            select(Action.id)
            .where(col(Action.case_id) == col(Case.id), col(Action.done_at).is_(None))
            .exists()
        )
        last_added = (
            select(func.max(Action.created_at)).where(col(Action.case_id) == col(Case.id)).scalar_subquery()
        )
        last_done = (
            select(func.max(Action.done_at)).where(col(Action.case_id) == col(Case.id)).scalar_subquery()
        )
        conditions = []
        if now is not None:
            upcoming = (
                select(AgendaItem.id)
                .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
                .where(
                    col(AgendaItem.case_id) == col(Case.id),
                    col(Meeting.status) == MeetingStatus.PLANNED,
                    or_(
                        col(Meeting.start_at) >= now,
                        and_(
                            col(Meeting.recurrence) != Recurrence.NONE,
                            or_(col(Meeting.until).is_(None), col(Meeting.until) >= now.date()),
                        ),
                    ),
                )
                .exists()
            )
            conditions.append(~upcoming)
        statement = (
            select(RegieAssignment.member_id, Case)
            .join(RegieAssignment, col(RegieAssignment.case_id) == col(Case.id))
            .where(
                col(Case.status) == CaseStatus.ACTIEF,
                col(RegieAssignment.kind) == RegieKind.PROCESREGIE,
                col(RegieAssignment.to_at).is_(None),
                ~open_action,
                col(Case.opened_at) < before,
                func.coalesce(last_added, col(Case.opened_at)) < before,
                func.coalesce(last_done, col(Case.opened_at)) < before,
                *conditions,
            )
            .order_by(col(RegieAssignment.member_id), col(Case.code))
        )
        return [(int(member_id), case) for member_id, case in self.session.exec(statement).all()]


class SignalImportRepository(Repository):
    """Bulk paths for the CSV import: many signals at once, known-person matching in batches."""

    def add_many(self, rows: Sequence[tuple[dict[str, Any], str, date | None]]) -> list[int]:
        """Insert signals (column values) with one subject each, as two multi-row inserts (Core, not
        ORM objects: 10x faster for a 100k-row file); returns the new signal ids in order."""
        signals = Signal.__table__  # type: ignore[attr-defined]
        subjects = Subject.__table__  # type: ignore[attr-defined]
        result = self.session.execute(
            insert(signals).returning(signals.c.id, sort_by_parameter_order=True), [v for v, _, _ in rows]
        )
        ids = [int(row[0]) for row in result.all()]
        self.session.execute(
            insert(subjects),
            [
                {
                    "signal_id": signal_id,
                    "case_id": None,
                    "name": name,
                    "name_key": key,
                    "surname_key": key.rsplit(" ", 1)[-1],
                    "initials": initials(name),
                    "birth_date": born,
                }
                for signal_id, (_, name, born) in zip(ids, rows, strict=True)
                for key in (name_key(name),)
            ],
        )
        return ids

    def current_holders(self, case_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """case id -> regie kind -> member id holding it now, for many cases in one query per 500."""
        ids = sorted(set(case_ids))
        holders: dict[int, dict[str, int]] = {}
        for start in range(0, len(ids), 500):
            statement = select(
                RegieAssignment.case_id, RegieAssignment.kind, RegieAssignment.member_id
            ).where(
                col(RegieAssignment.case_id).in_(ids[start : start + 500]),
                col(RegieAssignment.to_at).is_(None),
            )
            for case_id, kind, member_id in self.session.exec(statement).all():
                holders.setdefault(case_id, {})[kind] = member_id
        return holders

    def add_events(self, rows: Sequence[dict[str, Any]]) -> None:
        """Timeline events as one multi-row insert (case_id, at, member_id, kind, params)."""
        if rows:
            self.session.execute(insert(CaseEvent.__table__), list(rows))  # type: ignore[attr-defined]

    def add_messages(self, rows: Sequence[tuple[str, int, dict[str, Any]]], now: datetime) -> None:
        """Outbox rows due now, as one multi-row insert; the keys must be new (they name new signals)."""
        if rows:
            self.session.execute(
                insert(OutboxMessage.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "dedupe_key": key,
                        "member_id": member_id,
                        "group_purpose": None,
                        "payload": payload,
                        "due_at": now,
                        "expires_at": None,
                        "status": OutboxStatus.PENDING.value,
                        "attempts": 0,
                        "lease_until": None,
                        "sent_at": None,
                        "last_error": None,
                        "created_at": now,
                    }
                    for key, member_id, payload in rows
                ],
            )

    def signals_by_key(
        self, name_keys: Sequence[str]
    ) -> list[tuple[str, date | None, str, list[str], str, str, int]]:
        """(name key, birth date, gemeente, categories, urgency, description, signal id) of each signal that
        names a subject with one of the keys: what an import compares a row with, to skip a repeat."""
        keys = sorted({key for key in name_keys if key})
        dialect = self.session.get_bind().dialect
        asked = _asked(keys, dialect)
        found: list[tuple[str, date | None, str, list[str], str, str, int]] = []
        for start in range(0, len(keys), 500):
            statement = (
                select(Subject.name_key, col(Subject.birth_date), Signal)
                .join(Signal, col(Signal.id) == col(Subject.signal_id))
                .where(
                    index_in(col(Subject.name_key), keys[start : start + 500], dialect),
                    col(Signal.anonymised_at).is_(None),
                )
                .order_by(col(Signal.id))
            )
            for stored, born, signal in self.session.exec(statement).all():
                assert signal.id is not None
                found.append(
                    (
                        asked.get(stored, stored),
                        born,
                        signal.gemeente,
                        list(signal.categories or []),
                        signal.urgency,
                        signal.description,
                        signal.id,
                    )
                )
        return found

    def open_cases_by_key(self, name_keys: Sequence[str]) -> dict[str, list[tuple[date | None, Case]]]:
        """name key -> (subject birth date, open case) for subjects of open cases with one of the keys
        (computed with ``storage.names.name_key``)."""
        keys = sorted({key for key in name_keys if key})
        dialect = self.session.get_bind().dialect
        asked = _asked(keys, dialect)
        found: dict[str, list[tuple[date | None, Case]]] = {}
        for start in range(0, len(keys), 500):
            statement = (
                select(Subject.name_key, col(Subject.birth_date), Case)
                .join(Case, col(Case.id) == col(Subject.case_id))
                .where(
                    index_in(col(Subject.name_key), keys[start : start + 500], dialect),
                    col(Case.status).in_(OPEN_STATUSES),
                )
                .order_by(col(Case.code))
            )
            for stored, born, case in self.session.exec(statement).all():
                found.setdefault(asked.get(stored, stored), []).append((born, case))
        return found


def _asked(keys: Sequence[str], dialect: Dialect) -> dict[str, str]:
    """The column holds each key's blind index (HMAC, under any key of the ring until a rotation is done):
    map what comes back to the key that was asked."""
    keyring = keyring_of(dialect)
    return {hashed: key for key in keys for hashed in keyring.indexes(key)}
