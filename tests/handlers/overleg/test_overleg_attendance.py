"""Attendance per occurrence (naming a date) and the stuurgroep figures: occurrences held and the attendance
rate per quarter, each occurrence of a series counted once, in the quarter it took place."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.cases.tables import Signal
from storage.reports.meetings import overleg_attendance_rate, overleg_held
from tests.handlers.overleg.overleg_helpers import plan
from tests.harness import Chat

Q4_2026 = (datetime(2026, 9, 30, 22, tzinfo=UTC), datetime(2026, 12, 31, 23, tzinfo=UTC))
Q1_2027 = (datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 3, 31, 22, tzinfo=UTC))


def test_attendance_is_recorded_per_occurrence_and_counted_per_quarter(chat: Chat) -> None:
    plan(chat, start="15-12-2026 10:00", until="05-01-2027")  # 15, 22 and 29 December, 5 January
    chat.as_member("procesmanager")
    assert "Afgezegd: alleen overleg #3" in chat.say("/overleg 3 afzeggen 29-12-2026 kerstvakantie")
    assert "nog niet begonnen" in chat.say("/overleg 3 aanwezig 22-12-2026 @procesmanager")
    chat.clock.set(datetime(2027, 1, 6, 9, 0, tzinfo=UTC))
    saved = chat.say("/overleg 3 aanwezig 15-12-2026 @procesmanager @ggz")
    assert "overleg #3 van 15-12-2026 10:00 vastgelegd: 2 van 5 aanwezig" in saved
    assert "2 van 5" in chat.say("/overleg 3 aanwezig 15-12-2026 @procesmanager @ggz")  # again: no dupes
    assert "van 22-12-2026 10:00 vastgelegd: 1 van 5" in chat.say(
        "/overleg 3 aanwezig 22-12-2026 @procesmanager"
    )
    assert "is al afgezegd" in chat.say("/overleg 3 aanwezig 29-12-2026 @procesmanager")
    assert "geen bijeenkomst op 12-01-2027" in chat.say("/overleg 3 aanwezig 12-01-2027 @procesmanager")
    latest = chat.say("/overleg 3 aanwezig @procesmanager @ggz @regisseur")  # no date: the latest one
    assert "van 05-01-2027 10:00 vastgelegd: 3 van 5" in latest
    with chat.app.uow() as uow:
        session = uow.session
        assert overleg_held(session, *Q4_2026, None) == {"mdo": 2}
        assert overleg_held(session, *Q1_2027, None) == {"mdo": 1}
        assert overleg_attendance_rate(session, *Q4_2026, None) == 30.0  # 3 of 10
        assert overleg_attendance_rate(session, *Q1_2027, None) == 60.0  # 3 of 5
        assert overleg_held(session, *Q1_2027[::-1], None) == {}  # an empty period
        assert overleg_attendance_rate(session, datetime(2026, 1, 1, tzinfo=UTC), Q4_2026[0], None) is None
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None
        signal = session.get(Signal, case.signal_id)
        assert signal is not None
        assert overleg_held(session, *Q4_2026, signal.gemeente.upper()) == {"mdo": 2}
        assert overleg_held(session, *Q4_2026, "Nergenshuizen") == {}
        assert overleg_attendance_rate(session, *Q4_2026, "Nergenshuizen") is None


def test_an_occurrence_where_nobody_came_is_not_held(chat: Chat) -> None:
    plan(chat, recurrence="none", until="", start="26-11-2026 14:00")
    chat.clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    chat.as_member("procesmanager")
    assert "0 van 5 aanwezig" in chat.say("/overleg 3 aanwezig")
    with chat.app.uow() as uow:
        assert overleg_held(uow.session, *Q4_2026, None) == {}
        assert overleg_attendance_rate(uow.session, *Q4_2026, None) == 0.0
