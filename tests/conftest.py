"""Databases for the tests: a migrated SQLite file per test, and Postgres when one answers."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.core.logs import CONTENT_LOGGERS, quiet_third_party
from storage import migrate
from storage.crypto import KeyRing, attach_keyring
from storage.db import make_engine
from tests.harness import Chat, make_chat

# a fictional fixed key for the encrypted personal fields (storage/crypto.py); never used outside tests
TEST_ENCRYPTION_KEY = "test:" + base64.urlsafe_b64encode(b"ketenbot-fictional-test-key-0001").decode()
os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)

PG_ADMIN_URL = os.environ.get(
    "KETENBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_reason() -> str | None:
    """None when a Postgres server answers; otherwise why the Postgres tests skip."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"no PostgreSQL server reachable at {PG_ADMIN_URL} ({type(error).__name__}: {error})"[:300]
    return None


@pytest.fixture(scope="session", autouse=True)
def machine_clock() -> Iterator[None]:
    """``KETENBOT_TEST_MACHINE_TIME=2027-10-31T23:59:00+01:00 ./dev test`` runs the whole suite with the
    machine's clock moved there (ticking): no test may depend on the real date; every path takes the injected
    clock."""
    moved = os.environ.get("KETENBOT_TEST_MACHINE_TIME")
    if not moved:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.fromisoformat(moved), tick=True):
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"ketenbot_t_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrate.upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [
            row[0]
            for row in connection.execute(
                text(
                    "select tablename from pg_tables"
                    " where schemaname = 'public' and tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            connection.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )
    engine.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "ketenbot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL (which skips, saying why, when no server answers)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    url = str(request.getfixturevalue("postgres_database"))
    truncate_all(url)
    return url


@pytest.fixture
def chat(database_url: str) -> Iterator[Chat]:
    harness = make_chat(database_url)
    yield harness
    harness.app.engine.dispose()


@pytest.fixture
def sqlite_chat(sqlite_url: str) -> Iterator[Chat]:
    harness = make_chat(sqlite_url)
    yield harness
    harness.app.engine.dispose()


def keyed_engine(url: str) -> Engine:
    """``make_engine`` with the test key attached, as ``build_app`` does: outbox payloads and form states
    are encrypted columns (issue 16), so an engine without the key refuses to touch them."""
    engine = make_engine(url)
    attach_keyring(engine, KeyRing.parse(os.environ.get("KETENBOT_ENCRYPTION_KEY") or TEST_ENCRYPTION_KEY))
    return engine


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything at DEBUG, as an operator with KETENBOT_LOG_LEVEL=DEBUG gets it (``configure_logging``)."""
    names = ("httpx", "apscheduler", "alembic", *CONTENT_LOGGERS)
    before = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.DEBUG)
    quiet_third_party()
    yield caplog
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)
