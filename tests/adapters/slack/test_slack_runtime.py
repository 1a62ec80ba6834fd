"""Wiring: `ketenbot run` adds Slack when its credentials are set (HTTP or Socket Mode); the manifest."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from typer.testing import CliRunner

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.manifest import BOT_SCOPES, to_yaml
from bot.app import build_app
from bot.cli.main import app as cli
from bot.config import Settings
from bot.runtime import configured_runtime
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signing import signed_headers, slash_command_body

SECRET = "runtime-signing-secret"


def settings(url: str, **slack: str) -> Settings:
    values: dict[str, Any] = {"KETENBOT_DATABASE_URL": url, "KETENBOT_HTTP_PORT": 0, **slack}
    return Settings(**values)


def test_without_slack_credentials_no_slack_adapter(sqlite_url: str) -> None:
    runtime = configured_runtime(build_app(settings(sqlite_url, SLACK_BOT_TOKEN="xoxb-only-a-token")))
    assert runtime.adapters == [] and not runtime.needs_http


async def test_http_mode_serves_slack_on_the_bots_one_server(sqlite_url: str) -> None:
    async with FakeSlack() as fake:
        app = build_app(
            settings(
                sqlite_url, SLACK_BOT_TOKEN="xoxb-rt", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url
            )
        )
        runtime = configured_runtime(app)
        [adapter] = runtime.adapters
        assert isinstance(adapter, SlackAdapter) and adapter.mode == "http" and runtime.needs_http
        assert adapter.settings.home_commands == ("/mijn", "/overleg lijst", "/mijn herinneringen")
        await runtime.start()
        try:
            body = slash_command_body("/ketenbot", "help", "U1", "DU1")
            async with aiohttp.ClientSession() as http:
                url = runtime.http.base_url
                async with http.post(
                    f"{url}/slack/events", data=body, headers=signed_headers(SECRET, body)
                ) as r:
                    assert r.status == 200
                [answer] = await fake.wait_for(lambda: fake.posted("DU1"))
                assert "aangemeld" in answer.params["text"]
                assert fake.posted("DU1")[0].token == "xoxb-rt"
                async with http.get(f"{url}/healthz") as r:
                    assert (await r.json())["checks"]["slack"] is True
        finally:
            await runtime.stop()


async def test_socket_mode_is_chosen_when_an_app_token_is_set(sqlite_url: str) -> None:
    async with FakeSlack() as fake:
        app = build_app(
            settings(
                sqlite_url,
                SLACK_BOT_TOKEN="xoxb-rt",
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_APP_TOKEN="xapp-1-test",
                SLACK_API_URL=fake.api_url,
            )
        )
        runtime = configured_runtime(app)
        [adapter] = runtime.adapters
        assert isinstance(adapter, SlackAdapter) and adapter.mode == "socket"
        assert not runtime.needs_http
        paths = [r.resource.canonical for r in runtime.http.app.router.routes() if r.resource is not None]
        assert "/slack/events" not in paths and "/healthz" in paths
        # The fake has no Socket Mode (Bolt keeps retrying); the attempt with the app token is the proof.
        starting = asyncio.create_task(adapter.start())
        [opened] = await fake.wait_for(lambda: fake.called("apps.connections.open"))
        assert opened.token == "xapp-1-test" and not opened.ok
        assert isinstance(adapter.socket, AsyncSocketModeHandler) and not adapter.connected()
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        await adapter.stop()


def test_manifest_command_prints_a_ready_manifest() -> None:
    result = CliRunner().invoke(cli, ["slack", "manifest", "--url", "https://bot.example.org/"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.count('request_url: "https://bot.example.org/slack/events"') == 2
    assert '    - command: "/ketenbot"\n      description: ' in text
    for scope in BOT_SCOPES:
        assert f'      - "{scope}"\n' in text
    for event in ("app_home_opened", "member_joined_channel", "message.im"):
        assert f'      - "{event}"\n' in text
    assert "socket_mode_enabled: false" in text and "home_tab_enabled: true" in text

    socket = CliRunner().invoke(cli, ["slack", "manifest", "--socket"])
    assert "socket_mode_enabled: true" in socket.output and "request_url" not in socket.output


def test_yaml_emitter_nests_and_quotes() -> None:
    data = {"a": {"b": [{"c": 'x: "y"', "d": [1, True]}, "e"], "f": {}}, "g": None}
    assert to_yaml(data) == (
        "a:\n"
        "  b:\n"
        '    - c: "x: \\"y\\""\n'
        "      d:\n"
        "        - 1\n"
        "        - true\n"
        '    - "e"\n'
        "  f: {}\n"
        "g: null\n"
    )
