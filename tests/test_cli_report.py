"""``ketenbot rapport`` in every format, and ``ketenbot audit --case CODE``."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from typer.testing import CliRunner

from tests.harness import Chat

runner = CliRunner()


@pytest.fixture
def cli_env(sqlite_chat: Chat, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("KETENBOT_DATABASE_URL", sqlite_chat.app.settings.database_url)
    return sqlite_chat


def test_markdown_and_csv_go_to_stdout(cli_env: Chat):
    result = cli_env.cli(["rapport", "--quarter", "2026Q4", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Kwartaalrapportage 2026Q4 (vergeleken met 2026Q3) — alle gemeenten")
    assert "| Signalen per urgentie | acuut | 1 | 0 |" in result.output
    assert "| Huisverboden en verlengingen | huisverboden opgelegd | 0 | 0 |" in result.output
    result = cli_env.cli(["rapport", "--quarter", "2026Q4", "--format", "csv", "--extern"])
    assert result.exit_code == 0 and "Signalen per urgentie;acuut;<5;0" in result.output


def test_png_and_xlsx_are_written_to_files(cli_env: Chat, tmp_path: Path):
    chart = tmp_path / "r.png"
    result = cli_env.cli(["rapport", "--quarter", "2026Q4", "--format", "png", "-o", str(chart)])
    assert result.exit_code == 0, result.output
    assert Image.open(io.BytesIO(chart.read_bytes())).size == (1200, 1350)
    book = tmp_path / "r.xlsx"
    result = cli_env.cli(
        ["rapport", "--quarter", "2026Q4", "--gemeente", "Waterdam", "--format", "xlsx", "-o", str(book)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book).active
    assert sheet is not None and sheet.title == "2026Q4"
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == (
        "Kwartaalrapportage 2026Q4 (vergeleken met 2026Q3) — Waterdam. "
        "2026Q4 loopt nog: de cijfers gaan t/m 26-11-2026, 2026Q3 is een heel kwartaal."
    )
    assert ("Signalen per urgentie", "acuut", 1, 0) in rows


def test_bad_input_is_one_clear_line(cli_env: Chat):
    for args, expected in (
        (["--quarter", "2026Q9"], "'2026Q9' is geen kwartaal"),
        (["--gemeente", "Nergens"], "Over gemeente 'Nergens' zijn geen gegevens"),
        (["--format", "pdf"], "--format moet een van deze zijn: md, csv, png, xlsx"),
    ):
        result = cli_env.cli(["rapport", *args])
        assert result.exit_code == 2 and expected in result.output, result.output


def test_audit_accepts_a_case_code(cli_env: Chat):
    cli_env.say("/casus VH-2026-0001", user="wijkagent")
    result = cli_env.cli(["audit", "--case", "VH-2026-0001", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert ",read,casus,1,ok," in result.output
    unknown = cli_env.cli(["audit", "--case", "VH-2026-0999"])
    assert unknown.exit_code == 2 and "onbekende casus: VH-2026-0999" in unknown.output
