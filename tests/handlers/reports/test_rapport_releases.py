"""The report's "releases" section: releases in the quarter and how many had every basisvoorwaarde
(nazorg item geregeld or n.v.t.) in place before the release day."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.reports.model import Quarter, build_report
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")
ITEMS = ("id", "onderdak", "inkomen", "schulden", "zorg", "dagbesteding")


def complete(chat: Chat, code: str, *, last: str = "geregeld") -> None:
    for item in ITEMS:
        reply = chat.say(
            f"/nazorg {code} {item} {last if item == 'dagbesteding' else 'nvt'}", user="procesmanager"
        )
        assert "van " + code in reply, reply


def test_releases_in_the_quarter_and_the_share_with_basisvoorwaarden_in_place(chat: Chat):
    # the demo's detention (VH-2026-0004, release 16-12-2026) has items still open
    chat.say(
        "/detentie VH-2026-0001 01-11-2026 20-12-2026 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    complete(chat, "VH-2026-0001")  # in place weeks ahead: counts
    chat.say("/detentie VH-2026-0003 01-11-2026 30-12-2026 jeugddetentie JJI Den Hey", user="procesmanager")
    chat.say("/nazorg VH-2026-0003 id geregeld", user="procesmanager")
    chat.clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=UTC))  # on the release day itself: too late
    complete(chat, "VH-2026-0003")
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), TZ)
        extern = build_report(uow.session, Quarter(2026, 4), TZ, gemeente="waterdam", extern=True)
        next_year = build_report(uow.session, Quarter(2027, 1), TZ)
    section = report.section("releases_basisvoorwaarden")
    assert section.available
    assert [(row.current, row.previous) for row in section.rows] == [(3, 0), (1, 0), (33.3, None)]
    assert [(row.current, row.previous) for row in extern.section("releases_basisvoorwaarden").rows] == [
        (3, 0),
        (1, 0),
        (None, None),  # a share of fewer than 5 releases stays out of an external report
    ]
    assert [row.previous for row in next_year.section("releases_basisvoorwaarden").rows] == [3, 1, 33.3]
    replies = chat.send("/rapport kwartaal 2026Q4", user="procesmanager")
    assert "Vrijlatingen met basisvoorwaarden op orde: niet beschikbaar" not in replies[0].text
    table = replies[2].file
    assert table is not None
    assert "aandeel op orde (%);33,3;-" in table.data.decode("utf-8-sig")  # a decimal comma for Dutch Excel
