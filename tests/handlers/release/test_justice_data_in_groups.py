"""Detention and huisverbod are justice data: asked in a group chat, the group gets one line and the answer
goes to the asker's direct chat (found by black-box testing: the facility, dates and kind were shown in the
group)."""

from __future__ import annotations

from tests.harness import Chat

GROUP = "triage-groep"


def test_detentie_shown_in_a_group_goes_to_the_direct_chat(chat: Chat) -> None:
    chat.as_member("procesmanager")
    assert "PI Rivierland" in chat.say(
        "/detentie VH-2026-0001 01-11-2026 03-12-2026 gevangenisstraf PI Rivierland"
    )
    replies = chat.send("/detentie VH-2026-0001", user="procesmanager", group=GROUP)
    in_group = [r for r in replies if r.chat_id == GROUP]
    direct = [r for r in replies if r.chat_id != GROUP]
    assert in_group and all("Rivierland" not in r.text and "03-12-2026" not in r.text for r in in_group)
    assert any("PI Rivierland" in r.text and "03-12-2026" in r.text for r in direct)


def test_huisverbod_registered_in_a_group_answers_in_the_direct_chat(chat: Chat) -> None:
    replies = chat.send("/huisverbod VH-2026-0001 25-11-2026", user="procesmanager", group=GROUP)
    in_group = [r for r in replies if r.chat_id == GROUP]
    direct = [r for r in replies if r.chat_id != GROUP]
    assert in_group and all("25-11-2026" not in r.text and "Huisverbod" not in r.text for r in in_group)
    assert any("25-11-2026" in r.text for r in direct)
