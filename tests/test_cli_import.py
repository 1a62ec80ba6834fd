"""``ketenbot import signals``: signals and mutaties from a CSV, all or nothing, both encodings."""

import pytest
from sqlmodel import col, func, select
from typer.main import get_command
from typer.testing import CliRunner

from bot.cli.main import app
from handlers.signals.bulk_import import import_signals
from storage.cases.tables import Signal, Subject
from storage.models import OutboxMessage
from tests.harness import Chat

runner = CliRunner()
HEADER = "name,birth_date,gemeente,categories,urgency,description\n"
ROWS = (
    "Pieter Fictief,01-02-1980,Waterdam,overlast,normaal,Fictief: geluidsoverlast\n"
    "Jan de Vries,12-03-1985,Waterdam,overlast;schulden,hoog,Fictief: weer overlast\n"
)


@pytest.fixture
def cli_env(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", chat.app.settings.database_url)
    return chat


def _signal_count(chat: Chat) -> int:
    with chat.app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(Signal)).one())


def _name(chat: Chat, handle: str) -> str:
    with chat.app.uow() as uow:
        member = uow.members.by_handle(handle)
        assert member is not None
        return member.name


def _run(chat: Chat, tmp_path, content: bytes, *args: str):
    path = tmp_path / "signals.csv"
    path.write_bytes(content)
    return chat.cli(
        ["import", "signals", str(path), "--source", "politie", "--door", "@procesmanager", *args]
    )


def test_rows_become_signals_and_a_known_person_a_mutatie(cli_env: Chat, tmp_path):
    cli_env.deliver()
    before = _signal_count(cli_env)
    dry = _run(
        cli_env,
        tmp_path,
        (HEADER + ROWS.replace("overlast;schulden", '"overlast,schulden"')).encode(),
        "--dry-run",
    )
    assert dry.exit_code == 0, dry.output
    assert (
        "Proefrun: 1 nieuw signaal en 1 mutatie" in dry.output and "1 mutatie op VH-2026-0001" in dry.output
    )
    assert _signal_count(cli_env) == before
    done = _run(
        cli_env, tmp_path, (HEADER + ROWS.replace("overlast;schulden", '"overlast,schulden"')).encode()
    )
    assert done.exit_code == 0, done.output
    assert "Geïmporteerd: 1 nieuw signaal en 1 mutatie" in done.output
    assert _signal_count(cli_env) == before + 2
    queue = cli_env.say("/triage", user="procesmanager")
    assert "Pieter Fictief" in queue and "Fictief: weer overlast" not in queue
    sent = cli_env.deliver()
    assert [m.user_id for m in sent if "Mutatie op VH-2026-0001" in m.text] == ["procesmanager", "regisseur"]


def test_invalid_rows_are_reported_by_line_and_nothing_is_imported(cli_env: Chat, tmp_path):
    before = _signal_count(cli_env)
    bad = (
        HEADER
        + ROWS
        + "Eva Fictief,31-02-1990,Waterdam,overlast,normaal,Fictief\n"
        + "Tom Fictief,,Waterdam,vandalisme,normaal,Fictief\n"
        + "Ina Fictief,,Waterdam,overlast,spoed,Fictief\n"
        + "123,,Waterdam,overlast,normaal,Fictief\n"
        + "Kim Fictief,,Waterdam,overlast\n"
    )
    result = _run(cli_env, tmp_path, bad.encode())
    assert result.exit_code == 1
    for expected in (
        "regel 4: geboortedatum '31-02-1990'",
        "regel 5: onbekende of ontbrekende categorie (vandalisme)",
        "regel 6: urgentie 'spoed'",
        "regel 7: geen bruikbare naam",
        "regel 8: 4 kolommen in plaats van 6",
        "5 van 7 rijen zijn ongeldig: er is niets geïmporteerd.",
    ):
        assert expected in result.output
    assert _signal_count(cli_env) == before


def test_a_wrong_header_says_what_is_expected(cli_env: Chat, tmp_path):
    result = _run(cli_env, tmp_path, ("naam;geboortedatum;plaats\n" + "Pieter Fictief;;Waterdam\n").encode())
    assert result.exit_code == 2
    assert (
        "De eerste regel moet zijn: name;birth_date;gemeente;categories;urgency;description" in result.output
    )


