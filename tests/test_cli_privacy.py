"""``ketenbot privacy purge|export|erase`` on the command line (SQLite; the storage tests cover Postgres)."""

import json

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.privacy_jobs import audit_admin
from storage.cases.tables import Subject
from storage.models import AuditEvent
from tests.harness import Chat

runner = CliRunner()


@pytest.fixture
def cli_env(sqlite_chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", sqlite_chat.app.settings.database_url)
    return sqlite_chat


def first_subject(chat: Chat, name: str) -> int:
    with chat.app.uow() as uow:
        ids = [s.id for s in uow.session.exec(select(Subject)).all() if s.name == name]  # encrypted
        assert ids and ids[0] is not None
        return ids[0]


def admin_events(chat: Chat, name: str) -> list[str]:
    with chat.app.uow() as uow:
        return [e.detail or "" for e in uow.session.exec(select(AuditEvent).where(AuditEvent.name == name))]


def test_purge_says_what_it_did_and_dry_run_changes_nothing(cli_env: Chat, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KETENBOT_RETENTION_CLOSED_CASE_MONTHS", "2")
    dry = cli_env.cli(["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0
    assert "proefrun — zou doen: casussen geanonimiseerd: 1 (VH-2026-0005)" in dry.output
    assert admin_events(cli_env, "privacy.purge") == []
    done = cli_env.cli(["privacy", "purge"])
    assert done.exit_code == 0 and done.output.startswith("gedaan: casussen geanonimiseerd: 1 (VH-2026-0005)")
    again = cli_env.cli(["privacy", "purge"])
    assert "casussen geanonimiseerd: 0 (-)" in again.output
    assert len(admin_events(cli_env, "privacy.purge")) == 2


def test_a_bad_retention_setting_is_one_clear_line(cli_env: Chat, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KETENBOT_RETENTION_CLOSED_CASE_MONTHS_BY_TRACK", "martians=3")
    result = cli_env.cli(["privacy", "purge"])
    assert result.exit_code == 2 and "verwacht spoor=maanden" in result.output


def test_export_prints_json_and_erase_is_audited_refused_and_forced(cli_env: Chat):
    jan = first_subject(cli_env, "Jan de Vries")
    exported = cli_env.cli(["privacy", "export", "--subject", str(jan)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["cases"][0]["code"] == "VH-2026-0001"
    erase = ["privacy", "erase", "--subject", str(jan), "--reason", "verzoek betrokkene"]
    refused = cli_env.cli(erase)
    assert refused.exit_code == 2 and "lopende casus (VH-2026-0001); gebruik --force" in refused.output
    forced = cli_env.cli([*erase, "--force"])
    assert forced.exit_code == 0 and "2 betrokkene-rijen geanonimiseerd" in forced.output
    assert admin_events(cli_env, "privacy.erase") == [
        f"betrokkene {jan} gewist (2 rijen, geforceerd): verzoek betrokkene"
    ]
    assert admin_events(cli_env, "privacy.export") == [f"subject {jan}"]


def test_erase_keeps_every_part_of_the_name_out_of_the_audit_log(cli_env: Chat):
    """The reason names the person more often than not: it is recorded with each part of every name they
    were known under replaced, in Dutch, and earlier audit details lose those names too."""
    jan = first_subject(cli_env, "Jan de Vries")
    with cli_env.app.uow() as uow:
        audit_admin(uow, cli_env.clock.now(), "privacy.note", "gebeld over jan; De Vries wil inzage")
        uow.commit()
    reason = "verzoek Jan de Vries (zoon van Jan)"
    erased = cli_env.cli(["privacy", "erase", "--subject", str(jan), "--reason", reason, "--force"])
    assert erased.exit_code == 0, erased.output
    assert "1 auditdetails" in erased.output
    assert admin_events(cli_env, "privacy.erase") == [
        f"betrokkene {jan} gewist (2 rijen, geforceerd): verzoek [verwijderd] (zoon van [verwijderd])"
    ]
    assert admin_events(cli_env, "privacy.note") == ["gebeld over [verwijderd]; [verwijderd] wil inzage"]
    log = cli_env.cli(["audit", "--format", "csv"])
    assert log.exit_code == 0, log.output
    assert "verzoek [verwijderd]" in log.output
    assert not [word for word in ("Jan", "Vries", "rows", "forced") if word.lower() in log.output.lower()]


def test_unknown_subjects_are_clear_errors(cli_env: Chat):
    for args in (["export", "--subject", "4242"], ["erase", "--subject", "4242", "--reason", "x"]):
        result = cli_env.cli(["privacy", *args])
        assert result.exit_code == 2 and "onbekende betrokkene: 4242" in result.output


def test_an_erased_signal_is_no_longer_possibly_known_in_the_triage_queue(cli_env: Chat):
    """A black-box finding: after an erase the queue still said "Mogelijk bekend: VH-…" for the erased
    person's new signal. An erased subject matches nothing."""
    assert "Mogelijk bekend: VH-2026-0001" in cli_env.say("/triage", user="procesmanager")
    jan = first_subject(cli_env, "Jan de Vries")
    erased = cli_env.cli(["privacy", "erase", "--subject", str(jan), "--reason", "verzoek", "--force"])
    assert erased.exit_code == 0, erased.output
    assert "Mogelijk bekend" not in cli_env.say("/triage", user="procesmanager")
