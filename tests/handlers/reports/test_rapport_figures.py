"""The report's overleg (held, attendance rate) and huisverbod (imposed, extended) figures, each beside the
previous quarter, in the table, the chart, the workbook and the chat summary; small numbers suppressed."""

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from handlers.reports.files import table, to_csv, to_png, to_xlsx
from handlers.reports.model import Quarter, Report, build_report
from storage.cases.tables import Case
from storage.meetings.tables import Meeting, MeetingKind
from storage.models import Member
from storage.release.detention import Huisverbod
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")
Q4 = Quarter(2026, 4)


def add_huisverboden(
    chat: Chat, started: Sequence[tuple[date, bool | None]], code: str = "VH-2026-0001"
) -> None:
    with chat.app.uow() as uow:
        case = uow.session.exec(select(Case).where(Case.code == code)).one()
        member = uow.session.exec(select(Member)).first()
        assert case.id is not None and member is not None and member.id is not None
        for day, extended in started:
            uow.huisverboden.add(
                Huisverbod(
                    case_id=case.id,
                    started_on=day,
                    extended=extended,
                    created_by=member.id,
                    created_at=chat.clock.now(),
                )
            )
        uow.commit()


def hold_meeting(chat: Chat, at: datetime, present: dict[int, bool]) -> None:
    with chat.app.uow() as uow:
        chair = min(present)
        meeting = uow.meetings.add(
            Meeting(
                uid=f"fictief-{at.isoformat()}",
                kind=MeetingKind.MDO,
                start_at=at,
                duration_minutes=60,
                place="Fictief zaaltje",
                chair_id=chair,
                created_at=at,
                updated_at=at,
            )
        )
        assert meeting.id is not None
        uow.meetings.record_attendance(meeting.id, at, present, chair, at + timedelta(hours=1))
        uow.commit()


def member_ids(chat: Chat) -> list[int]:
    with chat.app.uow() as uow:
        return sorted(m.id for m in uow.session.exec(select(Member)).all() if m.id is not None)


def figures(report: Report, key: str) -> dict[str, tuple[object, object]]:
    return {row.label.key.rsplit(".", 1)[1]: (row.current, row.previous) for row in report.section(key).rows}  # type: ignore[union-attr]


def test_huisverboden_imposed_and_extended_beside_the_previous_quarter(chat: Chat):
    add_huisverboden(
        chat,
        [
            (date(2026, 10, 1), True),  # first local day of Q4
            (date(2026, 10, 20), False),
            (date(2026, 11, 2), True),
            (date(2026, 11, 20), None),  # decision still open: not in the share
            (date(2026, 9, 30), False),  # last day of Q3
        ],
    )
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
        waterdam = build_report(uow.session, Q4, TZ, gemeente="Rivierstad")
    assert report.section("huisverboden").available
    assert figures(report, "huisverboden") == {
        "started": (4, 1),
        "decided": (3, 1),
        "extended": (2, 0),
        "extended_pct": (66.7, 0.0),
    }
    assert figures(waterdam, "huisverboden")["started"] == (0, 0)  # VH-2026-0001 is not Rivierstad's


def test_overleg_held_and_attendance_rate_through_the_attendance_figures(chat: Chat):
    ids = member_ids(chat)
    q4 = datetime(2026, 10, 6, 12, 0, tzinfo=UTC)
    hold_meeting(chat, q4, {ids[0]: True, ids[1]: True, ids[2]: False, ids[3]: True})
    hold_meeting(chat, q4 + timedelta(days=14), {ids[0]: True, ids[1]: False})
    hold_meeting(chat, datetime(2026, 9, 30, 22, 30, tzinfo=UTC), {ids[0]: True})  # 1 Oct 00:30 local: Q4
    hold_meeting(chat, datetime(2026, 8, 4, 12, 0, tzinfo=UTC), {ids[0]: True, ids[1]: False})
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    assert figures(report, "overleg_attendance") == {
        "held": (3, 1),
        "present": (5, 1),
        "expected": (7, 2),
        "attendance_pct": (71.4, 50.0),
    }


