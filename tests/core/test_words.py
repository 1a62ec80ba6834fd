"""Issue 17, words: plurals by number (no "1 casussen", no "dag(en)"), "je" rather than "u" in Dutch."""

import re

from bot.core.i18n import Catalogue, Text
from tests.harness import Chat


def test_a_template_chooses_the_word_by_the_number():
    catalogue = Catalogue({"nl": {"k": "{count} {count:casus|casussen} gevonden"}})
    assert catalogue.render(Text("k", {"count": 1}), "nl") == "1 casus gevonden"
    assert catalogue.render(Text("k", {"count": 3}), "nl") == "3 casussen gevonden"
    assert catalogue.render(Text("k", {"count": 0}), "nl") == "0 casussen gevonden"
    assert catalogue.render(Text("k", {}), "nl") == "{count} casussen gevonden"  # a missing value shows


# the signals, cases and network texts; release texts (dag(en), herinnering(en)) are left to the release work
PLURAL_KEYS = ("regie.search_title", "mijn.group_line", "stale.header", "import.mutatie_case")


def test_these_messages_choose_singular_or_plural_by_the_number(sqlite_chat: Chat):
    catalogue = sqlite_chat.app.catalogue
    for key in PLURAL_KEYS:
        for language in ("nl", "en"):
            assert not re.search(r"\w\((en|s|'s|sen)\)", catalogue.messages[language][key]), (language, key)
    one = catalogue.render(Text("stale.header", {"count": 1, "weeks": 3}), "nl")
    assert one.startswith("Goedemorgen. 1 actieve casus waar")
    many = catalogue.render(Text("regie.search_title", {"count": 2}), "nl")
    assert many == "2 casussen gevonden:"
    group = catalogue.render(Text("mijn.group_line", {"actions": 1, "cases": 1, "regie": 0}), "nl")
    assert group == "Je hebt 1 open actie, 1 casus en 0 keer regie."


def test_dutch_texts_say_je_and_never_u(sqlite_chat: Chat):
    formal = [
        key
        for key, text in sqlite_chat.app.catalogue.messages["nl"].items()
        if re.search(r"\b(u|uw|U|Uw)\b", text)
    ]
    assert formal == []
