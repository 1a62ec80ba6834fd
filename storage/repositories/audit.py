"""The audit log: rows wait in the unit of work and are written in one INSERT when it commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEvent
from storage.repositories.base import Repository

AUDIT_INSERT = AuditEvent.__table__.insert()  # type: ignore[attr-defined]


class AuditRepository(Repository):
    """Audit rows are kept until the unit of work commits (or flushes) and then written in one INSERT:
    a command that reads a case and is audited by the router costs one statement for both rows, in the
    same transaction as whatever the handler changed. A rollback drops them with the rest."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.pending: list[dict[str, Any]] = []

    def write_pending(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self.run(AUDIT_INSERT, rows)

    def discard_pending(self) -> None:
        self.pending = []

    def record(self, event: AuditEvent) -> None:
        self.add(
            at=event.at,
            member_id=event.member_id,
            platform=event.platform,
            chat_kind=event.chat_kind,
            kind=event.kind,
            name=event.name,
            case_id=event.case_id,
            outcome=event.outcome,
            detail=event.detail,
            correlation_id=event.correlation_id,
        )

    def add(self, **fields: Any) -> None:
        """Append one audit row (every field of ``AuditEvent`` but the id); written at commit or flush."""
        self.pending.append(fields)

    def search(
        self,
        *,
        member_id: int | None = None,
        case_id: int | None = None,
        name: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> Sequence[AuditEvent]:
        self.write_pending()  # this unit of work's own rows count too
        statement = select(AuditEvent)
        if member_id is not None:
            statement = statement.where(AuditEvent.member_id == member_id)
        if case_id is not None:
            statement = statement.where(AuditEvent.case_id == case_id)
        if name is not None:
            statement = statement.where(AuditEvent.name == name)
        if since is not None:
            statement = statement.where(col(AuditEvent.at) >= since)
        if until is not None:
            statement = statement.where(col(AuditEvent.at) < until)
        return self.session.exec(
            statement.order_by(col(AuditEvent.at), col(AuditEvent.id)).limit(limit)
        ).all()
