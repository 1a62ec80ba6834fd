"""The base of every repository: it takes the unit of work's session and never commits."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, Executable, Row, func, inspect
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlmodel import Session, SQLModel, select

M = TypeVar("M", bound=SQLModel)


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

    def adopt(self, model: type[M], row: Row[Any]) -> M:
        """The session's object for a row of ``model`` read with Core (its columns in ``columns(model)``'s
        order): the one the session holds already for that key, else a new one that is persistent as if
        the ORM had loaded it (nothing is written unless it changes). For the hot path, where an ORM query
        costs ~70 µs more than the same statement in Core (bench.load's router figure)."""
        mapper, keys = _shape(model)
        values = dict(zip(keys, row, strict=True))
        identity = mapper.identity_key_from_primary_key(tuple(values[k] for k in _primary_keys(model)))
        held = self.session.identity_map.get(identity)
        if held is not None:
            return held  # type: ignore[no-any-return]
        found: M = mapper.class_manager.new_instance()
        found.__dict__.update(values)  # as the ORM's loader fills an instance's state
        make_transient_to_detached(found)
        self.session.add(found)
        return found

    def flush_pending(self) -> None:
        """What the ORM does before a query (autoflush): a Core read then sees this unit of work's changes."""
        session = self.session
        if session.autoflush:
            session.flush()  # returns at once when nothing is pending


def columns(model: type[SQLModel]) -> list[Column[Any]]:
    """``model``'s mapped columns, in the order ``Repository.adopt`` reads a row."""
    mapper: Mapper[Any] = inspect(model)
    return [prop.columns[0] for prop in mapper.column_attrs]  # type: ignore[misc]


@cache
def _shape(model: type[SQLModel]) -> tuple[Mapper[Any], tuple[str, ...]]:
    mapper: Mapper[Any] = inspect(model)
    return mapper, tuple(prop.key for prop in mapper.column_attrs)


@cache
def _primary_keys(model: type[SQLModel]) -> tuple[str, ...]:
    mapper: Mapper[Any] = inspect(model)
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)
