"""Issue 17: the planning form asks "Herhalen tot en met" only for a series."""

from __future__ import annotations

from tests.handlers.overleg.overleg_helpers import meetings
from tests.harness import Chat


def _to_recurrence(chat: Chat) -> None:
    chat.as_member("procesmanager")
    chat.say("/overleg plan")
    chat.say("1")
    chat.say("01-12-2026 10:00")
    chat.say("60")
    chat.say("Stadhuis Waterdam")
    chat.say("VH-2026-0001")
    assert "(7/8)" in chat.say("-")


def test_a_one_off_meeting_goes_straight_to_the_summary(chat: Chat) -> None:
    _to_recurrence(chat)
    summary = chat.say("1")  # eenmalig
    assert "Herhalen tot en met" not in summary and "(8/8)" not in summary
    assert "eenmalig" in summary
    assert "is gepland" in chat.press("form.submit")[0].text
    assert meetings(chat)[0].until is None


def test_a_series_is_still_asked_until_when(chat: Chat) -> None:
    _to_recurrence(chat)
    assert "(8/8) Herhalen tot en met" in chat.say("2")  # elke week
    chat.say("22-12-2026")
    assert "is gepland" in chat.press("form.submit")[0].text
    assert str(meetings(chat)[0].until) == "2026-12-22"
