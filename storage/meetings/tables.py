"""Tables of the overleg: meetings (one row per single meeting or whole series), per-occurrence changes,
invitees with their RSVP, agenda items, and attendance.

A series is one ``Meeting`` row with a recurrence rule; its occurrences are derived from the rule (in local
time, so a weekly 10:00 stays 10:00 across a DST change). A moved or cancelled occurrence is a
``MeetingChange`` row keyed by the occurrence's original start (the iCalendar RECURRENCE-ID).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.models import utc_column


class MeetingKind(StrEnum):
    MDO = "mdo"  # MDO / casusoverleg
    TRIAGE = "triage"
    HG = "hg"
    TRAJECTBERAAD = "trajectberaad"
    STUURGROEP = "stuurgroep"
    ANDERS = "anders"


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Rsvp(StrEnum):
    OPEN = "open"
    JA = "ja"
    NEE = "nee"
    VERVANGER = "vervanger"


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_status_start", "status", "start_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=80, unique=True)  # the stable iCalendar UID
    kind: str = Field(max_length=20)
    start_at: datetime = utc_column()  # the first occurrence
    duration_minutes: int
    place: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 300, checked on input
    chair_id: int = Field(foreign_key="member.id", index=True)
    recurrence: str = Field(default=Recurrence.NONE, max_length=10)
    until: date | None = None  # last local date of a series (inclusive)
    sequence: int = 0  # iCalendar SEQUENCE: raised on every change
    status: str = Field(default=MeetingStatus.PLANNED, max_length=10)
    cancel_reason: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class MeetingChange(SQLModel, table=True):
    """One occurrence of a series moved (``new_start_at``) or cancelled."""

    __tablename__ = "meeting_change"
    __table_args__ = (UniqueConstraint("meeting_id", "original_start_at", name="uq_meeting_change"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    original_start_at: datetime = utc_column()
    new_start_at: datetime | None = utc_column(nullable=True)
    cancelled: bool = False
    reason: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))  # max 300
    changed_at: datetime = utc_column()


class Invitee(SQLModel, table=True):
    """A member invited to a meeting (for a series: to every occurrence) and their answer."""

    __tablename__ = "meeting_invitee"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_meeting_invitee"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    rsvp: str = Field(default=Rsvp.OPEN, max_length=10)
    substitute_id: int | None = Field(default=None, foreign_key="member.id")
    revision: int = 0  # raised on every answer: reminder keys carry it, so a rebuilt row gets a new key
    answered_at: datetime | None = utc_column(nullable=True)


class AgendaItem(SQLModel, table=True):
    """A case on a meeting's agenda (shown by code). Signals of a triage-overleg are derived, not stored."""

    __tablename__ = "meeting_agenda"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="uq_meeting_agenda_case"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)


class Attendance(SQLModel, table=True):
    """Who was at one occurrence (the stuurgroep report counts these)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_start_at", "member_id", name="uq_meeting_attendance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    occurrence_start_at: datetime = utc_column()
    member_id: int = Field(foreign_key="member.id")
    present: bool
    recorded_by: int = Field(foreign_key="member.id")
    recorded_at: datetime = utc_column()


class OccurrenceAnswer(SQLModel, table=True):
    """An invitee's answer for one occurrence of a series, keyed by its original start (RECURRENCE-ID). The
    invitee's series answer (``Invitee.rsvp``) holds for every occurrence without a row here."""

    __tablename__ = "meeting_occurrence_rsvp"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", "original_start_at", name="uq_meeting_occurrence_rsvp"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    original_start_at: datetime = utc_column()
    rsvp: str = Field(max_length=10)
    substitute_id: int | None = Field(default=None, foreign_key="member.id")
    answered_at: datetime = utc_column()
