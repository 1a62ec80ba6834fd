"""The dispatcher serves recipients concurrently and keeps each one's messages in order across retries."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.context import encode_reply
from bot.core.sending import SendError
from bot.core.types import Outgoing, Reply
from tests.harness import Chat


@dataclass
class FlakySender:
    """Refuses the first send to ``fail_user`` with a Retry-After; records the rest."""

    fail_user: str
    sent: list[Outgoing] = field(default_factory=list)
    refused: int = 0

    async def send(self, message: Outgoing) -> None:
        if message.user_id == self.fail_user and not self.refused:
            self.refused += 1
            raise SendError("429", retry_after=30)
        await asyncio.sleep(0)  # let other recipients interleave
        self.sent.append(message)


def test_a_retried_message_keeps_its_recipients_order(chat: Chat) -> None:
    now = chat.clock.now()
    with chat.app.uow() as uow:
        members = {handle: uow.members.by_handle(handle) for handle in ("wijkagent", "ggz")}
        for number in range(3):
            for handle, member in members.items():
                assert member is not None and member.id is not None
                payload = encode_reply(Reply(f"{handle} {number}"))
                uow.outbox.add(f"order:{handle}:{number}", payload, due_at=now, now=now, member_id=member.id)
        uow.commit()
    sender = FlakySender(fail_user="wijkagent")
    dispatcher = chat.app.dispatcher({"console": sender})
    assert asyncio.run(dispatcher.tick()) == 3  # ggz's three; wijkagent's wait for the retry
    chat.clock.advance(timedelta(seconds=10))
    assert asyncio.run(dispatcher.tick()) == 0  # not yet: the later ones wait with the first
    chat.clock.advance(timedelta(seconds=30))
    assert asyncio.run(dispatcher.tick()) == 3
    texts = [m.text for m in sender.sent]
    assert [t for t in texts if t.startswith("wijkagent")] == ["wijkagent 0", "wijkagent 1", "wijkagent 2"]
    assert [t for t in texts if t.startswith("ggz")] == ["ggz 0", "ggz 1", "ggz 2"]
