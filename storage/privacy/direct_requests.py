"""Details asked for in a group chat, kept for a short while under a token so that the member can open
their direct chat with the bot (a Telegram deep link ``?start=<token>``) and get them there.

Only the command as typed is stored (for example ``/regie VH-2026-0042``), never the details themselves:
the command runs again in the direct chat, with the usual need-to-know checks, on current data. The command
may hold a name (``/regie Jan de Vries``): it is stored encrypted, and the daily purge deletes expired links.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, delete
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedText
from storage.models import utc_column
from storage.repositories import Repository

MAX_COMMAND = 500


class DirectRequest(SQLModel, table=True):
    __tablename__ = "direct_request"

    token: str = Field(primary_key=True, max_length=40)
    member_id: int = Field(foreign_key="member.id", index=True)
    command: str = Field(sa_column=Column(EncryptedText(), nullable=False))  # max MAX_COMMAND, cut on add
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)


class DirectRequestRepository(Repository):
    def add(self, token: str, member_id: int, command: str, *, now: datetime, expires_at: datetime) -> None:
        """Keep a request; expired ones are cleared on the way (a refusal rolls back, an offer commits)."""
        self.session.connection().execute(
            delete(DirectRequest).where(col(DirectRequest.expires_at) <= now)  # type: ignore[arg-type]
        )
        self.session.add(
            DirectRequest(
                token=token,
                member_id=member_id,
                command=command[:MAX_COMMAND],
                created_at=now,
                expires_at=expires_at,
            )
        )
        self.session.flush()

    def command_for(self, token: str, member_id: int, now: datetime) -> str | None:
        """The command behind ``token`` when it is this member's and still valid."""
        statement = select(DirectRequest.command).where(
            DirectRequest.token == token,
            DirectRequest.member_id == member_id,
            col(DirectRequest.expires_at) > now,
        )
        return self.session.exec(statement).first()
