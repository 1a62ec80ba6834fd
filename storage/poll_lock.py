"""One long-polling instance per Telegram bot: a lock that only one process (or adapter) holds at a time.

Telegram answers a second ``getUpdates`` poller with 409 Conflict, so instances elect the poller: on
Postgres with a session-level advisory lock (held on its own connection; it goes when the process or the
connection dies), on a SQLite file with an exclusive ``flock`` on a file next to the database (one
machine), and for an in-memory database with no lock at all (one process). Whoever does not hold it keeps
sending the outbox and tries again now and then.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("ketenbot.poll_lock")


class PollLock(Protocol):
    def acquire(self) -> bool:
        """Take the lock if it is free (never waits); True when this instance holds it."""
        ...

    def held(self) -> bool:
        """Still held (a lost database connection loses an advisory lock)."""
        ...

    def release(self) -> None: ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = lock_key(name)
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            return True
        connection = self.engine.connect()
        try:
            got = bool(connection.execute(text("select pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
            connection.commit()  # a session-level lock outlives the transaction
        except DBAPIError:
            connection.close()
            log.warning("poll lock: database unavailable", exc_info=True)
            return False
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("select 1"))
            self._connection.commit()
        except DBAPIError:
            log.warning("poll lock: lost the connection that held it", exc_info=True)
            self._forget()
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("select pg_advisory_unlock(:k)"), {"k": self.key})
            self._connection.commit()
        except DBAPIError:
            log.warning("poll lock: could not unlock (the connection is gone, and the lock with it)")
        self._forget()

    def _forget(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()  # never hand a connection that may hold the lock back to the pool
            finally:
                connection.close()


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


class NoLock:
    """An in-memory database lives in one process: nobody to elect against."""

    def __init__(self) -> None:
        self._held = False

    def acquire(self) -> bool:
        self._held = True
        return True

    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        self._held = False


def poll_lock(engine: Engine, name: str) -> PollLock:
    """The lock that fits the database: advisory on Postgres, a file next to a SQLite file, else none."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        safe = "".join(ch if ch.isalnum() else "-" for ch in name)
        return FileLock(Path(database).with_name(f"{Path(database).name}.{safe}.lock"))
    return NoLock()
