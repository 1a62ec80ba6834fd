"""Absences (``/afwezig``): while a member is away their reminders go to a deputy."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel, col, select

from storage.models import utc_column
from storage.repositories import Repository


class Absence(SQLModel, table=True):
    __tablename__ = "absence"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    deputy_id: int = Field(foreign_key="member.id")
    from_on: date
    to_on: date
    created_at: datetime = utc_column()
    ended_at: datetime | None = utc_column(nullable=True)


class AbsenceRepository(Repository):
    def add(self, absence: Absence) -> Absence:
        self.session.add(absence)
        self.session.flush()
        return absence

    def current_and_future(self, member_id: int, today: date) -> list[Absence]:
        statement = (
            select(Absence)
            .where(
                Absence.member_id == member_id, col(Absence.to_on) >= today, col(Absence.ended_at).is_(None)
            )
            .order_by(col(Absence.from_on))
        )
        return list(self.session.exec(statement).all())
