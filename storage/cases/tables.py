"""Tables of signals, triage, cases, regie and the plan van aanpak.

A ``Signal`` (aanmelding) names one or more ``Subject`` rows (a household has several). Triage decides the
signal; outcomes that take it in open a ``Case`` (or link it to a known one) whose subjects are the signal's.
Need-to-know: only ``CaseParticipant`` rows (a member, or a whole organisation) make a case visible.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import BlindIndex, EncryptedDate, EncryptedJSON, EncryptedText
from storage.models import utc_column


class Urgency(StrEnum):
    NORMAAL = "normaal"
    HOOG = "hoog"
    ACUUT = "acuut"


URGENCY_RANK = {Urgency.ACUUT: 0, Urgency.HOOG: 1, Urgency.NORMAAL: 2}


class SignalCategory(StrEnum):
    OVERLAST = "overlast"
    HUISELIJK_GEWELD = "huiselijk_geweld"
    PSYCHISCH = "psychisch"
    VERSLAVING = "verslaving"
    SCHULDEN = "schulden"
    HUISVESTING = "huisvesting"
    JEUGD = "jeugd"
    CRIMINALITEIT = "criminaliteit"
    RADICALISERING = "radicalisering"
    ZORGMIJDING = "zorgmijding"
    ANDERS = "anders"


class SignalStatus(StrEnum):
    NEW = "new"
    DECIDED = "decided"
    MUTATIE = "mutatie"  # about a subject of an open case: routed to its regie, not queued


class TriageOutcome(StrEnum):
    TOPX = "topx"  # top-X / casusoverleg
    HG = "hg"
    JEUGD = "jeugd"
    NAZORG = "nazorg"
    RADICALISERING = "radicalisering"
    VOORLIGGEND = "voorliggend"
    INFORMATIE = "informatie"
    INFORMATIE_PLUS = "informatie_plus"
    AFGEWEZEN = "afgewezen"

    @property
    def opens_case(self) -> bool:
        return self in CASE_OUTCOMES


CASE_OUTCOMES = frozenset(
    {
        TriageOutcome.TOPX,
        TriageOutcome.HG,
        TriageOutcome.JEUGD,
        TriageOutcome.NAZORG,
        TriageOutcome.RADICALISERING,
    }
)


class CaseStatus(StrEnum):
    AANGEMELD = "aangemeld"
    IN_TRIAGE = "in_triage"
    ACTIEF = "actief"
    AFGESCHAALD = "afgeschaald"
    GESLOTEN = "gesloten"


OPEN_STATUSES = (CaseStatus.AANGEMELD, CaseStatus.IN_TRIAGE, CaseStatus.ACTIEF, CaseStatus.AFGESCHAALD)


class RegieKind(StrEnum):
    CASUSREGIE = "casusregie"
    PROCESREGIE = "procesregie"


class HandoverStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class CaseEventKind(StrEnum):
    OPENED = "opened"
    LINKED = "linked"  # a new signal about a subject of this case
    STATUS = "status"
    PARTICIPANT_ADDED = "participant_added"
    PARTICIPANT_REMOVED = "participant_removed"
    REGIE = "regie"
    HANDOVER_PROPOSED = "handover_proposed"
    HANDOVER_DECLINED = "handover_declined"
    ACTION_ADDED = "action_added"
    ACTION_DONE = "action_done"
    MUTATIE = "mutatie"  # a new signal about a subject, routed to regie (not to triage)
    MUTATIE_HANDLED = "mutatie_handled"  # procesregie chose: note, partner or triage
    MUTATIE_FEEDBACK = "mutatie_feedback"  # the partner it was handed to reported back
    DETENTION = "detention"  # a detention registered (its expected release date)
    RELEASE_DATE = "release_date"  # the expected release date changed
    UNEXPECTED_RELEASE = "unexpected_release"  # /detentie CODE vrij
    RELEASE_PICKED_UP = "release_picked_up"  # someone took the unexpected release on
    HUISVERBOD_DECIDED = "huisverbod_decided"  # the extension decision (params: decision)
    HUISVERBOD_CORRECTED = "huisverbod_corrected"  # the decision corrected (params: decision, was)


# Timeline parameters whose value is a choice the timeline turns into words (``<prefix>.<value>``, in
# handlers/cases/casus.event_line): never personal, and never to be replaced by a placeholder, which would
# show as a raw message key (storage/privacy/copies.py keeps them through an erase).
EVENT_KEY_PARAMS: dict[str, str] = {
    "track": "triage.outcome",
    "old": "case.status",
    "new": "case.status",
    "kind": "regie.kind",
    "choice": "mutatie.choice",
    "role": "plan.role",
    "case_kind": "plan.kind",
    "decision": "huisverbod.decision",
    "was": "huisverbod.decision",
}


class Signal(SQLModel, table=True):
    """An aanmelding: a partner's worry about a person or a household."""

    __tablename__ = "signal"
    __table_args__ = (Index("ix_signal_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="member.id", index=True)
    gemeente: str = Field(max_length=80)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    urgency: str = Field(max_length=10)
    description: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 2000, checked on input
    subject_informed: bool = False
    status: str = Field(default=SignalStatus.NEW, max_length=10)
    matched_case_id: int | None = Field(default=None, foreign_key="case.id")
    outcome: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))  # max 500
    decided_by: int | None = Field(default=None, foreign_key="member.id")
    decided_at: datetime | None = utc_column(nullable=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    created_at: datetime = utc_column()
    anonymised_at: datetime | None = utc_column(nullable=True)  # personal data removed (retention, erasure)
    # an imported signal: the kind of partner whose file it came from (``reporter_id`` is who imported it)
    import_source: str | None = Field(default=None, max_length=30)


class Subject(SQLModel, table=True):
    """A betrokkene, first on a signal and then (when triage takes it in) on a case."""

    __tablename__ = "subject"
    __table_args__ = (
        Index("ix_subject_key_birth", "name_key", "birth_date"),
        Index("ix_subject_surname_key", "surname_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    signal_id: int | None = Field(default=None, foreign_key="signal.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    name: str = Field(sa_column=Column(EncryptedText(), nullable=False))
    name_key: str = Field(sa_column=Column(BlindIndex(), nullable=False))  # HMAC of the normalised name
    surname_key: str = Field(sa_column=Column(BlindIndex(), nullable=False))
    initials: str = Field(max_length=30)
    # encrypted ISO date, read as ``date | None``; not comparable in SQL: narrow by name_key, compare in code
    birth_date: date | None = Field(default=None, sa_column=Column(EncryptedDate(), nullable=True))
    role: str | None = Field(default=None, max_length=20)  # huiselijk geweld: storage.cases.plan.SubjectRole


class Case(SQLModel, table=True):
    __tablename__ = "case"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_case_year_number"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    year: int
    number: int
    status: str = Field(default=CaseStatus.AANGEMELD, max_length=12, index=True)
    track: str = Field(max_length=20)  # the triage outcome that opened it
    initials: str = Field(max_length=60)  # of the subjects, for group chats
    signal_id: int | None = None  # the signal that opened it (no FK: signal.case_id points back)
    opened_by: int | None = Field(default=None, foreign_key="member.id")
    opened_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    anonymised_at: datetime | None = utc_column(nullable=True)  # figures kept, personal data removed
    kind: str | None = Field(default=None, max_length=12)  # plan.CaseKind; None: from the subjects
    # the plan's drang/dwang fallback: what happens when agreements are not kept (personal free text)
    fallback: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))


class CaseCounter(SQLModel, table=True):
    """The last case number handed out per year (updated atomically inside the opening transaction)."""

    __tablename__ = "case_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class CaseParticipant(SQLModel, table=True):
    """A deelnemer: one member, or a whole organisation (all its members), invited to one case."""

    __tablename__ = "case_participant"
    __table_args__ = (
        Index("ix_participant_member", "member_id", "removed_at"),
        Index("ix_participant_organisation", "organisation_id", "removed_at"),
        Index("ix_participant_case", "case_id", "removed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    added_by: int | None = Field(default=None, foreign_key="member.id")
    added_at: datetime = utc_column()
    removed_at: datetime | None = utc_column(nullable=True)


class RegieAssignment(SQLModel, table=True):
    """Who held casusregie or procesregie on a case, from when to when (to_at null: holds it now)."""

    __tablename__ = "regie_assignment"
    __table_args__ = (
        Index("ix_regie_case_kind", "case_id", "kind", "to_at"),
        Index("ix_regie_member", "member_id", "to_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    kind: str = Field(max_length=12)
    organisation_id: int = Field(foreign_key="organisation.id")
    member_id: int = Field(foreign_key="member.id")
    from_at: datetime = utc_column()
    to_at: datetime | None = utc_column(nullable=True)


class RegieHandover(SQLModel, table=True):
    """A proposal to hand regie to another member; they accept or decline with a button."""

    __tablename__ = "regie_handover"
    __table_args__ = (Index("ix_handover_case_status", "case_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    kind: str = Field(max_length=12)
    to_member_id: int = Field(foreign_key="member.id", index=True)
    proposed_by: int = Field(foreign_key="member.id")
    proposed_at: datetime = utc_column()
    status: str = Field(default=HandoverStatus.PENDING, max_length=10)
    answered_at: datetime | None = utc_column(nullable=True)


class Action(SQLModel, table=True):
    """One line of the plan van aanpak: what, who, by when."""

    __tablename__ = "case_action"
    __table_args__ = (
        Index("ix_action_owner_done", "owner_id", "done_at"),
        Index("ix_action_case", "case_id", "done_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    text: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 500, checked on input
    owner_id: int = Field(foreign_key="member.id")
    deadline: date
    created_by: int = Field(foreign_key="member.id")
    created_at: datetime = utc_column()
    done_at: datetime | None = utc_column(nullable=True)
    done_by: int | None = Field(default=None, foreign_key="member.id")
    track: str | None = Field(default=None, max_length=20)  # plan.PlanTrack (not the case's track)
    subject_id: int | None = Field(default=None, foreign_key="subject.id")  # the betrokkene it is for


class CaseEvent(SQLModel, table=True):
    """The timeline of a case: what happened, who did it; ``params`` fill the event's i18n text."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_at", "case_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    at: datetime = utc_column()
    member_id: int | None = Field(default=None, foreign_key="member.id")
    kind: str = Field(max_length=30)
    # encrypted: a status change quotes its (free-text) reason
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(EncryptedJSON(), nullable=False))
