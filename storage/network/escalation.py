"""Tables of opschaling naar bestuur (a partner that does not deliver, escalated to its management or the
stuurgroep) and code rood (a same-day HG-overleg planned from an acute huiselijk-geweld signal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Index, update
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.meetings.tables import Meeting
from storage.models import utc_column
from storage.repositories import Repository


class Escalation(SQLModel, table=True):
    """``/opschalen CODE bestuur <partner> <reden>``: open until a recipient acknowledges it.

    ``to_stuurgroep`` is set when the partner had no member with the role ``management``; the message then
    went to the stuurgroep (the management members of the Veiligheidshuis itself).
    """

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_org_created", "organisation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # the partner that does not deliver
    raised_by: int = Field(foreign_key="member.id")
    reason: str = Field(sa_column=Column(EncryptedText(), nullable=False))
    to_stuurgroep: bool = False
    created_at: datetime = utc_column()
    acknowledged_by: int | None = Field(default=None, foreign_key="member.id")
    acknowledged_at: datetime | None = utc_column(nullable=True)


class CodeRood(SQLModel, table=True):
    """The same-day HG-overleg planned for one acute huiselijk-geweld signal (one per signal)."""

    __tablename__ = "code_rood"

    id: int | None = Field(default=None, primary_key=True)
    signal_id: int = Field(foreign_key="signal.id", unique=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    planned_by: int = Field(foreign_key="member.id")
    planned_at: datetime = utc_column()


class EscalationRepository(Repository):
    def add(self, escalation: Escalation) -> Escalation:
        self.session.add(escalation)
        self.session.flush()
        return escalation

    def get(self, escalation_id: int) -> Escalation | None:
        return self.session.get(Escalation, escalation_id)

    def acknowledge(self, escalation_id: int, member_id: int, at: datetime) -> bool:
        """True for the first acknowledgement only (one conditional UPDATE: a double tap counts once)."""
        result = self.session.execute(
            update(Escalation)
            .where(col(Escalation.id) == escalation_id, col(Escalation.acknowledged_at).is_(None))
            .values(acknowledged_by=member_id, acknowledged_at=at)
        )
        self.session.expire_all()
        return bool(getattr(result, "rowcount", 0))

    def for_case(self, case_id: int) -> Sequence[Escalation]:
        statement = select(Escalation).where(Escalation.case_id == case_id).order_by(col(Escalation.id))
        return self.session.exec(statement).all()


class CodeRoodRepository(Repository):
    def for_signal(self, signal_id: int) -> CodeRood | None:
        return self.session.exec(select(CodeRood).where(CodeRood.signal_id == signal_id)).first()

    def add(self, row: CodeRood) -> CodeRood:
        self.session.add(row)
        self.session.flush()
        return row

    def link_meeting(self, row: CodeRood, chair_id: int) -> None:
        """Point the row at the meeting just planned in this transaction (the chair's newest)."""
        statement = select(Meeting.id).where(Meeting.chair_id == chair_id).order_by(col(Meeting.id).desc())
        row.meeting_id = self.session.exec(statement).first()
        self.session.add(row)
        self.session.flush()
