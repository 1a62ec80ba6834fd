"""Tables of the foundation: organisations, members and their chat identities, invites, audit, forms, outbox.

States, roles and outcomes are ``StrEnum`` values stored as text. All timestamps are aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedJSON, EncryptedText
from storage.types import UTCDateTime


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Role(StrEnum):
    PARTNER = "partner"
    PROCESMANAGER = "procesmanager"
    VOORZITTER = "voorzitter"
    BEHEERDER = "beheerder"
    MANAGEMENT = "management"  # a partner's management contact (opschaling naar bestuur)


class OrganisationKind(StrEnum):
    POLITIE = "politie"
    OM = "om"
    RECLASSERING = "reclassering"
    GEMEENTE = "gemeente"
    GGZ = "ggz"
    VEILIG_THUIS = "veilig_thuis"
    WONINGCORPORATIE = "woningcorporatie"
    JEUGDBESCHERMING = "jeugdbescherming"
    RVDK = "rvdk"
    DJI = "dji"
    VHH = "vhh"
    ANDERS = "anders"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=40)


class Member(SQLModel, table=True):
    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    language: str | None = Field(default=None, max_length=5)
    active: bool = True
    created_at: datetime = utc_column()
    revoked_at: datetime | None = utc_column(nullable=True)


class MemberRole(SQLModel, table=True):
    __tablename__ = "member_role"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    role: str = Field(max_length=30, primary_key=True)


class Identity(SQLModel, table=True):
    """One chat identity of a member: (platform, platform user id)."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_identity_platform_external"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=120)
    display_name: str | None = Field(default=None, max_length=120)
    direct_chat_id: str | None = Field(default=None, max_length=120)
    last_used_at: datetime | None = utc_column(nullable=True)
    unreachable_at: datetime | None = utc_column(nullable=True)  # the user blocked the bot here


class Invite(SQLModel, table=True):
    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    role: str = Field(max_length=30)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
    used_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    revoked_at: datetime | None = utc_column(nullable=True)
    note: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))  # max 200


class InviteAttempt(SQLModel, table=True):
    """A failed invite-code attempt, for the 5-per-hour limit per chat identity."""

    __tablename__ = "invite_attempt"
    __table_args__ = (Index("ix_invite_attempt_who_at", "platform", "external_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=120)
    at: datetime = utc_column()


class AuditEvent(SQLModel, table=True):
    """Who did or saw what, when, through which channel."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_member_at", "member_id", "at"),
        Index("ix_audit_case_at", "case_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    member_id: int | None = Field(default=None)
    platform: str = Field(max_length=20)
    chat_kind: str = Field(max_length=10)
    kind: str = Field(max_length=20)  # command, press, form, read, write, admin
    name: str = Field(max_length=60, index=True)
    case_id: int | None = Field(default=None)
    outcome: str = Field(max_length=20)  # ok, refused, error, denied, noop (an admin command changed nothing)
    # encrypted: may quote a person (an erase reason, a deelnemer's name); max 500, cut by the writers
    detail: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))
    correlation_id: str | None = Field(default=None, max_length=40)


class FormState(SQLModel, table=True):
    """A form in progress, kept in the database so a restart loses nothing."""

    __tablename__ = "form_state"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "member_id", name="uq_form_state_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    chat_id: str = Field(max_length=120)
    member_id: int = Field(foreign_key="member.id")
    form_id: str = Field(max_length=60)
    step: int = 0
    # encrypted: a half-filled /signaal holds a name, a date of birth and a description
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(EncryptedJSON(), nullable=False))
    updated_at: datetime = utc_column()


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    EXPIRED = "expired"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(SQLModel, table=True):
    """A message to deliver later (or now) to a member or a group, written with the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=120, unique=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    group_purpose: str | None = Field(default=None, max_length=40)
    # encrypted: the rendered texts name people; emptied (``{}``) some hours after the row is finished
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(EncryptedJSON(), nullable=False))
    due_at: datetime = utc_column()
    expires_at: datetime | None = utc_column(nullable=True)
    status: str = Field(default=OutboxStatus.PENDING, max_length=12)
    attempts: int = 0
    lease_until: datetime | None = utc_column(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = utc_column()
    # the case ids the message is about ("3,17"), "" when it is about no case, None when the writer did not
    # say: only a deputy who may know every one of them receives it for an absent member (default deny;
    # storage/outbox/forwarding.py)
    case_ids: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class GroupChat(SQLModel, table=True):
    """A group chat linked to a purpose (for example the triage group), on whichever platform it lives."""

    __tablename__ = "group_chat"
    __table_args__ = (UniqueConstraint("platform", "chat_id", name="uq_group_chat"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    chat_id: str = Field(max_length=120)
    title: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))  # max 120
    purpose: str | None = Field(default=None, max_length=40, index=True)
