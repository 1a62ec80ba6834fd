"""Issue 9's encryption gaps: date of birth, action texts, triage and status reasons, timeline params and
informatieverzoek queries are stored encrypted (read with plain SQL), stay usable, rotate, export, erase."""

import base64
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli.main import app
from storage.cases.tables import Action, CaseEvent, Signal, Subject
from storage.db import make_engine
from storage.models import AuditEvent
from storage.network.flows import InfoRequest
from storage.privacy.retention import REMOVED, erase_subject, export_subject
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.handlers.cases.cases_helpers import last_signal_id, signals, submit_signal
from tests.harness import Chat

runner = CliRunner()
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OTHER_KEY = "k2:" + base64.urlsafe_b64encode(b"another-fictional-test-key-00002").decode()
NEW_COLUMNS = (
    ("subject", "birth_date"),
    ("signal", "reason"),
    ("case_action", "text"),
    ("case_event", "params"),
    ("info_request", "query"),
    ("audit_event", "detail"),
)


def raw(chat: Chat, table: str, column: str) -> list[str]:
    """The stored values, as plain SQL sees them (no column type, no decryption)."""
    sql = f'SELECT CAST("{column}" AS TEXT) FROM "{table}" WHERE "{column}" IS NOT NULL'
    with chat.app.engine.connect() as connection:
        return [str(value) for value in connection.execute(text(sql)).scalars()]


def fill(chat: Chat) -> None:
    """One of each new field, through the real commands."""
    submit_signal(chat, name="Otto Fictief", birth_date="02-04-1991", description="Fictief verhaal.")
    signal = last_signal_id(chat)
    assert "afgewezen" in chat.say(
        f"/triage S-{signal} afgewezen Otto heeft al hulp van Zonnehuis", user="procesmanager"
    )
    assert "VH-2026-0001" in chat.say(
        "/actie VH-2026-0001 Huisbezoek bij Jan thuis @ggz 15-12-2026", user="procesmanager"
    )
    chat.say("/casus VH-2026-0001 afschalen Jan woont weer zelfstandig", user="procesmanager")
    assert "I-" in chat.say("/info Otto Fictief", user="woonstede")


def test_the_new_personal_fields_hold_no_plaintext_and_read_back(chat: Chat):
    fill(chat)
    # long enough, or holding a space, never to turn up by chance in the random base64 of a ciphertext
    secrets = ("1991-04-02", "1985-03-12", "Zonnehuis", "Huisbezoek", "zelfstandig", "Otto ", "reason")
    for table, column in NEW_COLUMNS:
        values = raw(chat, table, column)
        assert values, (table, column)
        assert all(v.startswith("enc1:test:") for v in values), (table, column, values[:2])
        assert not any(secret in v for v in values for secret in secrets), (table, column)
    with chat.app.uow() as uow:
        born = {s.name: s.birth_date for s in uow.session.exec(select(Subject)).all()}
        reasons = [s.reason for s in uow.session.exec(select(Signal)).all() if s.reason]
        actions = [a.text for a in uow.session.exec(select(Action)).all()]
        events = [e.params for e in uow.session.exec(select(CaseEvent)).all()]
        queries = [r.query for r in uow.session.exec(select(InfoRequest)).all()]
        asked = [r.query for r in uow.info_requests.asked_about("otto  FICTIEF")]
    assert born["Otto Fictief"] == date(1991, 4, 2) and born["Jan de Vries"] == date(1985, 3, 12)
    assert "Otto heeft al hulp van Zonnehuis" in reasons
    assert "Huisbezoek bij Jan thuis" in actions
    assert any(p.get("reason") == "Jan woont weer zelfstandig" for p in events)
    assert "Otto Fictief" in queries and asked == ["Otto Fictief"]
    keys = raw(chat, "info_request", "query_key")
    assert keys and all(k.startswith("h1:") for k in keys if k)


