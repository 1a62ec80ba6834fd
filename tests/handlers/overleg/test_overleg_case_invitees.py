"""Issue 17, item 6: the deelnemers of a case on the agenda are invited, organisations included. (A chair
who names a case they may not see asks its regie holders: test_overleg_agenda_request.py.)"""

from __future__ import annotations

from tests.handlers.overleg.overleg_helpers import member_id, plan
from tests.harness import Chat


def invited(chat: Chat, meeting: int) -> set[int]:
    with chat.app.uow() as uow:
        return {i.member_id for i in uow.meetings.invitees(meeting)}


def test_an_organisation_that_is_a_deelnemer_is_invited_with_its_members(chat: Chat) -> None:
    # VH-2026-0001's deelnemers: four members in person and GGZ Rivierland as an organisation
    answer = plan(chat, invitees="", recurrence="none", until="")
    assert "4 genodigden krijgen een uitnodiging" in answer  # wijkagent, reclassering, regisseur, ggz
    assert member_id(chat, "ggz") in invited(chat, 3)
    letters = [m for m in chat.deliver() if m.user_id == "ggz" and "Uitnodiging voor" in m.text]
    assert len(letters) == 1 and letters[0].file is not None
