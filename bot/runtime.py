"""``ketenbot run``: start every configured adapter, the HTTP server they need, and the outbox dispatcher."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import suppress
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot.adapters.telegram.app import TelegramAdapter
from bot.app import App
from bot.core.adapter import Adapter
from bot.core.http import HttpServer
from bot.core.i18n import LANGUAGES
from bot.core.sending import Sender
from bot.jobs import JobRunner, purge
from bot.reconnect import Backoff, keep_trying, try_start
from schedules.dispatcher import Dispatcher
from schedules.once import OnceRunner
from storage.models import Role
from storage.outbox_stats import outbox_lag_seconds
from storage.poll_lock import poll_lock
from storage.replay import first_time

log = logging.getLogger("ketenbot.runtime")


class Runtime:
    """Owns the adapters, the HTTP server and the dispatcher tick for one process."""

    def __init__(self, app: App, *, backoff: Backoff | None = None) -> None:
        """``backoff``: the pauses between attempts to start an adapter whose platform is unreachable
        (bot/reconnect.py); tests pass one whose ``wait`` they control."""
        self.app = app
        self.backoff = backoff or Backoff()
        self._retries: set[asyncio.Task[None]] = set()
        self.adapters: list[Adapter] = []
        self.http = HttpServer(
            app.settings.http_host, app.settings.http_port, metrics=app.router.metrics, health=self.health
        )
        self.needs_http = False
        self.scheduler: AsyncIOScheduler | None = None
        self.once = OnceRunner(app.engine, app.clock)  # daily jobs run on one instance only
        self.jobs = JobRunner(app, self.once)
        self.dispatcher: Dispatcher | None = None

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
        secrets = self.secrets()
        waiting: list[tuple[Adapter, float, Iterator[float]]] = []
        for adapter in self.adapters:  # one that cannot reach its platform yet does not stop the rest
            delays = self.backoff.delays()
            delay = next(delays)
            if not await try_start(adapter, delay, secrets):
                waiting.append((adapter, delay, delays))
        started = {a.platform: a.sender for a in self.adapters if all(a is not w[0] for w in waiting)}
        dispatcher = self.dispatcher = self.app.dispatcher(started)
        for adapter, delay, delays in waiting:  # its rows wait until it is connected
            retry = asyncio.create_task(
                keep_trying(adapter, self.backoff, delay, delays, secrets, self._connected)
            )
            self._retries.add(retry)
            retry.add_done_callback(self._retries.discard)
        self.app.router.metrics.gauge("ketenbot_outbox_depth", self._outbox_depth, help="Pending outbox rows")
        self.app.router.metrics.gauge(
            "ketenbot_outbox_lag_seconds",
            self._outbox_lag,
            help="Age of the oldest pending outbox row that is due (0: nothing due is waiting)",
        )
        await dispatcher.tick()  # once at start-up: what came due while we were down
        self.scheduler = AsyncIOScheduler()
        self.scheduler.add_job(
            dispatcher.tick_job,
            "interval",
            seconds=self.app.settings.dispatch_interval_seconds,
            max_instances=1,
            coalesce=True,
        )
        self.jobs.schedule(self.scheduler)  # bot/jobs.py: purge, stale digest, partner poll
        self.scheduler.start()
        settle_heap()

    def secrets(self) -> tuple[str | None, ...]:
        settings = self.app.settings
        return (
            settings.telegram_bot_token,
            settings.telegram_webhook_secret,
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
        )

    def _connected(self, adapter: Adapter) -> None:
        if self.dispatcher is not None:
            self.dispatcher.add_sender(adapter.platform, adapter.sender)

    async def purge_daily(self) -> None:
        """The retention policy, once a day (anonymise what passed its term; delete old audit rows)."""
        await purge(self.app)

    async def _purge(self) -> None:
        await self.jobs.fire("purge")

    async def _stale_watchdog(self) -> None:
        """The stale-case digest, once per working morning across the instances."""
        await self.jobs.fire("stale_digest")

    async def _partner_poll(self) -> None:
        """The yearly partner poll, checked once per working morning across the instances."""
        await self.jobs.fire("partner_poll")

    def _outbox_depth(self) -> float:
        with self.app.uow() as uow:
            return float(uow.outbox.depth())

    def _outbox_lag(self) -> float:
        with self.app.uow() as uow:
            return outbox_lag_seconds(uow.session, self.app.clock.now())

    async def stop(self) -> None:
        """Graceful: the outbox finishes the sends in flight and hands the rest back before the adapters
        close (a stop neither repeats nor loses a message); then the scheduler and the adapters stop."""
        for retry in list(self._retries):  # adapters still waiting for their platform
            retry.cancel()
        for retry in list(self._retries):
            with suppress(asyncio.CancelledError):
                await retry
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        for adapter in reversed(self.adapters):
            with suppress(Exception):
                await adapter.stop()
        await self.http.stop()
        gc.unfreeze()  # what start-up froze is the collector's again (a test process builds many apps)


def settle_heap() -> None:
    """Once started: collect, then freeze what is alive (imported modules, the app, the adapters: ~100 MB
    of objects that live as long as the process) out of the collector's generations. A full collection
    otherwise walks all of them, holding the GIL for 150-250 ms in the middle of serving (measured with
    ``gc.callbacks`` in bench/load.py's rounds: 3 such pauses in 2,400 commands, max 175 ms, the p99's
    tail); frozen, it walks only what was made since."""
    gc.collect()
    gc.freeze()


def configured_runtime(app: App, *, backoff: Backoff | None = None) -> Runtime:
    """The runtime with every adapter whose credentials are set."""
    runtime = Runtime(app, backoff=backoff)
    if app.settings.telegram_bot_token:
        runtime.adapters.append(telegram_adapter(app, runtime))
        runtime.needs_http = runtime.needs_http or bool(app.settings.telegram_webhook_url)
    add_slack(runtime)
    return runtime


def command_menu(app: App) -> dict[str, list[tuple[str, str]]]:
    """Per language, the commands a chat menu shows (setMyCommands): every visible command of any role."""
    every_role = frozenset(Role)
    commands = sorted(app.router.visible_commands(every_role), key=lambda command: command.name)
    return {
        language: [
            (command.name, app.catalogue.render(command.description or command.name, language))
            for command in commands
        ]
        for language in LANGUAGES
    }


def telegram_adapter(app: App, runtime: Runtime) -> TelegramAdapter:
    """Long polling elects one poller per bot among the instances (storage/poll_lock.py)."""
    settings = app.settings
    token = settings.telegram_bot_token or ""
    name = f"telegram-poll:{token.split(':')[0]}"
    lock = None if settings.telegram_webhook_url else poll_lock(app.engine, name)
    return TelegramAdapter(
        app.router.handle,
        token=token,
        metrics=app.router.metrics,
        commands=command_menu(app),
        default_language=settings.language,
        base_url=settings.telegram_base_url,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=settings.telegram_webhook_secret,
        http=runtime.http,
        poll_lock=lock,
    )


def add_slack(runtime: Runtime) -> None:
    """Slack when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set: Socket Mode with SLACK_APP_TOKEN,
    else HTTP on the bot's server. The App Home shows the replies to ``SlackSettings.home_commands``
    (/mijn, /overleg lijst, /mijn herinneringen) that this router has."""
    settings = runtime.app.settings
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        return
    from bot.adapters.slack.app import SlackAdapter, SlackSettings

    commands = runtime.app.router.commands
    home = tuple(c for c in SlackSettings.home_commands if c[1:].split()[0] in commands) or ("/ik", "/help")
    adapter = SlackAdapter(
        runtime.app.router.handle,
        SlackSettings(
            bot_token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret,
            app_token=settings.slack_app_token,
            api_url=settings.slack_api_url,
            home_commands=home,
            default_language=settings.language,
        ),
        runtime.app.catalogue,
        replay_guard=partial(first_time, runtime.app.engine),
    )
    if adapter.mode == "http":
        adapter.attach(runtime.http)
        runtime.needs_http = True
    runtime.adapters.append(adapter)


async def serve_forever(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await runtime.start()
    except BaseException:  # a refused token: close what did start, then the CLI says why in one line
        await runtime.stop()
        raise
    print("ketenbot is running; press Ctrl+C to stop", file=sys.stderr)
    await stop.wait()
    await runtime.stop()
