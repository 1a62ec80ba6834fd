"""A chair who names a case they may not see on ``/overleg plan`` learns nothing about it: the same answer
for a code that exists and one that does not (black-box finding: the chair was silently made a deelnemer
of any open case, so planning told them which codes exist). The case's regie holders decide with
Toestaan / Weigeren (handlers/overleg/agenda_request.py)."""

from __future__ import annotations

import re

from sqlmodel import col, select

from storage.models import AuditEvent
from tests.handlers.overleg.overleg_helpers import member_id, plan
from tests.harness import Chat

HIDDEN = "VH-2026-0001"  # the voorzitter is no deelnemer; procesmanager and regisseur hold its regie
UNKNOWN = "VH-2026-0999"
ALLOW, DENY = "overleg.agenda_allow", "overleg.agenda_deny"


def _plan(chat: Chat, code: str) -> str:
    return plan(chat, user="voorzitter", cases=code, invitees="", recurrence="none", until="")


def _agenda(chat: Chat, meeting: int) -> list[str]:
    with chat.app.uow() as uow:
        return [case.code for case in uow.meetings.agenda(meeting)]


def _is_deelnemer(chat: Chat, handle: str, code: str = HIDDEN) -> bool:
    with chat.app.uow() as uow:
        case, member = uow.cases.by_code(code), uow.members.by_handle("@" + handle)
        assert case is not None and case.id is not None and member is not None and member.id is not None
        return uow.cases.is_participant(case.id, member.id, member.organisation_id)


def _asked(chat: Chat) -> dict[str, str]:
    """Deliver; the request's button value per regie holder who got it."""
    return {
        m.user_id or "": b.value
        for m in chat.deliver()
        for b in m.buttons
        if b.id == ALLOW and m.user_id is not None
    }


def _press(chat: Chat, action: str, value: str, user: str) -> str:
    return "\n".join(o.text for o in chat.press(action, value, user=user))


def test_an_existing_case_the_chair_may_not_see_reads_exactly_like_an_unknown_code(chat: Chat) -> None:
    chat.deliver()
    hidden, unknown = _plan(chat, HIDDEN), _plan(chat, UNKNOWN)
    assert "verzoek voorgelegd aan de regiehouder (als die casus bestaat)" in hidden
    same = re.sub(r"#4\b", "#3", unknown.replace(UNKNOWN, HIDDEN))
    assert hidden == same
    assert _agenda(chat, 3) == [] and not _is_deelnemer(chat, "voorzitter")
    asked = _asked(chat)
    assert sorted(asked) == ["procesmanager", "regisseur"]  # the regie holders of VH-2026-0001 only
    assert asked["regisseur"] == f"3:{_case_id(chat)}"
    assert not [m for m in chat.deliver() if m.user_id == "voorzitter"]


def _case_id(chat: Chat) -> int:
    with chat.app.uow() as uow:
        case = uow.cases.by_code(HIDDEN)
        assert case is not None and case.id is not None
        return case.id


def test_allowing_puts_the_case_on_the_agenda_and_makes_the_chair_a_deelnemer_once(chat: Chat) -> None:
    chat.deliver()
    _plan(chat, HIDDEN)
    value = _asked(chat)["regisseur"]
    assert "staat op de agenda van overleg #3" in _press(chat, ALLOW, value, "regisseur")
    assert _agenda(chat, 3) == [HIDDEN] and _is_deelnemer(chat, "voorzitter")
    sent = chat.deliver()
    to_chair = [m.text for m in sent if m.user_id == "voorzitter"]
    assert to_chair == [
        f"Casus {HIDDEN} is toegevoegd aan de agenda van overleg #3; je bent nu deelnemer van deze casus."
    ]
    assert member_id(chat, "wijkagent") in _invited(chat, 3)  # the case's deelnemers are invited now
    assert HIDDEN in chat.say(f"/casus {HIDDEN}", user="voorzitter")
    # a second press, or the other holder's, changes nothing
    assert "al beslist" in _press(chat, ALLOW, value, "regisseur")
    assert "al beslist" in _press(chat, DENY, value, "procesmanager")
    assert not [m for m in chat.deliver() if m.user_id == "voorzitter"]
    with chat.app.uow() as uow:
        joined = uow.session.exec(
            select(AuditEvent).where(
                col(AuditEvent.name) == "overleg.agenda", AuditEvent.case_id == _case_id(chat)
            )
        ).all()
    assert len(joined) == 1


def _invited(chat: Chat, meeting: int) -> set[int]:
    with chat.app.uow() as uow:
        return {i.member_id for i in uow.meetings.invitees(meeting)}


def test_refusing_tells_the_chair_only_that_it_was_not_added(chat: Chat) -> None:
    chat.deliver()
    _plan(chat, HIDDEN)
    value = _asked(chat)["procesmanager"]
    assert "Geweigerd" in _press(chat, DENY, value, "procesmanager")
    to_chair = [m.text for m in chat.deliver() if m.user_id == "voorzitter"]
    assert to_chair == [f"{HIDDEN}: niet toegevoegd aan de agenda van overleg #3."]
    assert _agenda(chat, 3) == [] and not _is_deelnemer(chat, "voorzitter")
    assert "al beslist" in _press(chat, ALLOW, value, "regisseur")
    assert _agenda(chat, 3) == []


def test_nobody_else_can_answer_the_request(chat: Chat) -> None:
    chat.deliver()
    _plan(chat, HIDDEN)
    value = _asked(chat)["regisseur"]
    refusal = "Dit agendaverzoek is onbekend of niet aan jou gericht."
    for user in ("voorzitter", "wijkagent", "procesmanager2"):
        assert _press(chat, ALLOW, value, user) == refusal
        assert _press(chat, DENY, value, user) == refusal
    assert _press(chat, ALLOW, "3:999999", "regisseur") == refusal
    assert _agenda(chat, 3) == [] and not _is_deelnemer(chat, "voorzitter")
    assert not [m for m in chat.deliver() if m.user_id == "voorzitter"]


def test_allowing_a_request_for_a_case_closed_since_is_refused_and_writes_nothing(chat: Chat) -> None:
    """A closed case takes no writes (handlers.casework.require_open): the chair is not made a deelnemer."""
    chat.deliver()
    _plan(chat, HIDDEN)
    value = _asked(chat)["regisseur"]
    chat.say(f"/casus {HIDDEN} afschalen stabiel", user="procesmanager")
    chat.say(f"/casus {HIDDEN} sluiten doelen bereikt", user="procesmanager")
    refused = _press(chat, ALLOW, value, "regisseur")
    assert refused.startswith(f"Casus {HIDDEN} is gesloten; heropen de casus eerst met /casus {HIDDEN}")
    assert _agenda(chat, 3) == [] and not _is_deelnemer(chat, "voorzitter")
