"""Black-box QA findings on the CLI: what it says when the input is wrong, in Dutch and in one line.

Click's own "(Possible options: --role)", a stack trace for an output file that cannot be written, an English
argument name ("file"), "Onbekende optie: -5" for a negative id, a Slack manifest for "--url notaurl" and the
console's "is not valid base64"."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from typer.main import get_command

from bot.cli.main import app
from tests.harness import Chat
from tests.test_cli_dutch import FRAMEWORK_ENGLISH, commands

WIDE = {"COLUMNS": "200"}  # rich's error panel would wrap a long line


def test_an_unknown_option_suggests_the_close_ones_in_dutch(sqlite_chat: Chat):
    for args, expected in (
        (["admin", "member", "grant", "3", "--rol", "management"], "--rol. Bedoelde je --role?"),
        (["privacy", "export", "--subjct", "1"], "--subjct. Bedoelde je --subject?"),
        (["privacy", "purge", "--dryrun"], "--dryrun. Bedoelde je --dry-run?"),
        (["audit", "--frmat", "csv"], "--frmat. Bedoelde je --format?"),
        (["admin", "member", "list", "--al"], "--al. Bedoelde je --all of --help?"),
        (["admin", "invite", "list", "--foo"], "--foo"),
    ):
        refused = sqlite_chat.cli(args, env=WIDE, prog_name="ketenbot")
        assert refused.exit_code == 2, (args, refused.output)
        assert f"Onbekende optie: {expected}" in refused.output, refused.output
        assert "Possible" not in refused.output and not FRAMEWORK_ENGLISH.search(refused.output)


def test_a_report_or_export_that_cannot_be_written_is_one_dutch_line(sqlite_chat: Chat, tmp_path: Path):
    missing = tmp_path / "bestaat-niet" / "x.png"
    a_file = tmp_path / "gewoon-bestand"
    a_file.write_text("x")
    dangling = tmp_path / "link.md"  # passes the early check; the write itself fails
    dangling.symlink_to(tmp_path / "weg" / "x.md")
    for output, fmt, reason in (
        (missing, "png", "de map bestaat niet"),
        (tmp_path, "png", "dat is een map"),
        (a_file / "x.xlsx", "xlsx", "een deel van het pad is geen map"),
        (dangling, "md", "de map bestaat niet"),
    ):
        refused = sqlite_chat.cli(["rapport", "--quarter", "2026Q3", "--format", fmt, "-o", str(output)])
        assert refused.exit_code == 1, refused.output
        assert refused.output == f"Kan het rapport niet schrijven naar {output}: {reason}.\n"
    export = sqlite_chat.cli(["privacy", "export", "--subject", "1", "-o", str(missing)])
    assert export.exit_code == 1
    assert export.output == f"Kan de export niet schrijven naar {missing}: de map bestaat niet.\n"
    with sqlite_chat.app.uow() as uow:  # refused before anything was read: nothing to audit
        assert uow.audit.search(name="privacy.export") == []
    written = sqlite_chat.cli(["privacy", "export", "--subject", "1", "-o", str(tmp_path / "e.json")])
    assert written.exit_code == 0 and json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))


def test_every_argument_has_a_dutch_name(sqlite_chat: Chat):
    names = {
        (" ".join(path), param.display_name_raw)
        for path, command in commands(get_command(app))
        for param in command.params
        if getattr(param, "param_type_name", "") == "argument"
    }
    assert {name for _, name in names} <= {"ID", "NAAM", "NAAM|CODE", "BESTAND"}, names
    assert ("import signals", "BESTAND") in names
    missing = sqlite_chat.cli(["import", "signals"], env=WIDE, prog_name="ketenbot")
    assert missing.exit_code == 2 and "Ontbrekend argument 'BESTAND'." in missing.output
    assert "file" not in missing.output


def test_a_negative_id_is_an_invalid_id_not_an_unknown_option(sqlite_chat: Chat):
    for args, what in (
        (["admin", "member", "revoke", "-5"], "lid"),
        (["admin", "member", "grant", "-5", "--role", "management"], "lid"),
        (["admin", "member", "grant", "--role", "management", "-5"], "lid"),
        (["admin", "invite", "revoke", "-0"], "uitnodiging"),
    ):
        refused = sqlite_chat.cli(args)
        assert refused.exit_code == 2, (args, refused.output)
        typed = next(a for a in args if a[1:].isdigit())
        assert refused.output.strip() == (
            f"ongeldig id van {what} '{typed}': een heel getal van 1 tot en met 2147483647"
        ), args
    other = sqlite_chat.cli(["admin", "member", "revoke", "-x"], env=WIDE)
    assert other.exit_code == 2 and "Onbekende optie: -x" in other.output


def test_slack_manifest_refuses_a_url_that_is_no_http_address(sqlite_chat: Chat):
    for url, problem in (
        ("notaurl", "moet met https:// (of http://) beginnen"),
        ("ftp://bot.example.org", "moet met https:// (of http://) beginnen"),
        ("https://", "heeft geen host"),
        ("https://bot.example.org:http", "is geen geldig adres"),
        ("https://bot.example.org?x=1", "mag geen ?-query of #-fragment hebben"),
        ("https://bot .example.org", "bevat spaties of onzichtbare tekens"),
    ):
        refused = sqlite_chat.cli(["slack", "manifest", "--url", url])
        assert refused.exit_code == 2, (url, refused.output)
        assert refused.output.startswith(f"--url '{url}' {problem}"), refused.output
        assert "bijv. https://bot.example.org" in refused.output
    for url in ("https://bot.example.org/", "http://localhost:3000"):
        shown = sqlite_chat.cli(["slack", "manifest", "--url", url])
        assert shown.exit_code == 0, shown.output
        assert f'request_url: "{url.rstrip("/")}/slack/events"' in shown.output


def test_console_jsonl_explains_a_bad_line_in_the_operators_language(sqlite_chat: Chat):
    bad_file = {"user": "procesmanager", "text": "/import politie", "file": {"name": "l.csv", "data": "%%%"}}
    lines = [json.dumps(bad_file), "geen json", json.dumps({"user": "procesmanager", "file": "l.csv"})]
    contract = 'Verwacht: één JSON-object per regel met "user" en "text" of "press".'
    for language, expected in (
        (
            "nl",
            [
                f'Deze invoerregel kan ik niet lezen: "file.data" is geen geldige base64. {contract}',
                f"Deze invoerregel kan ik niet lezen: geen geldige JSON (fout bij teken 1). {contract}",
                'Deze invoerregel kan ik niet lezen: "file" moet een object zijn met "name" en "data" '
                f"(base64). {contract}",
            ],
        ),
        ("en", ['I can\'t read this input line: "file.data" is not valid base64. Expected: one']),
    ):
        ran = sqlite_chat.cli(
            ["console", "--jsonl"], input="\n".join(lines) + "\n", env={"KETENBOT_LANGUAGE": language}
        )
        assert ran.exit_code == 0, ran.output
        errors = [json.loads(line)["error"] for line in ran.stdout.splitlines()]
        assert len(errors) == len(lines)
        for error, start in zip(errors, expected, strict=False):
            assert error.startswith(start), error
    good = {"name": "l.csv", "data": base64.b64encode(b"name,birth_date\n").decode()}
    ran = sqlite_chat.cli(["console", "--jsonl"], input=json.dumps({**bad_file, "file": good}) + "\n")
    answer = json.loads(ran.stdout.splitlines()[0])
    assert answer["to"] == "procesmanager" and "error" not in answer, answer
