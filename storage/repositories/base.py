"""The base of every repository: it takes the unit of work's session and never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, func
from sqlmodel import Session, select


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def run(self, statement: Executable, params: Any = None) -> Any:
        """A Core statement (no ORM entities) on the session's connection, in its transaction: the ORM's
        execute machinery (events, compile state) costs more than the statement on the hot path."""
        return self.session.connection().execute(statement, params)

    def count_rows(self, statement: Any) -> int:
        """How many rows ``statement`` (without limit or offset) gives, in one COUNT query."""
        return int(self.session.exec(select(func.count()).select_from(statement.subquery())).one())
