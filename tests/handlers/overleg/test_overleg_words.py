"""The overleg's words: a kind that opens a sentence has a capital, an empty agenda is said in words."""

from __future__ import annotations

from tests.handlers.overleg.overleg_helpers import plan
from tests.harness import Chat


def test_an_other_meeting_without_cases_reads_as_dutch_in_the_answer_invite_and_overview(chat: Chat) -> None:
    answer = plan(chat, kind="anders", cases="", recurrence="none", until="")
    assert answer.startswith("Overleg #3 is gepland")
    invite = next(m for m in chat.deliver() if m.text.startswith("Uitnodiging voor overleg #3"))
    assert "Agenda: nog geen casussen" in invite.text and "ANDERS" not in invite.text
    chat.as_member("procesmanager")
    overview = chat.say("/overleg 3")
    assert overview.startswith("Overleg #3") and "Agenda: nog geen casussen" in overview
    assert "ANDERS" not in overview
