"""Issue 17, words: no "dag(en)" or "collega('s)" anywhere, the number chooses the word, dates read
dd-mm-jjjj (bot.core.dates.format_date), and no "n.v.t.." at the end of a sentence."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import LOCALE_DIRS
from bot.core.i18n import Text
from tests.handlers.release.test_reminders import release_alerts
from tests.harness import Chat

BRACKETED_PLURAL = re.compile(r"\w\((en|s|'s|sen|n|es)\)")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_no_locale_file_writes_a_plural_in_brackets():
    files = [path for directory in LOCALE_DIRS for path in sorted(Path(directory).glob("*.toml"))]
    assert len(files) > 10
    leftovers = [
        f"{path.name}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BRACKETED_PLURAL.search(line)
    ]
    assert leftovers == []


@pytest.mark.parametrize(
    ("key", "params", "one", "many"),
    [
        (
            "reminder.release_before",
            {"code": "VH-1", "release": "-", "facility": "PI"},
            "over 1 dag:",
            "over 14 dagen:",
        ),
        ("missed.release_before", {"code": "VH-1"}, "1 dag vooraf", "14 dagen vooraf"),
        (
            "detentie.registered",
            {"code": "VH-1", "facility": "PI", "release": "-"},
            "1 herinnering ingepland",
            "14 herinneringen ingepland",
        ),
        (
            "release.recorded",
            {"code": "VH-1", "release": "-"},
            "1 collega gealarmeerd",
            "14 collega's gealarmeerd",
        ),
        (
            "outbox.missed_summary",
            {},
            "1 herinnering is niet op tijd verstuurd en is verlopen",
            "14 herinneringen zijn niet op tijd verstuurd en zijn verlopen",
        ),
        ("triage.title", {}, "1 nieuw signaal (", "14 nieuwe signalen ("),
        (
            "import.done",
            {"duplicates": 1},
            "1 nieuw signaal en 1 mutatie (1 dubbele rij",
            "14 nieuwe signalen en 14 mutaties (1 dubbele rij",
        ),
        (
            "overleg.planned",
            {"kind": "MDO", "id": 3},
            "1 genodigde krijgt een uitnodiging",
            "14 genodigden krijgen een uitnodiging",
        ),
        (
            "overleg.moved_one",
            {"id": 3, "old": "-", "new": "-"},
            "1 genodigde is ingelicht",
            "14 genodigden zijn ingelicht",
        ),
        ("poll.started", {"round": 1}, "1 lid krijgt de vragen", "14 leden krijgen de vragen"),
        ("casus.log_title", {"code": "VH-1"}, "(1 regel, nieuwste eerst)", "(14 regels, nieuwste eerst)"),
    ],
)
def test_each_text_family_chooses_the_word_by_the_number(sqlite_chat: Chat, key, params, one, many):
    catalogue = sqlite_chat.app.catalogue
    numbers = ("days", "alerts", "count", "rows", "signals", "mutaties", "members")

    def render(n: int) -> str:
        return catalogue.render(Text(key, {**{name: n for name in numbers}, **params}), "nl")

    assert one in render(1) and many in render(14)
    english = catalogue.render(Text(key, {**{name: 1 for name in numbers}, **params}), "en")
    assert not BRACKETED_PLURAL.search(english) and "(s)" not in english


def test_the_release_alert_says_over_1_dag_and_over_14_dagen(chat: Chat):
    chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    chat.deliver()
    chat.clock.set(datetime(2027, 1, 14, 8, 0, tzinfo=UTC))  # T-14, 09:00 Amsterdam
    alerts = release_alerts(chat)
    assert alerts and all(text.startswith("Vrijlating over 14 dagen:") for _, text in alerts)
    chat.clock.set(datetime(2027, 1, 27, 8, 0, tzinfo=UTC))  # T-1
    alerts = release_alerts(chat)
    assert alerts and all(text.startswith("Vrijlating over 1 dag:") for _, text in alerts)


def test_a_nazorg_item_set_to_nvt_ends_once_with_its_own_full_stop(chat: Chat):
    chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    answer = chat.say("/nazorg VH-2026-0001 schulden nvt", user="procesmanager")
    first = answer.splitlines()[0]
    assert first.endswith(": n.v.t.") and "n.v.t.." not in answer


def test_the_invite_list_shows_the_end_as_a_dutch_date_and_time(chat: Chat):
    listed = chat.cli(["admin", "invite", "list"])
    assert listed.exit_code == 0, listed.output
    assert not ISO_DATE.search(listed.output)
    assert re.search(r"\d\d-\d\d-20\d\d \d\d:\d\d", listed.output)
