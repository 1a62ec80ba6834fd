"""Encrypted personal fields, HMAC name indexes, key rotation, and refusing to start without the right key."""

import base64
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli.main import app
from storage.crypto import EncryptionKeyError, KeyRing
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.handlers.cases.cases_helpers import submit_signal
from tests.harness import Chat

runner = CliRunner()
OTHER_KEY = "k2:" + base64.urlsafe_b64encode(b"another-fictional-test-key-00002").decode()


def raw(chat: Chat, sql: str) -> list[str]:
    with chat.app.engine.connect() as connection:
        return [str(value) for value in connection.execute(text(sql)).scalars()]


def test_names_and_descriptions_are_stored_encrypted_and_name_keys_as_hmac(chat: Chat):
    submit_signal(chat, name="Eva Smit", description="Fictief: geheim verhaal over Eva.")
    names, keys = raw(chat, "SELECT name FROM subject"), raw(chat, "SELECT name_key FROM subject")
    descriptions = raw(chat, "SELECT description FROM signal")
    assert names and all(n.startswith("enc1:test:") for n in names)
    # with a space, so it cannot turn up by chance in the base64 of a ciphertext
    assert not any("Eva Smit" in v or "over Eva" in v for v in names + keys + descriptions)
    assert all(k.startswith("h1:") and len(k) == 67 for k in keys)
    # the known-person lookup still works through the keyed hash
    assert "Jan de Vries" in chat.say("/casus VH-2026-0001", user="wijkagent")
    with chat.app.uow() as uow:
        assert [c.code for c in uow.cases.known_person("jan de vries", None)] == ["VH-2026-0001"]


def test_a_key_ring_refuses_missing_malformed_and_wrong_keys():
    for setting in (None, "", "k1:short", "k1"):
        with pytest.raises(EncryptionKeyError):
            KeyRing.parse(setting)
    sealed = KeyRing.parse(TEST_ENCRYPTION_KEY).encrypt("Jan")
    with pytest.raises(EncryptionKeyError, match="lacks key 'test'"):
        KeyRing.parse(OTHER_KEY).decrypt(sealed)
    wrong = "test:" + OTHER_KEY.split(":")[1]
    with pytest.raises(EncryptionKeyError, match="key 'test' is wrong"):
        KeyRing.parse(wrong).decrypt(sealed)


@pytest.fixture
def cli_env(sqlite_chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", sqlite_chat.app.settings.database_url)
    return sqlite_chat


def test_start_up_refuses_with_one_line_without_or_with_a_wrong_key(
    cli_env: Chat, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", "")
    missing = runner.invoke(app, ["rapport", "--quarter", "2026Q4"])
    assert missing.exit_code == 2
    assert missing.output.splitlines()[0] == (
        "KETENBOT_ENCRYPTION_KEY is niet gezet: ketenbot start niet, want persoonsgegevens worden "
        "versleuteld opgeslagen."
    )
    assert "Traceback" not in missing.output
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", "test:" + OTHER_KEY.split(":")[1])
    wrong = runner.invoke(app, ["privacy", "purge", "--dry-run"])
    assert wrong.exit_code == 2
    assert "KETENBOT_ENCRYPTION_KEY: sleutel 'test' is onjuist" in wrong.output


def test_without_a_key_run_says_how_to_make_and_keep_one(cli_env: Chat, monkeypatch: pytest.MonkeyPatch):
    """Issue 17: following the README's Telegram steps, `ketenbot run` without a key must say what to do."""
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", "")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    refused = runner.invoke(app, ["run"])
    assert refused.exit_code == 2
    said = " ".join(refused.output.split())
    assert "KETENBOT_ENCRYPTION_KEY is niet gezet" in said
    assert "`ketenbot privacy new-key`" in said  # how to make one
    assert "KETENBOT_ENCRYPTION_KEY=<sleutel> in .env" in said  # where it goes
    assert "buiten deze machine" in said and "wachtwoordkluis" in said  # where to keep a copy
    assert "niet meer te lezen: er is geen herstel" in said  # what losing it means


def test_the_readme_tells_how_to_make_the_key_before_the_first_run():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    telegram = readme.split("## Telegram", 1)[1].split("\n## ", 1)[0]
    assert telegram.index("ketenbot privacy new-key") < telegram.index("./dev ketenbot run")
    assert "outside this machine" in telegram and "loses the stored personal data" in telegram


def test_rotate_key_re_encrypts_everything_and_the_old_key_can_go(
    cli_env: Chat, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", f"{OTHER_KEY},{TEST_ENCRYPTION_KEY}")
    result = runner.invoke(app, ["privacy", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("opnieuw versleuteld met sleutel 'k2':")
    assert all(n.startswith("enc1:k2:") for n in raw(cli_env, "SELECT name FROM subject"))
    assert all(d.startswith("enc1:k2:") for d in raw(cli_env, "SELECT description FROM signal"))
    payloads = raw(cli_env, "SELECT CAST(payload AS TEXT) FROM outbox")  # issue 16: every copy
    assert payloads and all(p.startswith("enc1:k2:") for p in payloads)
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", OTHER_KEY)  # old key removed
    exported = runner.invoke(app, ["privacy", "export", "--subject", "1"])
    assert exported.exit_code == 0 and '"name": "Jan de Vries"' in exported.output
