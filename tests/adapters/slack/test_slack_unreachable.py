"""Issue 17: Slack unreachable at start (nothing listening at SLACK_API_URL): one log line, Telegram runs
on, /healthz reports Slack down until its token check (auth.test) gets through; a rejected token stops."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app
from bot.config import Settings
from bot.core.adapter import AdapterConfigError
from bot.core.clock import FixedClock
from bot.reconnect import Backoff
from bot.runtime import configured_runtime
from tests.adapters.telegram.telegram_support import TOKEN
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import DEFAULT_NOW

DEADLINE = 30.0


def app_for(
    sqlite_url: str, slack_url: str, telegram_url: str | None = None, slack_token: str = "xoxb-down"
) -> App:
    values: dict[str, Any] = {
        "KETENBOT_DATABASE_URL": sqlite_url,
        "KETENBOT_HTTP_PORT": 0,
        "SLACK_BOT_TOKEN": slack_token,
        "SLACK_SIGNING_SECRET": "slack-down-secret",
        "SLACK_API_URL": slack_url,
    }
    if telegram_url:
        values |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": telegram_url}
    return build_app(Settings(**values), clock=FixedClock(DEFAULT_NOW))


async def test_slack_down_at_start_telegram_runs_and_healthz_says_so(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    refusing = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refusing.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    waits: asyncio.Queue[float] = asyncio.Queue()
    go = asyncio.Event()

    async def wait(delay: float) -> None:
        await waits.put(delay)
        await go.wait()
        go.clear()

    async with FakeTelegram(token=TOKEN) as telegram:
        app = app_for(sqlite_url, f"http://127.0.0.1:{refusing.getsockname()[1]}/api/", telegram.base_url)
        runtime = configured_runtime(app, backoff=Backoff(first=5.0, wait=wait))
        await runtime.start()
        try:
            assert await asyncio.wait_for(waits.get(), DEADLINE) == 5.0
            async with aiohttp.ClientSession() as http, http.get(f"{runtime.http.base_url}/healthz") as r:
                assert r.status == 503
                assert (await r.json())["checks"] == {"database": True, "telegram": True, "slack": False}
            await telegram.push_message(9003, 9003, "/help", first_name="Ilse")
            await telegram.wait_for(lambda c: c.method == "sendMessage" and c.ok, timeout=DEADLINE)
            slack = FakeSlack()
            await slack.start(refusing)  # Slack is back
            try:
                slack_adapter = runtime.adapters[1]
                go.set()
                await slack.wait_for(lambda: slack.called("auth.test"), timeout=DEADLINE)
                await telegram.wait_until(slack_adapter.connected, timeout=DEADLINE)
                assert (await runtime.health())["slack"] is True
            finally:
                await runtime.stop()
                await slack.stop()
        finally:
            await runtime.stop()
    down = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("ketenbot")]
    assert len(down) == 1 and down[0].exc_info is None
    assert (
        down[0].getMessage().startswith("slack not reachable (") and "xoxb-down" not in down[0].getMessage()
    )
    app.engine.dispose()


async def test_a_rejected_slack_token_stops_the_start(sqlite_url: str) -> None:
    async with FakeSlack() as slack:
        app = app_for(sqlite_url, slack.api_url, slack_token="bogus")  # the fake refuses it: invalid_auth
        runtime = configured_runtime(app)
        with pytest.raises(AdapterConfigError) as refused:
            await runtime.start()
        await runtime.stop()
    assert refused.value.setting == "SLACK_BOT_TOKEN"
    app.engine.dispose()
