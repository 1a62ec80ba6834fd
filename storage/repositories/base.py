"""The base of every repository: it takes the unit of work's session and never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count_rows(self, statement: Any) -> int:
        """How many rows ``statement`` (without limit or offset) gives, in one COUNT query."""
        return int(self.session.exec(select(func.count()).select_from(statement.subquery())).one())
