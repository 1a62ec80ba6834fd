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


def test_a_detentie_refusal_in_a_group_is_answered_in_the_direct_chat(chat: Chat) -> None:
    """Black-box finding: a typo in the soort was answered in the group itself (with the typed kind)."""
    typed = "/detentie VH-2026-0001 01-11-2026 03-12-2026 voorlopig_arrest PI Rivierland"
    replies = chat.send(typed, user="procesmanager", group=GROUP)
    in_group = [r for r in replies if r.chat_id == GROUP]
    direct = [r for r in replies if r.chat_id != GROUP]
    assert [r.text for r in in_group] == ["Het antwoord staat in je privéchat met ketenbot."]
    assert len(direct) == 1 and direct[0].user_id == "procesmanager"
    assert direct[0].text.startswith("De soort detentie 'voorlopig_arrest' ken ik niet.")
    # the group sees the same line for a refusal as for an answer, so it learns nothing from the difference
    answered = chat.send("/detentie VH-2026-0001", user="procesmanager", group=GROUP)
    assert next(r.text for r in answered if r.chat_id == GROUP) == in_group[0].text


def test_the_detentie_kind_may_be_its_start_and_a_near_typo_gets_a_suggestion(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    added = pm.say("/detentie VH-2026-0001 01-11-2026 03-12-2026 voorlopige PI Rivierland")
    assert added.startswith("Detentie vastgelegd")
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        detention = uow.detentions.latest(case.id)
        assert detention is not None and detention.kind == "voorlopige_hechtenis"
    typo = pm.say("/detentie VH-2026-0001 01-11-2026 03-12-2026 gevangenistraf PI Rivierland")
    assert typo.startswith("De soort detentie 'gevangenistraf' ken ik niet. Bedoel je gevangenisstraf?")
