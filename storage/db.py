"""Engines for SQLite (default, WAL mode) and PostgreSQL (psycopg 3), and their INSERT ... ON CONFLICT."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if is_sqlite(url):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def upsert(dialect: str, table: Table) -> PostgresInsert | SqliteInsert:
    """An INSERT into ``table`` that takes ``on_conflict_do_nothing`` / ``on_conflict_do_update``, for the
    dialect named (``engine.dialect.name``). The dialect is imported here, not at the top: the postgresql
    package imports every driver's module with it (asyncpg, pg8000, psycopg, psycopg2: ~1.5 MB resident),
    which a bot on SQLite never needs; on PostgreSQL its engine has imported it already."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 8 MiB page cache per connection (SQLite's default is 2 MiB): at 100k cases a member's 500 cases are
    # 500 lookups in "case"; with the default cache they go to the OS for pages (/mijn's case query 2.8 ms
    # -> 0.65 ms, bench/regie.py). Allocated as pages are read, so an idle bot does not grow.
    cursor.execute("PRAGMA cache_size=-8192")
    cursor.close()
