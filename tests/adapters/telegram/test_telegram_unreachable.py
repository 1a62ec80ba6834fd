"""Issue 17: a bot started before the network is up. Telegram unreachable at start: one log line, the other
adapter (Slack), the dispatcher and /healthz keep running, Telegram is reported down until it connects; the
retry waits are the test's own (``Backoff.wait``), so nothing sleeps."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from typer.testing import CliRunner

from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.context import encode_reply
from bot.core.types import Reply
from bot.demo.loader import load_demo
from bot.reconnect import Backoff
from bot.runtime import Runtime, configured_runtime
from tests.adapters.telegram.telegram_support import TOKEN
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signing import signed_headers, slash_command_body
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import DEFAULT_NOW

SECRET = "unreachable-signing-secret"
DEADLINE = 30.0  # seconds; every wait ends as soon as what it waits for happened


class StepBackoff:
    """The runtime's retry pauses, held until the test says ``go``: records each requested delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.waiting = asyncio.Queue[float]()
        self._go = asyncio.Event()

    async def wait(self, delay: float) -> None:
        self.delays.append(delay)
        await self.waiting.put(delay)
        await self._go.wait()
        self._go.clear()

    def go(self) -> None:
        self._go.set()

    def backoff(self) -> Backoff:
        return Backoff(first=2.0, factor=2.0, cap=300.0, wait=self.wait)


