"""The beheerder's CLI: organisations, members, invites, revocation and the audit export."""

import csv
import io

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.harness import Chat

runner = CliRunner()


@pytest.fixture
def cli_env(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", chat.app.settings.database_url)
    if not chat.app.settings.database_url.startswith("sqlite"):
        from storage import migrate

        migrate.upgrade(chat.app.settings.database_url)
    return chat


def invoke(chat: Chat, *args: str) -> str:
    result = chat.cli(list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_help_everywhere():
    for args in ([], ["admin"], ["admin", "org"], ["admin", "invite"], ["admin", "member"], ["db"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Gebruik:" in result.output


def test_org_add_invite_create_and_join(cli_env: Chat):
    assert "Stichting Jeugdbescherming Test" in invoke(
        cli_env, "admin", "org", "add", "Stichting Jeugdbescherming Test", "--kind", "jeugdbescherming"
    )
    assert "Stichting Jeugdbescherming Test" in invoke(cli_env, "admin", "org", "list")
    output = invoke(
        cli_env,
        "admin",
        "invite",
        "create",
        "--org",
        "Stichting Jeugdbescherming Test",
        "--role",
        "voorzitter",
    )
    code = output.split("code: ")[1].split()[0]
    assert "Je code klopt" in cli_env.say(f"/aanmelden {code}", user="jb-voorzitter")
    assert "voorzitter" in cli_env.say("/ik", user="jb-voorzitter")
    assert "gebruikt" in invoke(cli_env, "admin", "invite", "list")


def test_duplicate_org_and_unknown_org_are_refused(cli_env: Chat):
    result = cli_env.cli(["admin", "org", "add", "Woonstede", "--kind", "woningcorporatie"])
    assert result.exit_code == 2 and "organisatie 'Woonstede' bestaat al" in result.output
    result = cli_env.cli(["admin", "invite", "create", "--org", "Bestaat Niet"])
    assert result.exit_code == 2 and "geen organisatie 'Bestaat Niet'" in result.output


def test_revoke_member_and_invite(cli_env: Chat):
    with cli_env.app.uow() as uow:
        member = uow.members.by_handle("woonstede")
        assert member is not None
    assert "ingetrokken" in invoke(cli_env, "admin", "member", "revoke", str(member.id))
    assert "/aanmelden CODE" in cli_env.say("/ik", user="woonstede")
    assert "ingetrokken" in invoke(cli_env, "admin", "member", "list", "--all")
    output = invoke(cli_env, "admin", "invite", "create", "--org", "Woonstede")
    invite_id = output.split("uitnodiging ")[1].split()[0]
    invoke(cli_env, "admin", "invite", "revoke", invite_id)
    code = output.split("code: ")[1].split()[0]
    assert "kun je je niet aanmelden" in cli_env.say(f"/aanmelden {code}", user="te-laat")


def test_revoking_a_revoked_member_says_since_when_and_audits_a_noop(cli_env: Chat):
    from datetime import timedelta

    from sqlmodel import select

    from storage.models import AuditEvent, Member

    with cli_env.app.uow() as uow:
        member = uow.members.by_handle("woonstede")
        assert member is not None
    first = invoke(cli_env, "admin", "member", "revoke", str(member.id))
    assert f"lid {member.id} (Daan Peters) ingetrokken" in first
    revoked_at = cli_env.clock.now()
    cli_env.clock.advance(timedelta(days=3))
    again = invoke(cli_env, "admin", "member", "revoke", str(member.id))
    assert again.strip() == f"lid {member.id} (Daan Peters) was al ingetrokken op 26-11-2026: niets veranderd"
    with cli_env.app.uow() as uow:
        stored = uow.session.get(Member, member.id)
        assert stored is not None and stored.revoked_at == revoked_at  # the first date stays
        events = uow.session.exec(
            select(AuditEvent).where(AuditEvent.name == "member.revoke").order_by(AuditEvent.id)  # type: ignore[arg-type]
        ).all()
    assert [e.outcome for e in events] == ["ok", "noop"]
    assert events[1].detail is not None and "already revoked" in events[1].detail


def test_audit_filters_and_csv(cli_env: Chat):
    cli_env.say("/ik", user="wijkagent")
    cli_env.say("/help", user="ggz")
    with cli_env.app.uow() as uow:
        member = uow.members.by_handle("wijkagent")
        assert member is not None
    rows = list(
        csv.reader(io.StringIO(invoke(cli_env, "audit", "--member", str(member.id), "--format", "csv")))
    )
    assert rows[0][:6] == ["at", "member", "platform", "chat", "kind", "name"]
    assert [r[5] for r in rows[1:]] == ["ik"]
    rows = list(
        csv.reader(
            io.StringIO(
                invoke(
                    cli_env,
                    "audit",
                    "--command",
                    "help",
                    "--format",
                    "csv",
                    "--since",
                    "26-11-2026",
                    "--until",
                    "26-11-2026",
                )
            )
        )
    )
    assert len(rows) == 2 and rows[1][5] == "help"
    rows = list(
        csv.reader(
            io.StringIO(
                invoke(cli_env, "audit", "--command", "help", "--format", "csv", "--since", "27-11-2026")
            )
        )
    )
    assert len(rows) == 1
    assert "Audit" in invoke(cli_env, "audit")


def test_huge_ids_and_bad_days_are_one_clear_line_never_a_traceback(cli_env: Chat):
    """Black-box finding: 20-digit ids crashed six CLI commands with an OverflowError traceback."""
    huge = "99999999999999999999"
    for args in (
        ["admin", "member", "revoke", huge],
        ["admin", "member", "grant", huge, "--role", "management"],
        ["admin", "invite", "revoke", huge],
        ["audit", "--member", huge],
        ["privacy", "export", "--subject", huge],
        ["admin", "invite", "create", "--org", "Woonstede", "--days", "0"],
        ["admin", "invite", "create", "--org", "Woonstede", "--days", huge],
    ):
        result = cli_env.cli(args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)


def test_huge_org_and_case_ids_are_refused_with_the_id_rule(cli_env: Chat):
    """Black-box finding: ``--org`` and ``--case`` with 20 digits crashed with an OverflowError."""
    huge = "99999999999999999999"
    for args, what in (
        (["admin", "invite", "create", "--org", huge], "organisatie"),
        (["audit", "--case", huge], "casus"),
    ):
        result = cli_env.cli(args)
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert f"ongeldig id van {what} '{huge}': een heel getal van 1 tot en met 2147483647" in result.output


def test_an_empty_or_bidi_organisation_name_is_refused(cli_env: Chat):
    before = invoke(cli_env, "admin", "org", "list")
    for name in ("", "   "):
        result = cli_env.cli(["admin", "org", "add", name, "--kind", "gemeente"])
        assert result.exit_code == 2 and "de naam van de organisatie is leeg" in result.output
    bidi = cli_env.cli(["admin", "org", "add", "Gemeente \u202eWaterdam", "--kind", "gemeente"])
    assert bidi.exit_code == 2 and "onzichtbare stuurtekens" in bidi.output
    assert invoke(cli_env, "admin", "org", "list") == before
    spaced = invoke(cli_env, "admin", "org", "add", "  Gemeente   Oosterdam ", "--kind", "gemeente")
    assert ": Gemeente Oosterdam (gemeente)" in spaced
