"""Issue 19, item 5 (second half): after downtime the missed-reminders summary names the case and what was
missed in words, never outbox keys, and reaches the case's casusregisseur as well as procesregie."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.handlers.overleg.overleg_helpers import plan
from tests.harness import Chat

KEY_LIKE = re.compile(r"\b(?:release|meeting|deadline|huisverbod|unexpected):\d+")


def summaries(chat: Chat) -> dict[str, str]:
    return {m.user_id or "": m.text for m in chat.deliver() if (m.dedupe_key or "").startswith("missed:")}


def test_the_summary_names_cases_in_words_and_reaches_the_casusregisseur(chat: Chat) -> None:
    said = chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-11-2026 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert said.startswith("Detentie vastgelegd")
    plan(chat, recurrence="none", until="")  # overleg #3 on Tuesday 01-12-2026 10:00
    chat.deliver()
    # down from Thursday until Wednesday 2 December: T-1, T-0 and the meeting's reminders all pass unsent
    chat.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    sent = summaries(chat)
    assert {"procesmanager", "procesmanager2", "regisseur"} <= set(sent)
    whole = sent["procesmanager"]
    assert "vrijlatingsherinnering 1 dag vooraf, casus VH-2026-0001" in whole
    assert "vrijlatingsherinnering op de dag zelf, casus VH-2026-0001" in whole
    assert "herinnering overleg #3 van 01-12-2026 (de dag ervoor)" in whole
    assert KEY_LIKE.search(whole) is None, whole
    mine = sent["regisseur"]  # Fatima el Idrissi holds casusregie of VH-2026-0001
    assert mine.startswith("Dit gaat over casussen waarvan jij casusregisseur bent.")
    assert "vrijlatingsherinnering op de dag zelf, casus VH-2026-0001" in mine
    assert "overleg #3" not in mine  # a meeting is not one case's: procesregie only
    assert KEY_LIKE.search(mine) is None, mine
    assert summaries(chat) == {}  # once
