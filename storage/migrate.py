"""Alembic, driven from code: upgrade to head, and tell whether a database is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, *, encryption_key: str | None = None) -> Config:
    """``encryption_key`` (the setting's value) lets a revision encrypt existing personal fields; without it
    such a revision reads ``KETENBOT_ENCRYPTION_KEY`` from the environment."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if encryption_key:
        config.attributes["encryption_key"] = encryption_key
    return config


def upgrade(url: str, revision: str = "head", *, encryption_key: str | None = None) -> None:
    command.upgrade(alembic_config(url, encryption_key=encryption_key), revision)


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine, url: str) -> bool:
    return current_revision(engine) == head_revision(url)
