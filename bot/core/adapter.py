"""What every chat adapter offers the runtime: start, stop, a sender for the outbox, and its health."""

from __future__ import annotations

from typing import Protocol

from bot.core.sending import Sender


class Adapter(Protocol):
    platform: str

    @property
    def sender(self) -> Sender: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def connected(self) -> bool: ...
