"""Dates that drive reminders (issue 5): detentions of a case subject (the expected release date drives
the release alerts) and huisverboden (day 8, 10 or 28, and the follow-ups)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.models import utc_column
from storage.repositories import Repository


class DetentionKind(StrEnum):
    VOORLOPIGE_HECHTENIS = "voorlopige_hechtenis"
    GEVANGENISSTRAF = "gevangenisstraf"
    TBS = "tbs"
    JEUGDDETENTIE = "jeugddetentie"
    OVERIG = "overig"


class Detention(SQLModel, table=True):
    __tablename__ = "detention"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    facility: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 120, checked on input
    kind: str = Field(max_length=30)
    started_on: date
    release_on: date
    released: bool = False
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class DetentionRepository(Repository):
    def add(self, detention: Detention) -> Detention:
        self.session.add(detention)
        self.session.flush()
        return detention

    def current(self, case_id: int) -> Detention | None:
        """The case's latest detention that has not ended in a release."""
        statement = (
            select(Detention)
            .where(Detention.case_id == case_id, col(Detention.released).is_(False))
            .order_by(col(Detention.id).desc())
        )
        return self.session.exec(statement).first()

    def latest(self, case_id: int) -> Detention | None:
        """The case's latest detention, released or not (nazorg goes on after the release)."""
        statement = select(Detention).where(Detention.case_id == case_id).order_by(col(Detention.id).desc())
        return self.session.exec(statement).first()

    def settle_released(self, case_id: int, today: date) -> int:
        """Mark as released the case's detentions whose release date has passed (the person is out); returns
        how many changed. ``released`` is also set at once by an unexpected release on the day itself."""
        statement = select(Detention).where(
            Detention.case_id == case_id, col(Detention.released).is_(False), Detention.release_on < today
        )
        passed = list(self.session.exec(statement).all())
        for detention in passed:
            detention.released = True
            self.session.add(detention)
        if passed:
            self.session.flush()
        return len(passed)

    def of_case(self, case_id: int) -> Sequence[Detention]:
        statement = select(Detention).where(Detention.case_id == case_id).order_by(col(Detention.id))
        return self.session.exec(statement).all()


class Huisverbod(SQLModel, table=True):
    """A temporary restraining order (tijdelijk huisverbod): 10 days from the day imposed (day 1),
    extendable to 28; ``extended`` is None until the extension decision is recorded."""

    __tablename__ = "huisverbod"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    started_on: date
    extended: bool | None = None
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()
    decided_at: datetime | None = utc_column(nullable=True)


class HuisverbodRepository(Repository):
    def add(self, huisverbod: Huisverbod) -> Huisverbod:
        self.session.add(huisverbod)
        self.session.flush()
        return huisverbod

    def latest(self, case_id: int) -> Huisverbod | None:
        statement = (
            select(Huisverbod).where(Huisverbod.case_id == case_id).order_by(col(Huisverbod.id).desc())
        )
        return self.session.exec(statement).first()

    def of_case(self, case_id: int) -> Sequence[Huisverbod]:
        statement = select(Huisverbod).where(Huisverbod.case_id == case_id).order_by(col(Huisverbod.id))
        return self.session.exec(statement).all()
