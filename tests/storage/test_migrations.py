"""Alembic from the first table on: upgrade, head check, and the Postgres out-of-date refusal."""

import secrets

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.app import build_app, prepare_database
from bot.config import ConfigError, Settings
from storage import migrate
from storage.db import make_engine


def test_sqlite_is_migrated_automatically_and_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
    prepare_database(app)
    assert migrate.is_current(app.engine, url)
    with app.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert {"member", "identity", "invite", "audit_event", "form_state", "outbox"} <= set(
        inspect(app.engine).get_table_names()
    )
    app.engine.dispose()


def test_out_of_date_postgres_schema_refuses_to_start_and_names_the_command(postgres_database: str):
    base = postgres_database.rsplit("/", 1)[0]
    name = f"ketenbot_old_{secrets.token_hex(3)}"
    admin = create_engine(base + "/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{base}/{name}"
    try:
        app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
        with pytest.raises(ConfigError, match="ketenbot db upgrade"):
            prepare_database(app)
        migrate.upgrade(url)
        prepare_database(app)  # now current: no refusal
        assert migrate.current_revision(app.engine) == migrate.head_revision(url)
        app.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_downgrade_to_base_and_up_again(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert migrate.is_current(engine, url)
    engine.dispose()
