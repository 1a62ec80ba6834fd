"""Issue 16, finding 7: hostile values get a refusal in the user's language, never an internal error."""

from __future__ import annotations

import pytest

from bot.core.hygiene import clean_display_name, parse_id
from tests.harness import Chat

APOLOGY = "er ging iets mis"
ACTIONS = [
    "nazorg.tick",
    "mutatie.note",
    "mutatie.feedback",
    "release.pickup",
    "release.trajectberaad",
    "coderood.plan",
    "regie.accept",
    "regie.decline",
    "upload.cancel",
    "poll.answer",
]


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


def test_unicode_digits_are_not_read_as_an_id(chat: Chat) -> None:
    added = chat.say("/actie VH-2026-0001 Fictief: school bellen @ggz 15-12-2026", user="procesmanager")
    number = added.split("#")[1].split(" ")[0]
    arabic = "".join(chr(0x0660 + int(d)) for d in number)  # the same number in Arabic-Indic digits
    refused = chat.say(f"/actie klaar {arabic}", user="ggz")
    assert "Gebruik: /actie" in refused and APOLOGY not in refused
    with chat.app.uow() as uow:
        action = uow.actions.get(int(number))
        assert action is not None and action.done_at is None


@pytest.mark.parametrize(
    "typed",
    [
        "/actie klaar 99999999999999999999",
        "/overleg 99999999999999999999",
        "/triage 99999999999999999999",
        "/mutatie 99999999999999999999",
        "/rapport kwartaal 0001Q1",
        "/rapport 0000Q1",
        "/casus VH-2026-0001 persoon ² Eva",
    ],
)
def test_huge_ids_and_year_zero_get_a_refusal_never_the_apology(chat: Chat, typed: str) -> None:
    reply = chat.say(typed, user="procesmanager")
    assert reply and APOLOGY not in reply


@pytest.mark.parametrize("action", [*ACTIONS])
def test_a_huge_id_in_a_press_gets_a_refusal_never_the_apology(chat: Chat, action: str) -> None:
    value = f"{'9' * 20}:1:3" if action == "poll.answer" else "9" * 20
    replies = chat.press(action, value, user="procesmanager")
    assert replies and all(APOLOGY not in r.text for r in replies)


def test_an_upload_whose_name_hides_its_extension_with_an_rtl_override_is_refused(sqlite_chat: Chat) -> None:
    replies = sqlite_chat.upload("signalen\u202evsc.exe", b"naam;geboortedatum\n", user="procesmanager")
    assert len(replies) == 1 and "onzichtbare stuurtekens" in replies[0].text
    assert "\u202e" not in replies[0].text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/overleg 999999999999", "Overleg #999999999999 niet gevonden"),  # 12 digits: quoted whole
        ("/overleg 99999999999999999999", "Overleg #99999999999999999999 niet gevonden"),  # 20: whole
        ("/overleg #" + "9" * 25, "Overleg #" + "9" * 19 + "… niet gevonden"),  # longer: a visible "…"
        ("/actie klaar " + "9" * 16, "Actie " + "9" * 16 + " niet gevonden"),
        ("/triage S-" + "1" * 16 + " afgewezen x", "Signaal S-" + "1" * 16 + " bestaat niet"),
        ("/mutatie S-" + "1" * 30, "Mutatie S-" + "1" * 17 + "… niet gevonden"),
    ],
)
def test_a_long_number_is_quoted_whole_or_visibly_cut_never_as_another_number(
    sqlite_chat: Chat, typed: str, expected: str
) -> None:
    """Issue 17: "/overleg 9999999999999999" answered "Overleg #999999999999 niet gevonden", a different
    number. A refusal quotes the typed token whole up to 20 characters, and a longer one ends in "…"."""
    reply = sqlite_chat.say(typed, user="procesmanager")
    assert expected in reply, reply


def test_echo_quotes_a_token_whole_or_cuts_it_with_a_visible_ellipsis() -> None:
    from bot.core.hygiene import echo

    assert echo(" 123456789012345 ") == "123456789012345"
    assert echo("1" * 21) == "1" * 19 + "…" and len(echo("1" * 21)) == 20
    assert echo("VH-2026-00012345678901234567", 30) == "VH-2026-00012345678901234567"
    assert echo(None) == ""
