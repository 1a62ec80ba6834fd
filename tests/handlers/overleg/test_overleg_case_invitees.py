"""Issue 17, item 6: the deelnemers of a case on the agenda are invited, organisations included; a chair can
put a case on the agenda without first becoming a deelnemer (planning it makes them one, on the record)."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import AuditEvent
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


def test_a_chair_who_is_no_deelnemer_can_put_a_case_on_the_agenda_and_becomes_one(chat: Chat) -> None:
    chat.as_member("voorzitter")
    before = chat.say("/casus VH-2026-0001")
    assert "niet gevonden of geen toegang" in before
    answer = plan(chat, user="voorzitter", invitees="", recurrence="none", until="")
    assert "is gepland" in answer
    chair = member_id(chat, "voorzitter")
    assert chair in invited(chat, 3) and member_id(chat, "regisseur") in invited(chat, 3)
    assert "VH-2026-0001" in chat.say("/casus VH-2026-0001")
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        assert uow.cases.find_participant(case.id, member_id=chair) is not None
        events = uow.session.exec(
            select(AuditEvent).where(col(AuditEvent.name) == "overleg.agenda", AuditEvent.case_id == case.id)
        ).all()
    assert len(events) == 1
    # an unknown code is still refused, and nothing is planned
    assert "Niet alle velden" in plan(chat, user="voorzitter", cases="VH-2026-0999")
    assert invited(chat, 4) == set()
