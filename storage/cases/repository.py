"""Cases: codes, visibility (need-to-know), participants, status and the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, exists, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.cases.deelnemers import known_cases
from storage.cases.tables import (
    OPEN_STATUSES,
    Case,
    CaseCounter,
    CaseEvent,
    CaseParticipant,
    CaseStatus,
    Subject,
)
from storage.crypto import index_in
from storage.db import upsert
from storage.models import Member
from storage.names import name_key, surname_key
from storage.repositories import Repository
from storage.repositories.base import columns
from storage.session import recall, remember

# built once: every command that names a case runs it; Core columns, adopted as the session's Case
VISIBLE_CASE = sa_select(*columns(Case)).where(
    col(Case.code) == bindparam("code"),
    exists().where(
        col(CaseParticipant.case_id) == col(Case.id),
        col(CaseParticipant.removed_at).is_(None),
        or_(
            col(CaseParticipant.member_id) == bindparam("member_id"),
            col(CaseParticipant.organisation_id) == bindparam("organisation_id"),
        ),
    ),
)


class CaseRepository(Repository):
    # -- codes ----------------------------------------------------------------------------------------

    def next_number(self, year: int) -> int:
        """The next case number of ``year``: one atomic upsert on the counter row, so two instances
        opening cases at once never get the same number (the row stays locked until commit)."""
        dialect = self.session.get_bind().dialect.name
        table = CaseCounter.__table__  # type: ignore[attr-defined]
        statement = (
            upsert(dialect, table)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
            .returning(table.c.last)
        )
        return int(self.session.execute(statement).scalar_one())

    def open(
        self,
        *,
        track: str,
        initials: str,
        at: datetime,
        year: int,
        opened_by: int | None,
        signal_id: int | None = None,
        status: str = CaseStatus.AANGEMELD,
    ) -> Case:
        number = self.next_number(year)
        case = Case(
            code=f"VH-{year}-{number:04d}",
            year=year,
            number=number,
            status=status,
            track=track,
            initials=initials[:60],
            signal_id=signal_id,
            opened_by=opened_by,
            opened_at=at,
        )
        self.session.add(case)
        self.session.flush()
        return case

    # -- reading --------------------------------------------------------------------------------------

    def get(self, case_id: int) -> Case | None:
        return self.session.get(Case, case_id)

    def by_code(self, code: str) -> Case | None:
        return self.session.exec(select(Case).where(Case.code == code)).first()

    def _visible_clause(self, member_id: int, organisation_id: int) -> Any:
        return exists().where(
            col(CaseParticipant.case_id) == col(Case.id),
            col(CaseParticipant.removed_at).is_(None),
            or_(
                col(CaseParticipant.member_id) == member_id,
                col(CaseParticipant.organisation_id) == organisation_id,
            ),
        )

    def is_participant(self, case_id: int, member_id: int, organisation_id: int) -> bool:
        return bool(known_cases(self.session, [case_id], member_id, organisation_id))

    def visible_to(self, member_id: int, organisation_id: int, code: str) -> Case | None:
        """The case if the member is a deelnemer (in person or through their organisation); else None,
        whether the code is unknown or the case is not theirs. One query; asked again with nothing run on the
        session in between (the gate, then the handler), the same answer (``storage.session.recall``)."""
        key = ("visible_case", member_id, organisation_id, code)
        known, case = recall(self.session, key)
        if known:
            return case  # type: ignore[no-any-return]
        params = {"code": code, "member_id": member_id, "organisation_id": organisation_id}
        self.flush_pending()
        row = self.run(VISIBLE_CASE, params).first()
        case = self.adopt(Case, row) if row is not None else None
        remember(self.session, key, case)
        return case

    def of_member(self, member_id: int, *, limit: int = 20, offset: int = 0) -> Sequence[Case]:
        """Open cases where the member is a deelnemer in person, newest first (``offset``: a later page)."""
        statement = (
            self._of_member(member_id)
            .order_by(col(Case.opened_at).desc(), col(Case.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return self.session.exec(statement).all()

    def count_of_member(self, member_id: int) -> int:
        """How many ``of_member`` lists in all."""
        return self.count_rows(self._of_member(member_id))

    @staticmethod
    def _of_member(member_id: int) -> SelectOfScalar[Case]:
        return (
            select(Case)
            .join(CaseParticipant, col(CaseParticipant.case_id) == col(Case.id))
            .where(
                CaseParticipant.member_id == member_id,
                col(CaseParticipant.removed_at).is_(None),
                col(Case.status).in_(OPEN_STATUSES),
            )
        )

    def open_known_to(self, member_id: int, organisation_id: int) -> Sequence[Case]:
        """Every open case the member is a deelnemer of (in person or through their organisation), by code."""
        statement = (
            select(Case)
            .where(col(Case.status).in_(OPEN_STATUSES), self._visible_clause(member_id, organisation_id))
            .order_by(col(Case.code))
        )
        return self.session.exec(statement).all()

    def search_visible(
        self, query: str, member_id: int, organisation_id: int, *, limit: int = 20
    ) -> Sequence[Case]:
        """Cases whose subject's name (or surname) matches ``query``, limited to those the member sees."""
        key = name_key(query)
        if not key:
            return []
        dialect = self.session.get_bind().dialect
        statement = (
            select(Case)
            .join(Subject, col(Subject.case_id) == col(Case.id))
            .where(
                or_(
                    index_in(col(Subject.name_key), [key], dialect),
                    index_in(col(Subject.surname_key), [surname_key(query)], dialect),
                )
                if " " not in key
                else index_in(col(Subject.name_key), [key], dialect),
                self._visible_clause(member_id, organisation_id),
            )
            .distinct()
            .order_by(col(Case.code))
            .limit(limit)
        )
        return self.session.exec(statement).all()

    def known_person(self, name: str, birth_date: date | None, *, limit: int = 5) -> Sequence[Case]:
        """Open cases with a subject of the same name key (and birth date, when both have one).

        Birth dates are encrypted: the blind name index narrows in SQL, the dates are compared here."""
        key = name_key(name)
        if not key:
            return []
        statement = (
            select(col(Subject.birth_date), Case)
            .join(Subject, col(Subject.case_id) == col(Case.id))
            .where(
                index_in(col(Subject.name_key), [key], self.session.get_bind().dialect),
                col(Case.status).in_(OPEN_STATUSES),
            )
            .order_by(col(Case.code))
        )
        found: dict[str, Case] = {}
        for born, case in self.session.exec(statement).all():
            if birth_date is None or born is None or born == birth_date:
                found.setdefault(case.code, case)
        return list(found.values())[:limit]

    def subjects(self, case_id: int) -> Sequence[Subject]:
        statement = select(Subject).where(Subject.case_id == case_id).order_by(col(Subject.id))
        return self.session.exec(statement).all()

    # -- status ---------------------------------------------------------------------------------------

    def set_status(self, case: Case, status: str, at: datetime) -> bool:
        """Move the case on only if nobody changed its status meanwhile (conditional update)."""
        values: dict[str, Any] = {"status": status}
        if status == CaseStatus.GESLOTEN:
            values["closed_at"] = at
        elif case.status == CaseStatus.GESLOTEN:  # reopened: the retention clock no longer runs
            values["closed_at"] = None
        result = self.session.execute(
            update(Case).where(col(Case.id) == case.id, col(Case.status) == case.status).values(**values)
        )
        changed = int(result.rowcount) == 1  # type: ignore[attr-defined]
        if changed:
            self.session.refresh(case)
        return changed

    # -- participants ---------------------------------------------------------------------------------

    def participants(self, case_id: int) -> Sequence[CaseParticipant]:
        statement = (
            select(CaseParticipant)
            .where(CaseParticipant.case_id == case_id, col(CaseParticipant.removed_at).is_(None))
            .order_by(col(CaseParticipant.id))
        )
        return self.session.exec(statement).all()

    def find_participant(
        self, case_id: int, *, member_id: int | None = None, organisation_id: int | None = None
    ) -> CaseParticipant | None:
        statement = select(CaseParticipant).where(
            CaseParticipant.case_id == case_id,
            col(CaseParticipant.removed_at).is_(None),
            CaseParticipant.member_id == member_id,
            CaseParticipant.organisation_id == organisation_id,
        )
        return self.session.exec(statement).first()

    def add_participant(
        self,
        case_id: int,
        at: datetime,
        *,
        member_id: int | None = None,
        organisation_id: int | None = None,
        added_by: int | None = None,
    ) -> CaseParticipant | None:
        """Invite a member or an organisation; None when already a deelnemer."""
        if self.find_participant(case_id, member_id=member_id, organisation_id=organisation_id):
            return None
        participant = CaseParticipant(
            case_id=case_id,
            member_id=member_id,
            organisation_id=organisation_id,
            added_by=added_by,
            added_at=at,
        )
        self.session.add(participant)
        self.session.flush()
        return participant

    def remove_participant(self, participant: CaseParticipant, at: datetime) -> None:
        participant.removed_at = at
        self.session.add(participant)
        self.session.flush()

    def member_participants(self, case_id: int) -> Sequence[Member]:
        """Active members who are deelnemers in person (they are told when regie changes)."""
        statement = (
            select(Member)
            .join(CaseParticipant, col(CaseParticipant.member_id) == col(Member.id))
            .where(
                CaseParticipant.case_id == case_id,
                col(CaseParticipant.removed_at).is_(None),
                col(Member.active).is_(True),
            )
            .order_by(col(Member.id))
        )
        return self.session.exec(statement).all()

    # -- timeline -------------------------------------------------------------------------------------

    def add_event(
        self, case_id: int, event_kind: str, at: datetime, member_id: int | None, /, **params: Any
    ) -> None:
        self.session.add(
            CaseEvent(case_id=case_id, kind=event_kind, at=at, member_id=member_id, params=params)
        )
        self.session.flush()

    def count_events(self, case_id: int) -> int:
        """How many timeline lines the case has in all (``events`` shows the latest)."""
        return self.count_rows(select(CaseEvent).where(CaseEvent.case_id == case_id))

    def events(self, case_id: int, *, limit: int = 15) -> Sequence[CaseEvent]:
        statement = (
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id)
            .order_by(col(CaseEvent.at).desc(), col(CaseEvent.id).desc())
            .limit(limit)
        )
        return list(reversed(self.session.exec(statement).all()))
