"""Revision 0020 adds outbox.case_ids (what a queued message is about) and its downgrade drops it; rows
queued before it say nothing (NULL), so they are not forwarded to a deputy. On SQLite and Postgres."""

from alembic import command
from sqlalchemy import create_engine, inspect, text

from storage import migrate
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.harness import make_chat
from tests.storage.test_migration_0010 import fresh_url  # noqa: F401  (the fixture)


def columns(url: str) -> set[str]:
    engine = create_engine(url)
    names = {c["name"] for c in inspect(engine).get_columns("outbox")}
    engine.dispose()
    return names


def test_case_ids_comes_and_goes_and_old_rows_say_nothing(fresh_url: str) -> None:  # noqa: F811
    migrate.upgrade(fresh_url)
    chat = make_chat(fresh_url)  # the demo data queues messages, its release alerts about one case
    chat.app.engine.dispose()
    assert "case_ids" in columns(fresh_url)
    config = migrate.alembic_config(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    command.downgrade(config, "0019")
    assert "case_ids" not in columns(fresh_url)
    command.upgrade(config, "0020")
    engine = create_engine(fresh_url)
    with engine.connect() as connection:
        values = connection.execute(text("SELECT case_ids FROM outbox")).scalars().all()
    engine.dispose()
    assert values and all(value is None for value in values)
    assert migrate.current_revision(create_engine(fresh_url)) == "0020"
