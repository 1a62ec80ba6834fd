"""Regie (who holds casusregie and procesregie, with history), handover proposals, and actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.cases.tables import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseStatus,
    HandoverStatus,
    RegieAssignment,
    RegieHandover,
)
from storage.models import Identity, Member, Organisation
from storage.outbox.reachability import reachable
from storage.repositories import Repository


@dataclass(frozen=True)
class Holder:
    """Who holds one kind of regie on a case now, with the names to show (None: the row is gone)."""

    kind: str
    member_id: int
    member_name: str | None
    organisation_name: str | None
    address: tuple[str, str] | None = None  # (platform, external id) of the identity that reaches them


_RA: Table = RegieAssignment.__table__  # type: ignore[attr-defined]
_M: Table = Member.__table__  # type: ignore[attr-defined]
_O: Table = Organisation.__table__  # type: ignore[attr-defined]

_I: Table = Identity.__table__  # type: ignore[attr-defined]

CURRENT_HOLDERS = (  # built once: every /regie and /casus answer runs it; a row per holder and identity
    sa_select(
        _RA.c.kind,
        _RA.c.member_id,
        _M.c.name,
        _O.c.name,
        _I.c.platform,
        _I.c.external_id,
        _I.c.last_used_at,
        _I.c.unreachable_at,
    )
    .select_from(
        _RA.outerjoin(_M, _M.c.id == _RA.c.member_id)
        .outerjoin(_O, _O.c.id == _RA.c.organisation_id)
        .outerjoin(_I, _I.c.member_id == _RA.c.member_id)
    )
    .where(_RA.c.case_id == bindparam("case_id"), _RA.c.to_at.is_(None))
    # as IdentityRepository.preferred orders them (never used last, on Postgres too)
    .order_by(_RA.c.id, _I.c.last_used_at.desc().nulls_last(), _I.c.id.desc())
)


class RegieRepository(Repository):
    def current(self, case_id: int) -> dict[str, RegieAssignment]:
        """kind -> the assignment in force now."""
        statement = select(RegieAssignment).where(
            RegieAssignment.case_id == case_id, col(RegieAssignment.to_at).is_(None)
        )
        return {row.kind: row for row in self.session.exec(statement).all()}

    def holders(self, case_id: int) -> dict[str, Holder]:
        """kind -> who holds it now, with their name, their organisation's name and the identity that
        reaches them (``IdentityRepository.preferred``), in one query."""
        found: dict[str, Holder] = {}
        for kind, member_id, name, organisation, platform, external_id, used, blocked in self.run(
            CURRENT_HOLDERS, {"case_id": case_id}
        ):
            holder = found.get(kind)
            address = (platform, external_id) if platform is not None and reachable(used, blocked) else None
            if holder is None or (holder.address is None and address is not None):  # the first reachable
                found[kind] = Holder(kind, member_id, name, organisation, address)
        return found

    def history(self, case_id: int) -> Sequence[RegieAssignment]:
        statement = (
            select(RegieAssignment)
            .where(RegieAssignment.case_id == case_id)
            .order_by(col(RegieAssignment.from_at), col(RegieAssignment.id))
        )
        return self.session.exec(statement).all()

    def assign(
        self, case_id: int, kind: str, member_id: int, organisation_id: int, at: datetime
    ) -> RegieAssignment:
        """End the current holder's term (if any) and start the new one's."""
        self.session.execute(
            update(RegieAssignment)
            .where(
                col(RegieAssignment.case_id) == case_id,
                col(RegieAssignment.kind) == kind,
                col(RegieAssignment.to_at).is_(None),
            )
            .values(to_at=at)
        )
        row = RegieAssignment(
            case_id=case_id, kind=kind, member_id=member_id, organisation_id=organisation_id, from_at=at
        )
        self.session.add(row)
        self.session.flush()
        return row

    def held_by(self, member_id: int, *, limit: int = 20, offset: int = 0) -> Sequence[tuple[Case, str]]:
        """Open cases where the member holds regie now, with the kind (``offset``: a later page)."""
        statement = self._held_by(member_id).order_by(col(Case.code)).offset(offset).limit(limit)
        return [(case, kind) for case, kind in self.session.exec(statement).all()]

    def count_held_by(self, member_id: int) -> int:
        """How many ``held_by`` lists in all."""
        return self.count_rows(self._held_by(member_id))

    @staticmethod
    def _held_by(member_id: int) -> Any:
        return (
            select(Case, RegieAssignment.kind)
            .join(RegieAssignment, col(RegieAssignment.case_id) == col(Case.id))
            .where(
                RegieAssignment.member_id == member_id,
                col(RegieAssignment.to_at).is_(None),
                col(Case.status).in_(OPEN_STATUSES),
            )
        )

    # -- handovers ------------------------------------------------------------------------------------

    def propose(self, handover: RegieHandover) -> RegieHandover:
        self.session.add(handover)
        self.session.flush()
        return handover

    def handover(self, handover_id: int) -> RegieHandover | None:
        return self.session.get(RegieHandover, handover_id)

    def pending_handovers(self, case_id: int, kind: str) -> Sequence[RegieHandover]:
        statement = select(RegieHandover).where(
            RegieHandover.case_id == case_id,
            RegieHandover.kind == kind,
            RegieHandover.status == HandoverStatus.PENDING,
        )
        return self.session.exec(statement).all()

    def answer(self, handover: RegieHandover, status: str, at: datetime) -> bool:
        """Accept/decline/cancel only a pending proposal (a double tap answers once)."""
        result = self.session.execute(
            update(RegieHandover)
            .where(col(RegieHandover.id) == handover.id, col(RegieHandover.status) == HandoverStatus.PENDING)
            .values(status=status, answered_at=at)
        )
        self.session.refresh(handover)
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


class ActionRepository(Repository):
    def add(self, action: Action) -> Action:
        self.session.add(action)
        self.session.flush()
        return action

    def get(self, action_id: int) -> Action | None:
        return self.session.get(Action, action_id)

    def of_case(self, case_id: int) -> Sequence[Action]:
        statement = (
            select(Action)
            .where(Action.case_id == case_id)
            .order_by(col(Action.done_at).is_not(None), col(Action.deadline), col(Action.id))
        )
        return self.session.exec(statement).all()

    def open_for(self, owner_id: int, *, limit: int = 20, offset: int = 0) -> Sequence[tuple[Action, Case]]:
        """The owner's open actions on cases not closed, soonest deadline first (``offset``: a later page)."""
        ordered = self._open_for(owner_id).order_by(col(Action.deadline), col(Action.id))
        statement = ordered.offset(offset).limit(limit)
        return [(action, case) for action, case in self.session.exec(statement).all()]

    def count_open_for(self, owner_id: int) -> int:
        """How many ``open_for`` lists in all."""
        return self.count_rows(self._open_for(owner_id))

    @staticmethod
    def _open_for(owner_id: int) -> Any:
        return (
            select(Action, Case)
            .join(Case, col(Case.id) == col(Action.case_id))
            .where(
                Action.owner_id == owner_id,
                col(Action.done_at).is_(None),
                col(Case.status) != CaseStatus.GESLOTEN,  # a closed case has no open work
            )
        )

    def mark_done(self, action: Action, member_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(Action)
            .where(col(Action.id) == action.id, col(Action.done_at).is_(None))
            .values(done_at=at, done_by=member_id)
        )
        self.session.refresh(action)
        return int(result.rowcount) == 1  # type: ignore[attr-defined]

    def overdue_count(self, case_id: int, today: date) -> int:
        return sum(1 for a in self.of_case(case_id) if a.done_at is None and a.deadline < today)
