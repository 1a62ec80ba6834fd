"""Issue 17: the CLI speaks Dutch throughout: every command's --help text and what the commands say
(invite, privacy, admin, db, import, jobs), and the framework's own words too ("Gebruik:", "Opties",
"Toon deze hulp en stop.", "Ontbrekend argument": bot/cli/dutch.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from typer.main import get_command

from bot.cli.main import app
from tests.harness import Chat

# words that give an English sentence away (none is a Dutch word)
ENGLISH = re.compile(
    r"\b(the|must|unknown|print|also|revoked|written|refused|expected|invalid|already|subject|rows|"
    r"would|done|valid|until|types|bad|public|scripted|chat as|list of|show)\b",
    re.IGNORECASE,
)


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():  # typer vendors click: duck-typed
        yield from commands(sub, (*path, name))


def test_every_command_and_option_explains_itself_in_dutch():
    seen = []
    for path, command in commands(get_command(app)):
        assert command.help, f"`ketenbot {' '.join(path)}` has no help text"
        texts = [command.help] + [
            param.help or ""
            for param in command.params
            if getattr(param, "param_type_name", "") == "option" and param.name != "help"
        ]
        texts += [
            getattr(param, "help", None) or ""
            for param in command.params
            if getattr(param, "param_type_name", "") == "argument"
        ]
        for text in texts:
            assert not ENGLISH.search(text), f"`ketenbot {' '.join(path)}`: {text!r}"
        seen.append(" ".join(path))
    assert {"admin invite create", "privacy new-key", "db upgrade", "import signals", "jobs run"} <= set(seen)


def test_invite_create_speaks_dutch_and_shows_local_time(chat: Chat):
    made = chat.cli(["admin", "invite", "create", "--org", "Woonstede", "--role", "partner"])
    assert made.exit_code == 0, made.output
    first, code_line, hint = made.stdout.strip().splitlines()
    assert re.fullmatch(r"uitnodiging \d+ voor Woonstede als partner, geldig tot 03-12-2026 10:00", first)
    code = code_line.removeprefix("code: ")
    assert hint.startswith(f"de nieuwe collega typt: /aanmelden {code}")
    invite_id = first.split()[1]
    assert (
        chat.cli(["admin", "invite", "revoke", invite_id]).stdout.strip()
        == f"uitnodiging {invite_id} ingetrokken"
    )
    assert chat.cli(["admin", "invite", "revoke", "9999"]).output.strip() == "geen uitnodiging met id 9999"


def test_admin_db_and_privacy_messages_are_dutch(chat: Chat):
    status = chat.cli(["db", "status"])
    assert status.exit_code == 0 and status.stdout.startswith("huidige schemaversie: ")
    assert status.stdout.rstrip().endswith("ok")
    assert chat.cli(["admin", "member", "revoke", "9999"]).output.strip() == "geen lid met id 9999"
    refused = chat.cli(["privacy", "new-key", "--id", "k-1"])
    assert refused.output.strip() == "--id mag alleen letters en cijfers bevatten"
    empty = chat.cli(["privacy", "erase", "--subject", "1", "--reason", " "])
    assert empty.output.strip() == "--reason mag niet leeg zijn: de reden komt in het auditlog"
    bad_date = chat.cli(["audit", "--since", "31-02-2026"])
    assert bad_date.exit_code == 2 and bad_date.output.startswith("ongeldige datum: 31-02-2026")
    bad_setting = chat.cli(["db", "status"], env={"KETENBOT_TIMEZONE": "Europe/Atlantis"})
    assert bad_setting.output.strip() == (
        "fout in de instellingen — KETENBOT_TIMEZONE: onbekende tijdzone 'Europe/Atlantis' "
        "(bijvoorbeeld Europe/Amsterdam)"
    )


# the words typer and click print themselves, in English unless bot/cli/dutch.py puts Dutch in their place
FRAMEWORK_ENGLISH = re.compile(
    r"Usage:|\bOptions\b|\bCommands\b|\bArguments\b|Show this message|\bMissing\b|Try '|for help|"
    r"\[OPTIONS\]|COMMAND \[ARGS\]|\bError\b|\brequired\]|\[default:|No such|Invalid value|"
    r"<(int|bool|str|text)>"
)


def test_ketenbot_help_is_dutch_including_the_frameworks_words(sqlite_chat: Chat):
    shown = sqlite_chat.cli(["--help"], env={"COLUMNS": "120"}, prog_name="ketenbot")
    assert shown.exit_code == 0, shown.output
    text = shown.output
    assert "Gebruik: ketenbot [OPTIES] OPDRACHT [ARGUMENTEN]..." in text
    assert "Opties" in text and "Opdrachten" in text and "Toon deze hulp en stop." in text
    assert not FRAMEWORK_ENGLISH.search(text), FRAMEWORK_ENGLISH.search(text)


def test_every_sub_commands_help_is_dutch_including_the_frameworks_words(sqlite_chat: Chat):
    paths = [path for path, _ in commands(get_command(app)) if path]
    assert len(paths) > 20
    for path in paths:
        shown = sqlite_chat.cli([*path, "--help"], env={"COLUMNS": "120"}, prog_name="ketenbot")
        assert shown.exit_code == 0, (path, shown.output)
        assert shown.output.lstrip().startswith(f"Gebruik: ketenbot {' '.join(path)}"), (path, shown.output)
        found = FRAMEWORK_ENGLISH.search(shown.output)
        assert found is None, (path, found, shown.output)


def test_usage_errors_are_dutch(sqlite_chat: Chat):
    missing = sqlite_chat.cli(["admin", "invite", "revoke"], env={"COLUMNS": "120"}, prog_name="ketenbot")
    assert missing.exit_code == 2
    assert "Ontbrekend argument 'ID'." in missing.output
    assert "Typ 'ketenbot admin invite revoke --help' voor hulp." in missing.output
    unknown = sqlite_chat.cli(["bestaatniet"], env={"COLUMNS": "120"}, prog_name="ketenbot")
    assert unknown.exit_code == 2 and "Onbekende opdracht 'bestaatniet'." in unknown.output
    close = sqlite_chat.cli(["jobs", "lis"], env={"COLUMNS": "120"}, prog_name="ketenbot")
    assert close.exit_code == 2 and "Onbekende opdracht 'lis'. Bedoelde je 'list'?" in close.output
    option = sqlite_chat.cli(
        ["admin", "invite", "list", "--foo"], env={"COLUMNS": "120"}, prog_name="ketenbot"
    )
    assert option.exit_code == 2 and "Onbekende optie: --foo" in option.output
    number = sqlite_chat.cli(
        ["admin", "invite", "revoke", "abc"], env={"COLUMNS": "120"}, prog_name="ketenbot"
    )
    assert "ongeldig id van uitnodiging 'abc'" in number.output
    for result in (missing, unknown, close, option, number):
        assert not FRAMEWORK_ENGLISH.search(result.output), result.output


def test_invite_revoke_twice_says_it_was_revoked_and_the_list_shows_dutch_dates(chat: Chat):
    """Black-box findings: a second revoke said "ingetrokken" again; the list showed ISO dates."""
    made = chat.cli(["admin", "invite", "create", "--org", "Woonstede", "--role", "partner"])
    invite_id = made.stdout.split()[1]
    listed = chat.cli(["admin", "invite", "list"], env={"COLUMNS": "200"})
    row = next(line for line in listed.stdout.splitlines() if "Woonstede" in line)
    assert "03-12-2026 10:00" in row and "2026-12-03" not in row
    first = chat.cli(["admin", "invite", "revoke", invite_id])
    assert first.stdout.strip() == f"uitnodiging {invite_id} ingetrokken"
    chat.clock.advance(timedelta(days=1))
    again = chat.cli(["admin", "invite", "revoke", invite_id])
    assert again.exit_code == 0
    assert again.stdout.strip() == (
        f"uitnodiging {invite_id} was al ingetrokken op 26-11-2026: niets veranderd"
    )
    with chat.app.uow() as uow:
        outcomes = [e.outcome for e in uow.audit.search(name="invite.revoke")]
    assert sorted(outcomes) == ["noop", "ok"]


def test_a_huge_or_bad_id_is_refused_in_dutch(chat: Chat):
    """Black-box finding: a member id past 2^31-1 got typer's English range error."""
    for args, what in (
        (["admin", "member", "revoke", "99999999999"], "lid"),
        (["admin", "member", "grant", "99999999999", "--role", "management"], "lid"),
        (["admin", "invite", "revoke", "99999999999"], "uitnodiging"),
        (["audit", "--member", "99999999999"], "lid"),
        (["privacy", "export", "--subject", "99999999999"], "betrokkene"),
        (["privacy", "erase", "--subject", "0", "--reason", "verzoek"], "betrokkene"),
    ):
        refused = chat.cli(args)
        assert refused.exit_code == 2, args
        typed = next(a for a in args if a.isdigit())
        assert refused.output.strip() == (
            f"ongeldig id van {what} '{typed}': een heel getal van 1 tot en met 2147483647"
        ), args


