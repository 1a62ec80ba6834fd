"""Nazorg around a release (issue 5): the checklist of basisvoorwaarden per detention, the case's pre-planned
scenario for an unexpected release, and the unexpected releases themselves (who picked one up)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint, update
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.models import utc_column
from storage.repositories import Repository


class NazorgItemKind(StrEnum):
    """The basisvoorwaarden (plus dagbesteding, seed 001), in the order they are shown."""

    ID_BEWIJS = "id_bewijs"
    ONDERDAK = "onderdak"
    INKOMEN = "inkomen"
    SCHULDEN = "schulden"
    ZORG = "zorg"
    DAGBESTEDING = "dagbesteding"


class NazorgStatus(StrEnum):
    OPEN = "open"
    GEREGELD = "geregeld"
    NVT = "nvt"


class NazorgItem(SQLModel, table=True):
    __tablename__ = "nazorg_item"
    __table_args__ = (UniqueConstraint("detention_id", "item", name="uq_nazorg_item"),)

    id: int | None = Field(default=None, primary_key=True)
    detention_id: int = Field(foreign_key="detention.id")
    item: str = Field(max_length=20)
    status: str = Field(default=NazorgStatus.OPEN, max_length=10)
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    updated_by: int | None = Field(default=None, foreign_key="member.id")
    updated_at: datetime = utc_column()


class CaseScenario(SQLModel, table=True):
    """What the network does in the first hours after an unexpected release of this case's subject."""

    __tablename__ = "case_scenario"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True)
    text: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 2000, checked on input
    updated_by: int = Field(foreign_key="member.id")
    updated_at: datetime = utc_column()


class UnexpectedRelease(SQLModel, table=True):
    """``/detentie CODE vrij``: recorded, alerted, and picked up by the first to press "ik pak dit op"."""

    __tablename__ = "unexpected_release"

    id: int | None = Field(default=None, primary_key=True)
    detention_id: int = Field(foreign_key="detention.id", index=True)
    release_on: date
    recorded_by: int = Field(foreign_key="member.id")
    recorded_at: datetime = utc_column()
    picked_up_by: int | None = Field(default=None, foreign_key="member.id")
    picked_up_at: datetime | None = utc_column(nullable=True)


class NazorgRepository(Repository):
    def create_checklist(self, detention_id: int, now: datetime) -> list[NazorgItem]:
        """Every item open, no owner (called when the detention is registered)."""
        items = [NazorgItem(detention_id=detention_id, item=kind, updated_at=now) for kind in NazorgItemKind]
        self.session.add_all(items)
        self.session.flush()
        return items

    def checklist(self, detention_id: int) -> list[NazorgItem]:
        """The items in display order."""
        statement = select(NazorgItem).where(NazorgItem.detention_id == detention_id)
        order = list(NazorgItemKind)
        rows = list(self.session.exec(statement).all())
        return sorted(rows, key=lambda row: order.index(NazorgItemKind(row.item)))

    def item(self, detention_id: int, kind: str) -> NazorgItem | None:
        statement = select(NazorgItem).where(NazorgItem.detention_id == detention_id, NazorgItem.item == kind)
        return self.session.exec(statement).first()

    def save(self, item: NazorgItem) -> None:
        self.session.add(item)
        self.session.flush()

    # -- scenario ---------------------------------------------------------------------------------------

    def scenario(self, case_id: int) -> CaseScenario | None:
        return self.session.exec(select(CaseScenario).where(CaseScenario.case_id == case_id)).first()

    def set_scenario(self, case_id: int, text: str, member_id: int, now: datetime) -> CaseScenario:
        scenario = self.scenario(case_id) or CaseScenario(
            case_id=case_id, text=text, updated_by=member_id, updated_at=now
        )
        scenario.text, scenario.updated_by, scenario.updated_at = text, member_id, now
        self.session.add(scenario)
        self.session.flush()
        return scenario

    # -- unexpected releases ----------------------------------------------------------------------------

    def add_release(self, release: UnexpectedRelease) -> UnexpectedRelease:
        self.session.add(release)
        self.session.flush()
        return release

    def release(self, release_id: int) -> UnexpectedRelease | None:
        """Read afresh (``pick_up`` updates the row behind the session's back)."""
        return self.session.get(UnexpectedRelease, release_id, populate_existing=True)

    def releases_of(self, detention_id: int) -> Sequence[UnexpectedRelease]:
        statement = (
            select(UnexpectedRelease)
            .where(UnexpectedRelease.detention_id == detention_id)
            .order_by(col(UnexpectedRelease.id))
        )
        return self.session.exec(statement).all()

    def pick_up(self, release_id: int, member_id: int, now: datetime) -> bool:
        """Claim it for ``member_id`` unless someone already did: one conditional UPDATE, so of two
        presses at the same moment exactly one wins (on SQLite and Postgres alike)."""
        statement = (
            update(UnexpectedRelease)
            .where(col(UnexpectedRelease.id) == release_id, col(UnexpectedRelease.picked_up_by).is_(None))
            .values(picked_up_by=member_id, picked_up_at=now)
        )
        return int(self.session.execute(statement).rowcount) == 1  # type: ignore[attr-defined]
