"""/afwezig takes the words of a date ('vandaag', 'morgen') and a word between the dates ('t/m', 'tot')."""

import pytest

from tests.harness import Chat


@pytest.mark.parametrize(
    ("args", "start"),
    [
        ("vandaag 31-12-2026", "26-11-2026"),
        ("morgen 31-12-2026", "27-11-2026"),
        ("vandaag t/m 31-12-2026", "26-11-2026"),
        ("morgen tot en met 31-12-2026", "27-11-2026"),
        ("27-11-2026 tot 31-12-2026", "27-11-2026"),
    ],
)
def test_an_absence_from_today_or_tomorrow_with_or_without_a_word_between(
    sqlite_chat: Chat, args: str, start: str
):
    reply = sqlite_chat.say(f"/afwezig {args} @procesmanager", user="regisseur")
    assert reply.startswith(f"Afwezig van {start} tot en met 31-12-2026:"), reply


def test_other_words_between_the_dates_are_still_the_usage(sqlite_chat: Chat):
    reply = sqlite_chat.say("/afwezig vandaag ongeveer 31-12-2026 @procesmanager", user="regisseur")
    assert reply.startswith("Gebruik: /afwezig VAN TOT @vervanger") and "vandaag t/m" in reply
