"""Tables of the network workflows: informatieverzoeken (requests for information)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.crypto import BlindIndex, EncryptedText
from storage.models import utc_column


class MutatieChoice(StrEnum):
    """What procesregie does with a mutatie (stored in ``signal.outcome``)."""

    NOTE = "note"
    PARTNER = "partner"
    TRIAGE = "triage"


class InfoStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class InfoAnswer(StrEnum):
    KNOWN = "known"
    UNKNOWN = "unknown"


class InfoRequest(SQLModel, table=True):
    """A partner asks whether a person (or case code) is known; procesmanagers answer before ``deadline``.

    ``organisation_id`` is the asker's organisation at the time: the report counts requests per partner.
    """

    __tablename__ = "info_request"
    __table_args__ = (
        Index("ix_info_request_status_deadline", "status", "deadline"),
        Index("ix_info_request_org_created", "organisation_id", "created_at"),
        Index("ix_info_request_query_key", "query_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    asker_id: int = Field(foreign_key="member.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    query: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # name or case code as typed
    # HMAC of the query's name key (storage.names.name_key; a case code's is its code): "asked before?"
    query_key: str = Field(default="", sa_column=Column(BlindIndex(), nullable=False, server_default=""))
    deadline: datetime = utc_column()
    status: str = Field(default=InfoStatus.OPEN, max_length=10)
    answer: str | None = Field(default=None, max_length=10)
    answered_by: int | None = Field(default=None, foreign_key="member.id")
    answered_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