def test_lookups_by_name_and_birth_date_still_work(chat: Chat):
    with chat.app.uow() as uow:
        assert [c.code for c in uow.cases.known_person("Jan de Vries", date(1985, 3, 12))] == ["VH-2026-0001"]
        assert uow.cases.known_person("Jan de Vries", date(1990, 1, 1)) == []
        assert [c.code for c in uow.cases.known_person("jan de vries", None)] == ["VH-2026-0001"]
    submit_signal(chat, name="Jan de Vries", birth_date="13-03-1985")  # someone else: the triage queue
    submit_signal(chat, name="Jan de Vries", birth_date="12-03-1985", description="Fictief: nieuw.")
    assert [s.status for s in signals(chat)[-2:]] == ["new", "mutatie"]


def test_export_and_erase_cover_the_new_fields(chat: Chat):
    fill(chat)
    with chat.app.uow() as uow:
        otto = next(s for s in uow.session.exec(select(Subject)).all() if s.name == "Otto Fictief")
        assert otto.id is not None
        data = export_subject(uow.session, otto.id)
        assert data["subjects"][0]["birth_date"] == "1991-04-02"
        assert data["signals"][0]["reason"] == "Otto heeft al hulp van Zonnehuis"
        assert [r["query"] for r in data["info_requests"]] == ["Otto Fictief"]
        erase_subject(uow.session, otto.id, chat.clock.now())
        uow.commit()
    with chat.app.uow() as uow:
        subject = uow.session.get(Subject, otto.id)
        assert subject is not None and subject.birth_date is None
        assert uow.session.get(Signal, subject.signal_id).reason is None  # type: ignore[union-attr]
        queries = [r.query for r in uow.session.exec(select(InfoRequest)).all()]
        assert REMOVED in queries and "Otto Fictief" not in queries and "Sanne Visser" in queries
        assert uow.info_requests.asked_about("Otto Fictief") == []


@pytest.fixture
def cli_env(sqlite_chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", sqlite_chat.app.settings.database_url)
    return sqlite_chat


def test_rotate_key_re_encrypts_the_new_fields_and_recomputes_the_query_index(
    cli_env: Chat, monkeypatch: pytest.MonkeyPatch
):
    fill(cli_env)
    with cli_env.app.uow() as uow:
        otto = next(s.id for s in uow.session.exec(select(Subject)).all() if s.name == "Otto Fictief")
    reason = "Verzoek van Otto Fictief zelf, per brief"
    erased = runner.invoke(app, ["privacy", "erase", "--subject", str(otto), "--reason", reason])
    assert erased.exit_code == 0, erased.output
    details = raw(cli_env, "audit_event", "detail")
    assert details and not any("Otto" in d or "brief" in d for d in details)
    with cli_env.app.uow() as uow:
        recorded = [e.detail or "" for e in uow.session.exec(select(AuditEvent)).all()]
        # the reason is kept (encrypted), with the erased person's names taken out of it
        assert any("zelf, per brief" in d and "Otto" not in d for d in recorded)
    old_keys = raw(cli_env, "info_request", "query_key")
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", f"{OTHER_KEY},{TEST_ENCRYPTION_KEY}")
    result = runner.invoke(app, ["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert (
        "acties" in result.output
        and "informatieverzoeken" in result.output
        and "auditdetails" in result.output
    )
    for table, column in NEW_COLUMNS:
        assert all(v.startswith("enc1:k2:") for v in raw(cli_env, table, column)), (table, column)
    assert raw(cli_env, "info_request", "query_key") != old_keys
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", OTHER_KEY)  # old key removed
    exported = runner.invoke(app, ["privacy", "export", "--subject", "1"])
    assert exported.exit_code == 0 and '"birth_date": "1985-03-12"' in exported.output


def test_without_a_key_on_the_engine_nothing_is_written(sqlite_url: str):
    engine = make_engine(sqlite_url)  # no key ring attached: the encrypted columns refuse
    with Session(engine) as session:
        session.add(
            InfoRequest(asker_id=1, organisation_id=1, query="Otto Fictief", deadline=NOW, created_at=NOW)
        )
        with pytest.raises(StatementError, match="KETENBOT_ENCRYPTION_KEY is not configured"):
            session.flush()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM info_request")).scalar() == 0
    engine.dispose()