def test_an_external_report_hides_small_counts_and_shares_of_fewer_than_five(chat: Chat):
    add_huisverboden(
        chat, [(date(2026, 10, d), d % 2 == 0) for d in range(1, 7)] + [(date(2026, 8, 1), True)]
    )
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ, extern=True)
    rows = {row[1]: row[2:] for row in table(report, lambda text: chat.app.catalogue.render(text, "nl"))}
    assert rows["huisverboden opgelegd"] == ["6", "<5"]
    assert rows["verlengd"] == ["<5", "<5"]
    assert rows["verlengd (% van de besluiten)"] == ["50.0", "-"]  # 6 decisions; the previous quarter 1
    assert rows["opkomst (%)"] == ["-", "-"]


def test_the_figures_are_in_the_csv_the_workbook_the_chart_and_the_summary(chat: Chat):
    ids = member_ids(chat)
    hold_meeting(chat, datetime(2026, 10, 6, 12, 0, tzinfo=UTC), {ids[0]: True, ids[1]: False})
    add_huisverboden(chat, [(date(2026, 10, 5), True)])
    replies = chat.send("/rapport 2026Q4", user="procesmanager")
    summary = replies[0].text
    assert "Overleggen en opkomst, overleggen gehouden: 1 (vorig kwartaal 0)" in summary
    assert "Overleggen en opkomst, opkomst (%): 50,0 (vorig kwartaal -)" in summary
    assert "Huisverboden en verlengingen, huisverboden opgelegd: 1 (vorig kwartaal 0)" in summary
    assert "Huisverboden en verlengingen: niet beschikbaar" not in summary
    chart = replies[1].file
    assert chart is not None and Image.open(io.BytesIO(chart.data)).size == (1200, 1350)
    assert replies[2].file is not None
    rows = list(csv.reader(io.StringIO(replies[2].file.data.decode("utf-8-sig")), delimiter=";"))
    assert ["Huisverboden en verlengingen", "verlengd (% van de besluiten)", "100,0", "-"] in rows
    assert ["Overleggen en opkomst", "aanwezigen", "1", "0"] in rows
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    render = lambda text: chat.app.catalogue.render(text, "en")  # noqa: E731
    assert "Huisverboden and extensions;huisverboden imposed;1;0" in to_csv(report, render).decode(
        "utf-8-sig"
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(report, render))).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Meetings held and attendance", "attendance (%)", 50.0, "-"] in cells
    assert Image.open(io.BytesIO(to_png(report, render))).format == "PNG"


def test_the_report_demo_shows_overleg_and_huisverbod_figures(sqlite_chat: Chat):
    from bot.demo.report import load_report_demo

    load_report_demo(sqlite_chat.app.uow(), sqlite_chat.clock.now())
    with sqlite_chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    overleg, huisverboden = figures(report, "overleg_attendance"), figures(report, "huisverboden")
    assert int(overleg["held"][0]) >= 5 and int(overleg["held"][1]) >= 5  # type: ignore[call-overload]
    assert 50 <= float(overleg["attendance_pct"][0]) < 100  # type: ignore[arg-type]
    assert int(huisverboden["started"][0]) + int(huisverboden["started"][1]) >= 3  # type: ignore[call-overload]


def test_an_overleg_where_nobody_was_present_is_not_counted_as_held(chat: Chat):
    """One definition of "held" (storage/reports/meetings.py): attendance recorded with someone present."""
    ids = member_ids(chat)
    hold_meeting(chat, datetime(2026, 10, 6, 12, 0, tzinfo=UTC), {ids[0]: False, ids[1]: False})
    hold_meeting(chat, datetime(2026, 10, 13, 12, 0, tzinfo=UTC), {ids[0]: True})
    with chat.app.uow() as uow:
        report = build_report(uow.session, Q4, TZ)
    assert figures(report, "overleg_attendance")["held"] == (1, 0)
