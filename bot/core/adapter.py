"""What every chat adapter offers the runtime: start, stop, a sender for the outbox, and its health."""

from __future__ import annotations

from typing import Protocol

from bot.core.sending import Sender


class AdapterConfigError(Exception):
    """The platform refused the bot's credentials (a rejected token): waiting will not help, so the start
    stops. ``setting`` names the variable to fix; the message never contains the secret itself."""

    def __init__(self, setting: str, detail: str = "") -> None:
        super().__init__(f"{setting} was refused by the platform" + (f" ({detail})" if detail else ""))
        self.setting = setting


class Adapter(Protocol):
    platform: str

    @property
    def sender(self) -> Sender: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def connected(self) -> bool: ...


class Lease(Protocol):
    """Something only one instance holds at a time (the Telegram long-poll lock: storage/poll_lock.py).
    The calls are synchronous (database or file); adapters run them off the event loop."""

    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...
