import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.core import UserError
from handlers.reports.model import Quarter, Report, Row, Section, build_report, shown
from handlers.reports.rapport import parse_request
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")


def test_quarters_parse_and_have_local_bounds():
    assert Quarter.parse("2026Q3") == Quarter.parse("2026-q3") == Quarter(2026, 3)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    start, end = Quarter(2026, 4).bounds(TZ)
    assert start == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # 1 Oct 00:00 summer time
    assert end == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)  # 1 Jan 00:00 winter time
    for bad in ("2026Q5", "Q3", "2026", "derde kwartaal"):
        with pytest.raises(UserError):
            Quarter.parse(bad)


def test_the_request_reads_keywords_and_a_gemeente_of_several_words():
    request = parse_request("kwartaal 2026Q2 gemeente Den Bosch extern")
    assert (request.quarter, request.gemeente, request.extern) == (Quarter(2026, 2), "Den Bosch", True)
    assert parse_request("").quarter is None
    with pytest.raises(UserError):
        parse_request("2026Q2 2026Q3")


def test_small_numbers_are_suppressed_only_in_an_external_report():
    assert [shown(v, extern=True) for v in (0, 1, 4, 5, None)] == ["0", "<5", "<5", "5", "-"]
    assert [shown(v, extern=False) for v in (1, 4)] == ["1", "4"]
    assert shown(2.25, extern=True, is_median=True) == "2.2"


def test_the_demo_quarter_has_figures_beside_the_previous_quarter(chat: Chat):
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), TZ)
    opened = report.section("cases_opened")
    assert sum(int(r.current or 0) for r in opened.rows) >= 2
    assert sum(int(r.previous or 0) for r in report.section("cases_active").rows) >= 1
    assert report.section("days_to_decision").rows[0].current == 2.0
    urgency = {r.label.key: r.current for r in report.section("signals_by_urgency").rows}  # type: ignore[union-attr]
    assert urgency["signal.urgency.acuut"] == 1
    assert report.section("huisverboden").available and report.section("overleg_attendance").available


def test_rapport_in_chat_gives_a_summary_a_png_chart_and_a_csv(chat: Chat):
    replies = chat.send("/rapport kwartaal 2026Q4", user="procesmanager")
    assert len(replies) == 3
    assert replies[0].text.startswith("Kwartaalrapportage 2026Q4 (vergeleken met 2026Q3) — alle gemeenten")
    assert "Huisverboden en verlengingen, huisverboden opgelegd: 0 (vorig kwartaal 0)" in replies[0].text
    chart, table = replies[1].file, replies[2].file
    assert chart is not None and table is not None
    assert chart.name == "rapport-2026Q4.png" and chart.mime == "image/png"
    assert chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(chart.data))
    assert image.format == "PNG" and image.size == (1200, 1350)
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Omschrijving", "2026Q4 t/m 26-11-2026", "2026Q3"]
    assert ["Signalen per urgentie", "acuut", "1", "0"] in rows
    assert ["Overleggen en opkomst", "opkomst (%)", "-", "-"] in rows


def test_an_external_report_for_one_gemeente_shows_no_count_below_five(chat: Chat):
    from handlers.reports.files import to_csv

    text = chat.say("/rapport 2026Q4 gemeente waterdam extern", user="beheerder")
    assert "— Waterdam" in text and "<5" in text
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), TZ, gemeente="WATERDAM", extern=True)
    data = to_csv(report, lambda text: chat.app.catalogue.render(text, "nl"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    counts = [cell for row in rows[1:] if not row[0].startswith("Dagen") for cell in row[2:]]
    assert all(not cell.isdigit() or cell == "0" or int(cell) >= 5 for cell in counts), counts


def test_bad_input_is_explained_and_partners_may_not_ask(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/rapport kwartaal 2026Q7", "'2026Q7' is geen kwartaal. Schrijf het als 2026Q3."),
            ("/rapport 2027Q1", "Kwartaal 2027Q1 is nog niet begonnen."),
            ("/rapport gemeente Nergenshuizen", "Over gemeente 'Nergenshuizen' zijn geen gegevens."),
        ]
    )
    assert "geen toegang tot /rapport" in chat.say("/rapport", user="wijkagent")


def test_the_chart_renders_an_empty_quarter_too():
    from handlers.reports.files import to_png

    empty = Report(
        Quarter(2020, 1),
        None,
        False,
        (
            Section("signals_by_category", ()),
            Section("cases_opened", ()),
            Section("triage_outcomes", (Row("x", 1, 2),)),
            Section("signals_by_source", ()),
        ),
    )
    data = to_png(empty, lambda text: text if isinstance(text, str) else text.key)
    assert Image.open(io.BytesIO(data)).size == (1200, 900)


def test_the_report_demo_fills_this_quarter_and_the_previous_one(sqlite_chat: Chat):
    from bot.demo.report import load_report_demo

    load_report_demo(sqlite_chat.app.uow(), sqlite_chat.clock.now())
    with sqlite_chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), TZ)
    signals = report.section("signals_by_urgency")
    assert sum(int(r.current or 0) for r in signals.rows) >= 15
    assert sum(int(r.previous or 0) for r in signals.rows) >= 15
    assert len(report.section("casusregie_by_organisation").rows) >= 3
    assert report.section("days_to_first_action").rows[0].previous is not None
