"""Revision 0016 encrypts existing outbox payloads and form states (the downgrade decrypts them), turns the
stored invite hashes into HMACs so that an existing code keeps working, and rebuilds the poll tables without
sequential ids. On SQLite and on a fresh Postgres database."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlmodel import select

from storage import migrate
from storage.models import FormState
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.harness import make_chat
from tests.storage.test_migration_0010 import fresh_url  # noqa: F401  (the fixture)

OLD_CODE = "ABCDE-FGHJK"


def column(url: str, sql: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        values = [str(v) for v in connection.execute(text(sql)).scalars()]
    engine.dispose()
    return values


def test_downgrade_decrypts_and_upgrade_encrypts_messages_forms_and_keeps_invite_codes(
    fresh_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
):
    migrate.upgrade(fresh_url)
    chat = make_chat(fresh_url)  # the demo data queues messages
    chat.say("/signaal", user="wijkagent")
    chat.say("Fictief Migratiepersoon", user="wijkagent")
    chat.app.engine.dispose()
    config = migrate.alembic_config(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    command.downgrade(config, "0014")
    payloads = column(fresh_url, "SELECT CAST(payload AS TEXT) FROM outbox")
    forms = column(fresh_url, 'SELECT CAST("values" AS TEXT) FROM form_state')
    assert payloads and all(p.startswith("{") for p in payloads)  # plaintext JSON again
    assert any("Fictief Migratiepersoon" in f for f in forms)
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    engine = create_engine(fresh_url)
    with engine.begin() as connection:  # an invite as the old code stored it: unsalted SHA-256
        org = connection.execute(text("SELECT id FROM organisation ORDER BY id")).scalars().first()
        connection.execute(
            text(
                "INSERT INTO invite (code_hash, organisation_id, role, created_at, expires_at)"
                " VALUES (:h, :o, 'partner', :c, :e)"
            ),
            {
                "h": hashlib.sha256(OLD_CODE.encode()).hexdigest(),
                "o": org,
                "c": now,
                "e": now + timedelta(days=7),
            },
        )
    engine.dispose()

    migrate.upgrade(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    payloads = column(fresh_url, "SELECT CAST(payload AS TEXT) FROM outbox")
    forms = column(fresh_url, 'SELECT CAST("values" AS TEXT) FROM form_state')
    assert payloads and all(p.startswith("enc1:test:") for p in payloads + forms)
    assert not any("Migratiepersoon" in f for f in forms)
    hashes = column(fresh_url, "SELECT code_hash FROM invite")
    assert hashlib.sha256(OLD_CODE.encode()).hexdigest() not in hashes
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    chat = make_chat(fresh_url, demo=False)
    assert "Je code klopt" in chat.say(f"/aanmelden {OLD_CODE}", user="nieuw-na-migratie")
    with chat.app.uow() as uow:  # and they read back as they were
        states = uow.session.exec(select(FormState)).all()
        assert any("Fictief Migratiepersoon" in str(s.values) for s in states)
    chat.app.engine.dispose()