def test_the_audit_table_shows_dutch_dates_and_csv_keeps_iso(chat: Chat):
    chat.say("/mijn", user="regisseur")
    table = chat.cli(["audit", "--command", "mijn"], env={"COLUMNS": "250"})
    assert "26-11-2026 10:00:00" in table.stdout and "2026-11-26" not in table.stdout
    csv = chat.cli(["audit", "--command", "mijn", "--format", "csv"])
    assert "2026-11-26 10:00:00" in csv.stdout


def test_a_wrong_choice_is_dutch_with_the_choices_and_flags_take_no_value(sqlite_chat: Chat):
    """Black-box findings: ``--role god`` said "Value error, ..."; ``--help`` and ``--force`` showed
    ``<ja/nee>`` as if they took a value."""
    env = {"COLUMNS": "200"}
    role = sqlite_chat.cli(["admin", "invite", "create", "--org", "1", "--role", "god"], env=env)
    assert role.exit_code == 2 and "Value error" not in role.output
    roles = "'partner', 'procesmanager', 'voorzitter', 'beheerder', 'management'"
    assert f"'god' is geen van {roles}." in role.output
    kind = sqlite_chat.cli(["admin", "org", "add", "Circus", "--kind", "circus"], env=env)
    assert kind.exit_code == 2 and "Value error" not in kind.output
    assert "'circus' is geen van 'politie'" in kind.output
    for path in (["jobs", "run"], ["privacy", "erase"], ["admin", "member", "list"]):
        shown = sqlite_chat.cli([*path, "--help"], env=env, prog_name="ketenbot")
        assert shown.exit_code == 0 and "Toon deze hulp en stop." in shown.output, shown.output
        assert "ja/nee" not in shown.output, (path, shown.output)