def test_windows_1252_and_utf8_with_semicolons_and_duplicates(cli_env: Chat, tmp_path):
    row = "Zoë Fictief;;Rivierstad;psychisch;normaal;Fictief: café-bezoek\n"
    content = (HEADER.replace(",", ";") + row + row).encode("cp1252")
    result = _run(cli_env, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert (
        "regel 3 is gelijk aan regel 2" in result.output and "(1 dubbele rij overgeslagen)" in result.output
    )
    utf8 = ("\ufeff" + HEADER.replace(",", ";") + row.replace("Zoë", "Chloë")).encode("utf-8")
    assert _run(cli_env, tmp_path, utf8).exit_code == 0
    with cli_env.app.uow() as uow:
        # names and descriptions are stored encrypted: decrypt by reading them, then filter here
        names = [n for n in uow.session.exec(select(Subject.name)).all() if n.endswith("Fictief")]
        descriptions = [d for d in uow.session.exec(select(Signal.description)).all() if "caf" in d]
    assert {"Zoë Fictief", "Chloë Fictief"} <= set(names)
    assert list(descriptions) == ["Fictief: café-bezoek", "Fictief: café-bezoek"]


def test_the_importer_must_be_named_and_is_credited_with_the_source_recorded(cli_env: Chat, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + ROWS)
    result = cli_env.cli(["import", "signals", str(path), "--source", "jeugdbescherming"])
    assert result.exit_code == 2 and "--door" in result.output
    # black-box finding: --help showed --door as optional; it is required in the CLI definition itself
    command = get_command(app).commands["import"].commands["signals"]  # type: ignore[attr-defined]
    (door,) = [param for param in command.params if param.name == "door"]
    assert door.required and door.metavar == "@HANDLE"
    shown = cli_env.cli(["import", "signals", "--help"], env={"COLUMNS": "200"}).output
    assert any(line.lstrip("│ ").startswith("*  --door") for line in shown.splitlines())  # "*": required
    unknown = cli_env.cli(["import", "signals", str(path), "--source", "politie", "--door", "@niemand"])
    assert unknown.exit_code == 2 and "Geen actief lid met handle @niemand" in unknown.output
    # a source without members of its own is fine: the signals are the importer's, from that source
    done = cli_env.cli(
        ["import", "signals", str(path), "--source", "jeugdbescherming", "--door", "@procesmanager"]
    )
    assert done.exit_code == 0, done.output
    with cli_env.app.uow() as uow:
        importer = uow.members.by_handle("@procesmanager")
        imported = uow.session.exec(select(Signal).where(Signal.import_source == "jeugdbescherming")).all()
        assert importer is not None and len(imported) == 2
        assert {s.reporter_id for s in imported} == {importer.id}


def test_importing_the_same_file_twice_adds_nothing_the_second_time(cli_env: Chat, tmp_path):
    before = _signal_count(cli_env)
    first = _run(cli_env, tmp_path, (HEADER + ROWS).encode())
    assert "Geïmporteerd: 1 nieuw signaal en 1 mutatie (0 dubbele rijen overgeslagen)" in first.output
    again = _run(cli_env, tmp_path, (HEADER + ROWS).encode())
    assert again.exit_code == 0, again.output
    assert "regel 2 is al eerder geïmporteerd (S-" in again.output
    assert "Geïmporteerd: 0 nieuwe signalen en 0 mutaties (2 dubbele rijen overgeslagen)" in again.output
    assert _signal_count(cli_env) == before + 2


def test_dutch_headers_labels_and_an_acute_row_that_alerts_every_procesmanager(cli_env: Chat, tmp_path):
    cli_env.deliver()
    content = (
        "Naam;Geboortedatum;Gemeente;Categorieën;Urgentie;Omschrijving\n"
        "Rob Fictief;01-02-1980;Waterdam;huiselijk geweld;acuut;Fictief: ruzie gehoord\n"
        "Lot Fictief;;Waterdam;Nuisance, debts;high;Fictief: overlast\n"
    )
    result = _run(cli_env, tmp_path, content.encode())
    assert result.exit_code == 0, result.output
    with cli_env.app.uow() as uow:
        signals = uow.session.exec(select(Signal).order_by(col(Signal.id).desc()).limit(2)).all()
    assert [(s.categories, s.urgency) for s in signals] == [
        (["overlast", "schulden"], "hoog"),
        (["huiselijk_geweld"], "acuut"),
    ]
    alerts = [m for m in cli_env.deliver() if "ACUUT signaal" in m.text]
    assert sorted(str(m.user_id) for m in alerts) == ["procesmanager", "procesmanager2"]
    assert all(
        f"geïmporteerd door {_name(cli_env, '@procesmanager')} (import Politie)" in m.text for m in alerts
    )
    assert all([b.id for b in m.buttons] == ["coderood.plan"] for m in alerts)  # code rood: acute HG


def test_an_unknown_category_lists_the_valid_ones(cli_env: Chat, tmp_path):
    result = _run(cli_env, tmp_path, (HEADER + "Tom Fictief,,Waterdam,vandalisme,normaal,Fictief\n").encode())
    assert result.exit_code == 1
    assert (
        "regel 2: onbekende of ontbrekende categorie (vandalisme); kies uit: overlast, huiselijk geweld,"
        in (result.output)
    )


def test_ten_thousand_rows_in_one_transaction(sqlite_chat: Chat):  # SQLite only: ~30 s per backend here
    chat = sqlite_chat
    lines = [HEADER]
    for i in range(10_000):
        lines.append(f"Persoon{i} Fictief,,Waterdam,overlast,normaal,Fictief: melding {i}\n")
    lines.append("Jan de Vries,12-03-1985,Waterdam,overlast,normaal,Fictief: mutatie\n")
    data = "".join(lines).encode()
    with chat.app.uow() as uow:
        reporter = uow.members.by_handle("@wijkagent")
        assert reporter is not None and reporter.id is not None
    before = _signal_count(chat)
    result = import_signals(
        chat.app.uow(),
        data,
        reporter_id=reporter.id,
        now=chat.clock.now(),
        today=chat.clock.today(),
        dry_run=False,
    )
    assert (result.signals, result.mutaties, result.errors) == (10_000, 1, [])
    assert _signal_count(chat) == before + 10_001
    with chat.app.uow() as uow:
        keys = uow.session.exec(
            select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).like("mutatie:%"))
        )
        assert len(keys.all()) == 2  # procesregie and casusregie of VH-2026-0001


