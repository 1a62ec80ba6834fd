"""The port adapters implement to deliver outbox messages."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Outgoing

BLOCKED = "blocked"  # SendError.kind: the user blocked the bot; their identity is marked unreachable


class SendError(Exception):
    """A delivery failed. ``retry_after`` (seconds) when the platform said when to retry;
    ``permanent`` when retrying cannot help (the user blocked the bot, the chat is gone);
    ``kind`` names a failure the dispatcher acts on (``BLOCKED``)."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        kind: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent
        self.kind = kind


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None: ...