def refusing_socket() -> socket.socket:
    """Bound but not listening: a connection to its port is refused (nothing listening there yet)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def app_for(sqlite_url: str, telegram_url: str, slack_url: str | None = None) -> App:
    values: dict[str, Any] = {
        "KETENBOT_DATABASE_URL": sqlite_url,
        "KETENBOT_HTTP_PORT": 0,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": telegram_url,
    }
    if slack_url:
        values |= {"SLACK_BOT_TOKEN": "xoxb-up", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url}
    return build_app(Settings(**values), clock=FixedClock(DEFAULT_NOW))


async def healthz(runtime: Runtime) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{runtime.http.base_url}/healthz") as response:
        return response.status, await response.json()


@asynccontextmanager
async def started(runtime: Runtime) -> AsyncIterator[Runtime]:
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def queue_for_telegram(app: App, handle: str, telegram_id: int) -> None:
    """A message due now for a member reached on Telegram."""
    now = app.clock.now()
    with app.uow() as uow:
        member = uow.members.by_handle(handle)
        assert member is not None and member.id is not None
        uow.identities.link(
            member.id, "telegram", str(telegram_id), display_name=member.name,
            direct_chat_id=str(telegram_id), at=now,
        )  # fmt: skip
        uow.outbox.add("test:unreachable:1", encode_reply(Reply("Fictief testbericht")), due_at=now, now=now,
                       member_id=member.id)  # fmt: skip
        uow.commit()


async def test_telegram_down_at_start_then_up_slack_and_healthz_run_on(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sock = refusing_socket()
    port = sock.getsockname()[1]
    steps = StepBackoff()
    async with FakeSlack() as slack:
        app = app_for(sqlite_url, f"http://127.0.0.1:{port}/bot", slack.api_url)
        load_demo(app.uow(), DEFAULT_NOW)
        queue_for_telegram(app, "procesmanager", 9101)
        runtime = configured_runtime(app, backoff=steps.backoff())
        assert [a.platform for a in runtime.adapters] == ["telegram", "slack"]
        async with started(runtime):  # does not raise although Telegram is unreachable
            assert await asyncio.wait_for(steps.waiting.get(), DEADLINE) == 2.0
            status, body = await healthz(runtime)
            assert status == 503
            assert body["checks"] == {"database": True, "telegram": False, "slack": True}
            down = [
                r for r in caplog.records if r.name == "ketenbot.runtime" and r.levelno >= logging.WARNING
            ]
            assert len(down) == 1 and down[0].exc_info is None  # one line, no traceback
            assert down[0].getMessage().startswith("telegram not reachable (NetworkError: ")
            assert down[0].getMessage().endswith("; trying again in 2 s")
            assert TOKEN not in down[0].getMessage()
            # Slack works meanwhile, and so does the dispatcher (its rows for Telegram wait, untouched)
            command = slash_command_body("/ketenbot", "help", "U1", "DU1")
            async with aiohttp.ClientSession() as http:
                await http.post(
                    f"{runtime.http.base_url}/slack/events",
                    data=command,
                    headers=signed_headers(SECRET, command),
                )
            await slack.wait_for(lambda: slack.posted("DU1"))
            assert runtime.scheduler is not None and runtime.scheduler.running
            with app.uow() as uow:
                row = uow.outbox.by_key("test:unreachable:1")
                assert row is not None and row.status == "pending" and row.attempts == 0

            steps.go()  # the second attempt: still nothing listening
            assert await asyncio.wait_for(steps.waiting.get(), DEADLINE) == 4.0  # the pause grows
            fake = FakeTelegram(token=TOKEN)
            await fake.start(sock)  # Telegram is back
            try:
                steps.go()
                telegram = runtime.adapters[0]
                await fake.wait_until(telegram.connected, timeout=DEADLINE)
                status, body = await healthz(runtime)
                assert status == 200 and body["checks"]["telegram"] is True
                # the waiting row goes out now that Telegram has a sender
                await runtime.dispatcher.tick()  # type: ignore[union-attr]
                sent = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok, timeout=DEADLINE)
                assert sent.params["text"] == "Fictief testbericht" and str(sent.params["chat_id"]) == "9101"
                await fake.push_message(9002, 9002, "/help", first_name="Ilse")
                await fake.wait_for(
                    lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "9002",
                    timeout=DEADLINE,
                )
            finally:
                await runtime.stop()  # before the fake: the poller's getUpdates ends first
                await fake.stop()
    assert steps.delays == [2.0, 4.0]
    assert any(r.getMessage() == "telegram connected (attempt 3)" for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info is not None and r.name.startswith("ketenbot")]
    app.engine.dispose()


async def test_nothing_listening_the_bot_keeps_trying_and_stops_cleanly(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Only Telegram configured and nothing listening: `run` starts (dispatcher and jobs scheduled), keeps
    trying with growing pauses, and a stop ends the waiting retry without an error."""
    caplog.set_level(logging.INFO)
    sock = refusing_socket()
    steps = StepBackoff()
    app = app_for(sqlite_url, f"http://127.0.0.1:{sock.getsockname()[1]}/bot")
    runtime = configured_runtime(app, backoff=steps.backoff())
    async with started(runtime):
        for expected in (2.0, 4.0, 8.0):
            assert await asyncio.wait_for(steps.waiting.get(), DEADLINE) == expected
            steps.go()
        assert await asyncio.wait_for(steps.waiting.get(), DEADLINE) == 16.0
        assert (await runtime.health())["telegram"] is False
        assert runtime.dispatcher is not None and runtime.scheduler is not None
        assert {job.id for job in runtime.scheduler.get_jobs()} >= {"purge", "stale_digest", "partner_poll"}
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("ketenbot")]
    assert len(warnings) == 4  # one line per failed attempt
    assert all(r.exc_info is None and "NetworkError" in r.getMessage() for r in warnings)
    sock.close()
    app.engine.dispose()


async def test_a_rejected_token_stops_the_start_with_one_line(sqlite_url: str) -> None:
    async with FakeTelegram(token="999:other-token") as fake:
        app = app_for(sqlite_url, fake.base_url)
        runtime = configured_runtime(app)
        from bot.core.adapter import AdapterConfigError

        with pytest.raises(AdapterConfigError) as refused:
            await runtime.start()
        await runtime.stop()
    assert refused.value.setting == "TELEGRAM_BOT_TOKEN" and TOKEN not in str(refused.value)
    app.engine.dispose()


def test_run_says_in_dutch_which_token_was_refused(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refused_start(self: object) -> None:
        from bot.core.adapter import AdapterConfigError

        raise AdapterConfigError("TELEGRAM_BOT_TOKEN")

    monkeypatch.setattr("bot.adapters.telegram.app.TelegramAdapter.start", refused_start)
    env = {"KETENBOT_DATABASE_URL": sqlite_url, "TELEGRAM_BOT_TOKEN": TOKEN, "KETENBOT_HTTP_PORT": "0"}
    from bot.cli.main import app as cli

    result = CliRunner().invoke(cli, ["run"], env=env)
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN is geweigerd (ongeldig of ingetrokken): ketenbot start niet." in result.output
    assert "Traceback" not in result.output
