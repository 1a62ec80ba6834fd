"""Long polling, and which instance does it: Telegram allows one ``getUpdates`` poller per bot (a second
gets 409 Conflict). With a ``Lease`` (storage/poll_lock.py: a Postgres advisory lock, a file lock for
SQLite) only its holder polls; the others keep sending the outbox and try the lock every few seconds, so
one of them takes over when the poller stops or dies. Without a lease this instance polls at once."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.adapter import Lease

log = logging.getLogger("ketenbot.telegram")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class Poller:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        timeout: float,
        lease: Lease | None = None,
        interval: float = 5.0,
    ) -> None:
        self.application = application
        self.timeout = timeout
        self.lease = lease
        self.interval = interval
        self.polling = False
        self._leader: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        if self.lease is None:
            await self._start_polling()
        else:
            self._stopping.clear()  # a poller stopped before may be started again
            self._leader = asyncio.create_task(self._lead(self.lease))

    async def stop(self) -> None:
        if self._leader is not None:
            # not cancelled: a lease call cannot be cancelled in its thread, and one that finished after the
            # release below would hold the lock (or use its connection) after this instance stopped
            self._stopping.set()
            await self._leader
            self._leader = None
        await self._stop_polling()
        if self.lease is not None:
            await asyncio.to_thread(self.lease.release)  # after polling stopped: the next one may start

    async def _start_polling(self) -> None:
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(
            poll_interval=0, timeout=int(self.timeout), allowed_updates=ALLOWED_UPDATES
        )
        self.polling = True

    async def _stop_polling(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        self.polling = False

    async def _lead(self, lease: Lease) -> None:
        """Poll while holding ``lease``; otherwise keep trying it. Ends when ``stop`` asks."""
        while not self._stopping.is_set():
            try:
                if not self.polling and await asyncio.to_thread(lease.acquire):
                    if self._stopping.is_set():
                        return  # stop() releases it
                    log.info("telegram: this instance now long-polls")
                    await self._start_polling()
                elif self.polling and not await asyncio.to_thread(lease.held):
                    log.warning("telegram: lost the poll lock; stopped polling")
                    await self._stop_polling()
            except (OSError, TelegramError):
                log.warning("telegram: poll lock round failed; trying again", exc_info=True)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
