"""Issue 17, item 1: a move lands on the day the chair means, and a whole series keeps the typed time.

The harness clock is Thursday 26-11-2026 10:00 local; the planned series runs on Tuesdays from
01-12-2026 10:00.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.handlers.overleg.overleg_helpers import event_of, plan, rows
from tests.harness import Chat


def test_a_bare_time_means_the_next_occurrences_own_date_not_today(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    chat.as_member("procesmanager")
    asked = chat.send("/overleg 3 verzetten 11:00")
    shown = "\n".join(r.text for r in asked)
    assert "Ik begrijp: di 01-12-2026 11:00" in shown and "26-11-2026" not in shown
    assert "de nieuwe tijd wordt 01-12-2026 11:00" in asked[-1].text
    chat.press("form.choose", "one")
    done = chat.press("form.choose", "ja")[0].text
    assert "alleen de bijeenkomst van 01-12-2026 10:00 is verzet naar 01-12-2026 11:00" in done
    assert "Eerstvolgende: 01-12-2026 11:00" in chat.say("/overleg 3")


def test_a_named_date_with_a_bare_new_time_stays_on_that_date_and_tells_invitees_so(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    chat.as_member("procesmanager")
    asked = chat.send("/overleg 3 verzetten 08-12-2026 naar 10:30")
    assert "Ik begrijp: di 08-12-2026 10:30" in "\n".join(r.text for r in asked)
    done = chat.press("form.choose", "ja")[0].text
    assert "alleen de bijeenkomst van 08-12-2026 10:00 is verzet naar 08-12-2026 10:30" in done
    told = [m for m in chat.deliver() if "is verzet, alleen deze keer" in m.text]
    assert len(told) == 5
    assert all("08-12-2026 10:00 → 08-12-2026 10:30" in m.text for m in told)
    reminders = rows(chat, "meeting:3:2026-12-08:T-1h:")
    assert {r.due_at for r in reminders} == {datetime(2026, 12, 8, 8, 30, tzinfo=UTC)}


def test_moving_the_series_after_a_one_off_move_keeps_the_typed_time(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    chat.as_member("procesmanager")
    chat.send("/overleg 3 verzetten 01-12-2026 naar 10:30")
    chat.press("form.choose", "ja")
    asked = chat.send("/overleg 3 verzetten 01-12-2026 09:30")
    assert "de nieuwe tijd wordt 01-12-2026 09:30" in asked[-1].text
    moved = chat.press("form.choose", "series")
    assert "de hele reeks is verzet; de eerstvolgende is nu 01-12-2026 09:30 (was 01-12-2026 10:30)" in (
        moved[0].text
    )
    overview = chat.say("/overleg 3")
    assert "vanaf 01-12-2026 09:30" in overview and "Eerstvolgende: 01-12-2026 09:30" in overview
    assert moved[0].file is not None
    series = event_of(moved[0].file.data)
    assert (series["DTSTART"].dt.hour, series["DTSTART"].dt.minute) == (9, 30)
    assert b"DTSTART;TZID=Europe/Amsterdam:20261201T093000" in moved[0].file.data
    later = rows(chat, "meeting:3:2026-12-15:T-1h:")
    assert {r.due_at for r in later} == {datetime(2026, 12, 15, 7, 30, tzinfo=UTC)}
    told = [m for m in chat.deliver() if "is verzet, de hele reeks" in m.text]
    assert len(told) == 5


def test_moving_a_later_series_date_to_another_day_moves_the_series_from_its_rule_date(chat: Chat) -> None:
    plan(chat)
    chat.as_member("procesmanager")
    chat.send("/overleg 3 verzetten 01-12-2026 naar 30-11-2026 11:30")  # one-off, a day earlier
    chat.send("/overleg 3 verzetten 03-12-2026 10:00")  # the whole series: the next meeting on Thursday
    moved = chat.press("form.choose", "series")[0].text
    assert "de eerstvolgende is nu 03-12-2026 10:00" in moved
    overview = chat.say("/overleg 3")
    assert "Eerstvolgende: 03-12-2026 10:00" in overview
    starts = sorted({r.due_at for r in rows(chat, "meeting:3:") if ":T-1h:" in r.dedupe_key})
    assert starts[0] == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    assert starts[1] == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
