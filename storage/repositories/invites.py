"""Invites (stored as keyed hashes of their codes) and failed attempts to use one (rate limits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from storage.models import Invite, InviteAttempt
from storage.repositories.base import Repository


class InviteRepository(Repository):
    def add(self, invite: Invite) -> Invite:
        self.session.add(invite)
        self.session.flush()
        return invite

    def by_hash(self, code_hash: str) -> Invite | None:
        return self.session.exec(select(Invite).where(Invite.code_hash == code_hash)).first()

    def by_hashes(self, code_hashes: Sequence[str]) -> Invite | None:
        return self.session.exec(select(Invite).where(col(Invite.code_hash).in_(code_hashes))).first()

    def get(self, invite_id: int) -> Invite | None:
        return self.session.get(Invite, invite_id)

    def list_all(self) -> Sequence[Invite]:
        return self.session.exec(select(Invite).order_by(col(Invite.id))).all()

    def record_failure(self, platform: str, external_id: str, at: datetime) -> None:
        self.session.add(InviteAttempt(platform=platform, external_id=external_id, at=at))
        self.session.flush()

    def all_failures_since(self, since: datetime) -> int:
        """Failed attempts of every identity together (the network-wide limit)."""
        statement = select(func.count()).select_from(InviteAttempt).where(col(InviteAttempt.at) >= since)
        return int(self.session.exec(statement).one())

    def failures_since(self, platform: str, external_id: str, since: datetime) -> int:
        statement = (
            select(func.count())
            .select_from(InviteAttempt)
            .where(
                InviteAttempt.platform == platform,
                InviteAttempt.external_id == external_id,
                col(InviteAttempt.at) >= since,
            )
        )
        return int(self.session.exec(statement).one())
