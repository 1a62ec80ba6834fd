"""Small helpers shared by the case-related handler tests."""

from __future__ import annotations

from sqlmodel import col, select

from storage.cases.tables import Signal
from tests.harness import Chat

SIGNAL = {
    "name": "Eva Smit",
    "birth_date": "",
    "others": "",
    "gemeente": "Waterdam",
    "categories": "overlast, schulden",
    "urgency": "normaal",
    "description": "Fictief: buren melden al weken lawaai en een vervuilde woning.",
    "informed": "nee",
}


def submit_signal(chat: Chat, user: str = "wijkagent", **overrides: str) -> str:
    """Submit the signal form whole (as a modal would) and return the reply text."""
    values = {**SIGNAL, **overrides}
    return "\n".join(o.text for o in chat.submit("signaal.new", values, user=user))


def signals(chat: Chat) -> list[Signal]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(Signal).order_by(col(Signal.id))).all())


def last_signal_id(chat: Chat) -> int:
    signal_id = signals(chat)[-1].id
    assert signal_id is not None
    return signal_id


def delivered_to(chat: Chat, handle: str) -> list[str]:
    """Run the dispatcher once; the texts it sent to ``handle``."""
    return [m.text for m in chat.deliver() if m.user_id == handle or m.chat_id == handle]