def test_only_the_vhh_or_a_member_of_the_source_may_be_credited_with_an_import(cli_env: Chat, tmp_path):
    """Issue 17: ``--door @wijkagent`` for another partner's list was accepted; the politie's agent would
    hear the outcome of GGZ's signals."""
    path = tmp_path / "s.csv"
    path.write_text(HEADER + ROWS)
    before = _signal_count(cli_env)
    refused = cli_env.cli(["import", "signals", str(path), "--source", "ggz", "--door", "@wijkagent"])
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        "@wijkagent kan niet als importeur op de signalen komen: dat kan alleen een procesmanager, een "
        "beheerder of een actief lid van een partner van soort ggz. Er is niets geïmporteerd."
    )
    partner = cli_env.cli(["import", "signals", str(path), "--source", "politie", "--door", "@ggz"])
    assert partner.exit_code == 2 and "@ggz kan niet als importeur" in partner.output
    assert _signal_count(cli_env) == before
    own = cli_env.cli(["import", "signals", str(path), "--source", "politie", "--door", "@wijkagent"])
    assert own.exit_code == 0, own.output  # the politie's own member, for the politie's list
    beheer = cli_env.cli(
        ["import", "signals", str(path), "--source", "ggz", "--door", "@beheerder", "--dry-run"]
    )
    assert beheer.exit_code == 0, beheer.output
    with cli_env.app.uow() as uow:
        agent = uow.members.by_handle("wijkagent")
        imported = uow.session.exec(select(Signal).where(Signal.import_source == "politie")).all()
    assert agent is not None and len(imported) == 2 and {s.reporter_id for s in imported} == {agent.id}
