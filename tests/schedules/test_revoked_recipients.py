"""A revoked member is reached by nothing: no reminder, no mutatie, no poll question, and no message as
somebody's deputy (black-box finding: a revoked casusregisseur still received mutaties with descriptions)."""

from __future__ import annotations

from datetime import date

from bot.core.context import encode_reply
from bot.core.types import Reply
from storage.models import OutboxStatus
from tests.harness import Chat


def _member_id(chat: Chat, handle: str) -> int:
    with chat.app.uow() as uow:
        member = uow.members.by_handle(handle)
        assert member is not None and member.id is not None
        return member.id


def _queue(chat: Chat, key: str, member_id: int) -> None:
    with chat.app.uow() as uow:
        now = chat.clock.now()
        uow.outbox.add(key, encode_reply(Reply("Fictief: bericht")), due_at=now, now=now, member_id=member_id)
        uow.commit()


def test_a_revoked_member_gets_nothing_and_is_no_deputy(chat: Chat) -> None:
    chat.deliver()
    regisseur, ggz = _member_id(chat, "regisseur"), _member_id(chat, "ggz")
    chat.say(f"/afwezig {date(2026, 11, 26):%d-%m-%Y} {date(2026, 12, 10):%d-%m-%Y} @regisseur", user="ggz")
    with chat.app.uow() as uow:
        member = uow.members.get(regisseur)
        assert member is not None
        uow.members.revoke(member, chat.clock.now())
        uow.commit()
    _queue(chat, "test:revoked", regisseur)
    _queue(chat, "test:away", ggz)  # ggz is away with the revoked regisseur as deputy: ggz gets it
    sent = chat.deliver()
    assert [m.user_id for m in sent if m.dedupe_key == "test:revoked"] == []
    assert [m.user_id for m in sent if m.dedupe_key == "test:away"] == ["ggz"]
    with chat.app.uow() as uow:
        row = uow.outbox.by_key("test:revoked")
        assert row is not None and row.status == OutboxStatus.FAILED
