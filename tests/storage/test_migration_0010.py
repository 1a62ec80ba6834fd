"""Revision 0010 encrypts the existing rows of the newly encrypted columns, and its downgrade decrypts them;
with rows to convert and no key it refuses with one line. On SQLite and on a fresh Postgres database."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from bot.cli.main import app
from storage import migrate
from storage.crypto import EncryptionKeyError
from tests.conftest import PG_ADMIN_URL, TEST_ENCRYPTION_KEY, postgres_reason
from tests.harness import make_chat

COLUMNS = (
    ("subject", "birth_date"),
    ("signal", "reason"),
    ("case_action", "text"),
    ("case_event", "params"),
    ("info_request", "query"),
    ("audit_event", "detail"),
)


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm0010.db'}"
        return
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"ketenbot_m10_{secrets.token_hex(3)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def stored(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        values = {
            f"{table}.{column}": [
                str(v)
                for v in connection.execute(
                    text(f'SELECT CAST("{column}" AS TEXT) FROM "{table}" WHERE "{column}" IS NOT NULL')
                ).scalars()
            ]
            for table, column in COLUMNS
        }
        values["info_request.query_key"] = [
            str(v) for v in connection.execute(text("SELECT query_key FROM info_request")).scalars()
        ]
    engine.dispose()
    return values


def test_downgrade_decrypts_and_upgrade_encrypts_existing_rows(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch
):
    migrate.upgrade(fresh_url)
    chat = make_chat(fresh_url)  # the demo data, written encrypted
    chat.say("/info Sanne Visser", user="woonstede")
    assert "afgewezen" in chat.say(
        "/triage S-7 afgewezen Sanne is al bekend bij het wijkteam", user="procesmanager"
    )
    chat.app.engine.dispose()
    config = migrate.alembic_config(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", "")  # the key comes from the caller, not the environment
    command.downgrade(config, "0009")  # the revision before 0010
    engine = create_engine(fresh_url)
    with engine.connect() as connection:
        births = [str(v) for v in connection.execute(text("SELECT birth_date FROM subject")).scalars()]
        queries = [str(v) for v in connection.execute(text("SELECT query FROM info_request")).scalars()]
        reasons = [str(v) for v in connection.execute(text("SELECT reason FROM signal")).scalars()]
    engine.dispose()
    assert "1985-03-12" in births and "Sanne Visser" in queries  # plaintext again, in the old types
    assert "Sanne is al bekend bij het wijkteam" in reasons

    with pytest.raises(EncryptionKeyError, match="KETENBOT_ENCRYPTION_KEY is not set"):
        migrate.upgrade(fresh_url)  # rows to encrypt and no key: refused, nothing converted
    monkeypatch.setenv("KETENBOT_DATABASE_URL", fresh_url)
    refused = CliRunner().invoke(app, ["db", "upgrade"])
    assert refused.exit_code == 2
    assert refused.output.startswith("KETENBOT_ENCRYPTION_KEY is niet gezet: ketenbot start niet")
    engine = create_engine(fresh_url)
    assert migrate.current_revision(engine) == "0009"
    engine.dispose()

    migrate.upgrade(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    values = stored(fresh_url)
    for table, column in COLUMNS:
        found = values[f"{table}.{column}"]
        assert found and all(v.startswith("enc1:test:") for v in found), (table, column, found[:2])
    ciphertexts = [v for table, column in COLUMNS for v in values[f"{table}.{column}"]]
    # query_key is a hex HMAC and held '1985' by chance on CI once, so only ciphertexts are searched, and for
    # strings too long to turn up in random base64 by chance
    assert not any("Sanne" in v or "1985-03-12" in v for v in ciphertexts)
    assert all(k.startswith("h1:") for k in values["info_request.query_key"])
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    chat = make_chat(fresh_url, demo=False)
    with chat.app.uow() as uow:
        assert len(uow.info_requests.asked_about("sanne visser")) == 2
        assert [c.code for c in uow.cases.known_person("Jan de Vries", None)] == ["VH-2026-0001"]
    chat.app.engine.dispose()
