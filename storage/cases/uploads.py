"""A CSV uploaded in a direct chat, kept server-side (encrypted) until the procesmanager imports or
cancels it. One pending upload per member: a new upload replaces the previous one."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import Column, delete
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.models import utc_column
from storage.repositories import Repository


class PendingUpload(SQLModel, table=True):
    __tablename__ = "pending_upload"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", unique=True)
    file_name: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max 200, cut on add
    data: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # the file, base64
    source: str | None = Field(default=None, max_length=40)  # an OrganisationKind, once chosen
    created_at: datetime = utc_column()

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.data)


class UploadRepository(Repository):
    def replace(self, member_id: int, file_name: str, content: bytes, at: datetime) -> PendingUpload:
        self.session.execute(delete(PendingUpload).where(col(PendingUpload.member_id) == member_id))
        row = PendingUpload(
            member_id=member_id,
            file_name=file_name[:200],
            data=base64.b64encode(content).decode("ascii"),
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, upload_id: int, member_id: int) -> PendingUpload | None:
        statement = select(PendingUpload).where(
            PendingUpload.id == upload_id, PendingUpload.member_id == member_id
        )
        return self.session.exec(statement).first()

    def set_source(self, upload: PendingUpload, source: str) -> None:
        upload.source = source
        self.session.add(upload)
        self.session.flush()

    def purge(self, before: datetime) -> int:
        """Drop uploads nobody imported or cancelled since ``before`` (they hold personal data)."""
        result = self.session.execute(delete(PendingUpload).where(col(PendingUpload.created_at) < before))
        return int(getattr(result, "rowcount", 0))

    def take(self, upload_id: int, member_id: int) -> bool:
        """Delete the pending upload; True only for the one caller that deleted it (double taps)."""
        result = self.session.execute(
            delete(PendingUpload).where(
                col(PendingUpload.id) == upload_id, col(PendingUpload.member_id) == member_id
            )
        )
        return bool(getattr(result, "rowcount", 0))
