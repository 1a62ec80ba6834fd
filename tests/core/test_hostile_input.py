"""Issue 16, finding 7: hostile values get a refusal in the user's language, never an internal error."""

from __future__ import annotations

import pytest

from bot.core.hygiene import clean_display_name, parse_id
from tests.harness import Chat

APOLOGY = "er ging iets mis"


@pytest.mark.parametrize("bidi", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"])
def test_bidi_controls_are_refused_and_never_stored_or_echoed(sqlite_chat: Chat, bidi: str) -> None:
    chat = sqlite_chat.as_member("wijkagent")
    chat.say("/signaal")
    reply = chat.say(f"Eva{bidi} Smit")
    assert "onzichtbare stuurtekens" in reply and bidi not in reply
    assert "Geboortedatum" in chat.say("Eva Smit")  # the form stayed on the name and goes on from there


def test_a_name_with_a_right_to_left_override_is_refused_in_a_whole_form(sqlite_chat: Chat) -> None:
    from tests.handlers.cases.cases_helpers import SIGNAL, signals

    before = len(signals(sqlite_chat))
    replies = sqlite_chat.submit("signaal.new", {**SIGNAL, "name": "Eva \u202eSmit"}, user="wijkagent")
    assert "onzichtbare stuurtekens" in replies[0].text
    assert len(signals(sqlite_chat)) == before


def test_display_names_lose_markers_controls_and_bidi() -> None:
    assert clean_display_name("\ue000slack\ue001U1\ue002 Noor\u202e\n") == "slackU1 Noor"
    assert clean_display_name("\u202e\u0007") is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("7", 7),
        ("#12", None),
        (" 12 ", 12),
        ("٧", None),
        ("²", None),
        ("0", None),
        ("-3", None),
        ("9" * 20, None),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("", None),
    ],
)
def test_ids_are_ascii_and_bounded(word: str, expected: int | None) -> None:
    assert parse_id(word) == expected
