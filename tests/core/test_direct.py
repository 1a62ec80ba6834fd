"""Details in privé: a command typed in a group offers a button (a start token kept server-side) that
runs it again in the member's direct chat, with the need-to-know checks repeated."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.adapters.console.outbound import to_text
from bot.core.direct import OPEN_DIRECT, TOKEN_PATTERN
from storage.cases.tables import Case
from storage.privacy.direct_requests import DirectRequest
from tests.harness import Chat

CODE = "VH-2026-0001"


def offered_token(chat: Chat, user: str = "reclassering") -> str:
    group_reply, details = chat.send(f"/regie {CODE}", user=user, group="mdo-groep")
    assert group_reply.text.startswith(f"{CODE} (J.d.V.)") and "Fatima" not in group_reply.text
    assert details.user_id == user and details.chat_id is None and "Fatima el Idrissi" in details.text
    (button,) = group_reply.buttons
    assert button.id == OPEN_DIRECT and button.label == "Details in privé"
    assert TOKEN_PATTERN.match(button.value)
    return button.value


def test_the_start_token_shows_the_details_in_the_direct_chat(chat: Chat) -> None:
    token = offered_token(chat)
    (answer,) = chat.send(f"/start {token}", user="reclassering")
    assert "Fatima el Idrissi" in answer.text and answer.user_id == "reclassering" and answer.chat_id is None
    assert not answer.is_group
    chat.as_member("reclassering", group="mdo-groep")
    (pressed,) = chat.press(OPEN_DIRECT, token)  # where a platform shows it as an ordinary button
    assert "Fatima el Idrissi" in pressed.text
    assert pressed.chat_id is None and pressed.user_id == "reclassering"
    with chat.app.uow() as uow:
        stored = uow.session.exec(select(DirectRequest)).one()
        assert stored.command == f"/regie {CODE}"  # the command, never the details
        kinds = [e.chat_kind for e in uow.audit.search(name="regie") if e.case_id is not None]
        assert sorted(kinds) == ["direct", "direct", "group"]


def test_someone_else_an_expired_token_or_lost_access_get_nothing(chat: Chat) -> None:
    token = offered_token(chat)
    refused = chat.say(f"/start {token}", user="wijkagent")
    assert "verlopen of niet voor jou" in refused and "Fatima" not in refused
    with chat.app.uow() as uow:  # reclassering leaves the case: the checks run again
        case = uow.session.exec(select(Case).where(Case.code == CODE)).one()
        member = uow.members.by_handle("reclassering")
        assert member is not None
        for participant in uow.cases.participants(case.id or 0):
            if participant.member_id == member.id or participant.organisation_id == member.organisation_id:
                uow.cases.remove_participant(participant, chat.clock.now())
        uow.commit()
    assert chat.say(f"/start {token}", user="reclassering") == f"Casus {CODE} niet gevonden of geen toegang."
    other = offered_token(chat, user="regisseur")
    chat.clock.advance(timedelta(hours=1, minutes=1))
    assert "verlopen" in chat.say(f"/start {other}", user="regisseur")
    newest = offered_token(chat, user="regisseur")
    with chat.app.uow() as uow:  # the next offer clears expired requests
        assert [r.token for r in uow.session.exec(select(DirectRequest)).all()] == [newest]


def test_a_direct_chat_gets_no_link_and_the_console_shows_the_start_command(sqlite_chat: Chat) -> None:
    chat = sqlite_chat
    (direct,) = chat.send(f"/regie {CODE}", user="regisseur")
    assert direct.buttons == []
    group_reply, _ = chat.send(f"/regie {CODE}", user="regisseur", group="mdo-groep")
    text = to_text(group_reply, me="regisseur", files_dir=Path("unused"))
    assert f"[1] Details in privé (/start {group_reply.buttons[0].value})" in text
