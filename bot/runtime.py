"""``ketenbot run``: start every configured adapter, the HTTP server they need, and the outbox dispatcher."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from contextlib import suppress

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot.app import App
from bot.core.adapter import Adapter
from bot.core.http import HttpServer
from bot.core.sending import Sender
from schedules.stale import run_stale_watchdog

log = logging.getLogger("ketenbot.runtime")


class Runtime:
    """Owns the adapters, the HTTP server and the dispatcher tick for one process."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.adapters: list[Adapter] = []
        self.http = HttpServer(
            app.settings.http_host, app.settings.http_port, metrics=app.router.metrics, health=self.health
        )
        self.needs_http = False
        self.scheduler: AsyncIOScheduler | None = None

    async def health(self) -> dict[str, bool]:
        checks = {"database": await asyncio.to_thread(self._database_ok)}
        for adapter in self.adapters:
            checks[adapter.platform] = adapter.connected()
        return checks

    def _database_ok(self) -> bool:
        try:
            with self.app.engine.connect() as connection:
                connection.execute(text("select 1"))
        except Exception:  # health reports, never raises
            log.warning("database health check failed", exc_info=True)
            return False
        return True

    def senders(self) -> dict[str, Sender]:
        return {adapter.platform: adapter.sender for adapter in self.adapters}

    async def start(self) -> None:
        if self.needs_http:
            await self.http.start()
            log.info("http server on %s", self.http.base_url)
        for adapter in self.adapters:
            await adapter.start()
        dispatcher = self.app.dispatcher(self.senders())
        self.app.router.metrics.gauge("ketenbot_outbox_depth", self._outbox_depth, help="Pending outbox rows")
        await dispatcher.tick()  # once at start-up: what came due while we were down
        self.scheduler = AsyncIOScheduler()
        self.scheduler.add_job(
            dispatcher.tick,
            "interval",
            seconds=self.app.settings.dispatch_interval_seconds,
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(self._stale_watchdog, "cron", day_of_week="mon-fri", hour=8, minute=0,
                               timezone=self.app.settings.tz, max_instances=1, coalesce=True)  # fmt: skip
        self.scheduler.start()

    def _stale_watchdog(self) -> None:
        settings = self.app.settings
        run_stale_watchdog(self.app.uow, self.app.clock.now(), settings.tz, settings.stale_case_weeks)

    def _outbox_depth(self) -> float:
        with self.app.uow() as uow:
            return float(uow.outbox.depth())

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for adapter in reversed(self.adapters):
            with suppress(Exception):
                await adapter.stop()
        await self.http.stop()


def configured_runtime(app: App) -> Runtime:
    """The runtime with every adapter whose credentials are set."""
    return Runtime(app)


async def serve_forever(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await runtime.start()
    print("ketenbot is running; press Ctrl+C to stop", file=sys.stderr)
    await stop.wait()
    await runtime.stop()
