"""Issue 17 item 9: what the report says and draws. Mutatie choices are not triage outcomes; an external
chart shows "<5" instead of drawing 0 and never a negative axis; bars carry their values and no generic
"Categorie" axis; the chart keeps the largest rows by either quarter and says how many are left out; the
partner poll's comments appear; a semicolon CSV has decimal commas; a running quarter says "t/m <datum>"."""

import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes

from handlers.reports.files import chart, chart_bars, table, to_csv
from handlers.reports.model import Quarter, Report, Row, Section, build_report
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")
Q4 = Quarter(2026, 4)
JAN = {"name": "Jan de Vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}


def _render(chat: Chat):  # type: ignore[no-untyped-def]
    return lambda text: chat.app.catalogue.render(text, "nl")


def _rows(chat: Chat, report: Report) -> dict[tuple[str, str], list[str]]:
    return {(row[0], row[1]): row[2:] for row in table(report, _render(chat))[1:]}


def test_a_mutatie_choice_is_its_own_figure_and_not_a_raw_key_among_triage_outcomes(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)
    chat.press("mutatie.note", str(last_signal_id(chat)), user="procesmanager")
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    rows = _rows(chat, report)
    assert not [key for key in rows if key[0] == "Triage-uitkomsten" and "." in key[1]]  # no raw i18n key
    assert ("Triage-uitkomsten", "alleen genoteerd") not in rows
    assert rows[("Mutaties: keuze van de procesregie", "alleen genoteerd")] == ["1", "0"]


def _axes(chat: Chat, report: Report) -> dict[str, Axes]:
    figure = chart(report, _render(chat))
    return {ax.get_title(): ax for ax in figure.axes if ax.get_visible()}


def test_the_external_chart_says_less_than_five_and_never_draws_a_negative_axis(chat: Chat):
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ, extern=True)
    axes = _axes(chat, report)
    category = axes["Signalen per categorie"]
    assert "<5" in [text.get_text() for text in category.texts]
    for title, ax in axes.items():
        low, high = ax.get_xlim()
        assert low == 0 and high >= 1, (title, low, high)
        assert ax.get_ylabel() == "", title  # no "Categorie" on every axis
    empty = axes["Huisverboden en verlengingen"]  # all zero: values on the bars, not an empty panel
    assert "0" in [text.get_text() for text in empty.texts]


def test_internal_bars_carry_their_values(chat: Chat):
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    category = _axes(chat, report)["Signalen per categorie"]
    bars = chart_bars(report, report.section("signals_by_category"), _render(chat))
    assert bars.current_text and {*bars.current_text} <= {text.get_text() for text in category.texts}


def test_the_chart_keeps_the_largest_rows_of_either_quarter_and_says_how_many_are_left_out(chat: Chat):
    rows = (*(Row(f"bron {n}", 10 + n, 10) for n in range(9)), Row("weggevallen", 0, 50))
    report = Report(Q4, None, False, (Section("signals_by_source", rows),))
    bars = chart_bars(report, report.sections[0], _render(chat))
    assert "weggevallen" in bars.labels and len(bars.labels) == 8 and bars.left_out == 2
    texts = [text.get_text() for text in _axes(chat, report)["Signalen per aanmeldende organisatie"].texts]
    assert "+2 kleinere in de tabel" in texts


def test_poll_comments_appear_in_the_summary_and_the_csv_but_not_externally(chat: Chat):
    with chat.app.uow() as uow:
        # a round that closed a minute ago: /rapport seals its answers before it counts them
        poll = uow.polls.start_round(
            chat.clock.now() - timedelta(days=3), chat.clock.now() - timedelta(minutes=1)
        )
        assert poll.id is not None
        # comments are shown once five members answered (fewer could point at the writer)
        for number, handle in enumerate(("@wijkagent", "@regisseur", "@ggz", "@veiligthuis", "@woonstede")):
            member = uow.members.by_handle(handle)
            assert member is not None and member.id is not None
            uow.polls.answer(poll.id, member.id, 1, score=4)
            if number < 2:
                uow.polls.answer(
                    poll.id, member.id, 0, score=None, comment=f"Fictief: opmerking {number + 1}"
                )
        uow.commit()
    summary, _, table_file = chat.send("/rapport", user="procesmanager")
    assert "Opmerkingen uit de partnerpeiling (2):" in summary.text
    assert "- Fictief: opmerking 1" in summary.text and "- Fictief: opmerking 2" in summary.text
    assert table_file.file is not None
    rows = list(csv.reader(io.StringIO(table_file.file.data.decode("utf-8-sig")), delimiter=";"))
    assert ["Opmerking partnerpeiling", "Fictief: opmerking 2"] in rows
    extern = chat.send("/rapport extern", user="procesmanager")[0].text
    assert "opmerking 1" not in extern


def test_decimals_in_the_csv_use_a_comma(chat: Chat):
    rows = (Row("opkomst (%)", 71.4, 50.0, is_rate=True), Row("gehouden", 3, 1))
    report = Report(Q4, None, False, (Section("overleg_attendance", rows),))
    text = to_csv(report, _render(chat)).decode("utf-8-sig")
    assert "Overleggen en opkomst;opkomst (%);71,4;50,0" in text and "gehouden;3;1" in text


def test_a_running_quarter_says_up_to_which_day_and_a_past_one_does_not(chat: Chat):
    running = chat.say("/rapport", user="procesmanager")
    assert "2026Q4 loopt nog: de cijfers gaan t/m 26-11-2026, 2026Q3 is een heel kwartaal." in running
    past = chat.say("/rapport 2026Q3", user="procesmanager")
    assert "loopt nog" not in past and "t/m" not in past
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ, today=date(2026, 11, 26))
    assert table(report, _render(chat))[0][2] == "2026Q4 t/m 26-11-2026"
