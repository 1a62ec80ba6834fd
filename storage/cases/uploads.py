"""A CSV uploaded in a direct chat, kept server-side (encrypted) until the procesmanager imports or
cancels it. One pending upload per member: a new upload replaces the previous one.

The upload's buttons name it by ``ref``, a random reference, not by its id: SQLite gives a deleted row's id
to the next row, so "Importeren" under an older dry run carried the newer upload's id and imported that file
(revision 0022)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from sqlalchemy import Column, delete
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.models import utc_column
from storage.repositories import Repository

REF_BYTES = 12  # 16 URL-safe characters: unguessable, and short enough for Telegram's 64-byte button data


class PendingUpload(SQLModel, table=True):
    __tablename__ = "pending_upload"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", unique=True)
    ref: str = Field(max_length=24)  # random (REF_BYTES): what the upload's buttons carry
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
            ref=secrets.token_urlsafe(REF_BYTES),
            file_name=file_name[:200],
            data=base64.b64encode(content).decode("ascii"),
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def of(self, member_id: int) -> PendingUpload | None:
        """The member's pending upload (at most one), whichever button was pressed."""
        return self.session.exec(select(PendingUpload).where(PendingUpload.member_id == member_id)).first()

    def set_source(self, upload: PendingUpload, source: str) -> None:
        upload.source = source
        self.session.add(upload)
        self.session.flush()

    def purge(self, before: datetime) -> int:
        """Drop uploads nobody imported or cancelled since ``before`` (they hold personal data)."""
        result = self.session.execute(delete(PendingUpload).where(col(PendingUpload.created_at) < before))
        return int(getattr(result, "rowcount", 0))

    def take(self, member_id: int, ref: str) -> bool:
        """Delete the member's pending upload with this reference; True only for the one caller that deleted
        it (double taps), never for a newer upload that replaced it in between."""
        result = self.session.execute(
            delete(PendingUpload).where(
                col(PendingUpload.member_id) == member_id, col(PendingUpload.ref) == ref
            )
        )
        return bool(getattr(result, "rowcount", 0))
