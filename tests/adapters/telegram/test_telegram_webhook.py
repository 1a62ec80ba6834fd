"""Webhook mode on the bot's one HTTP server: the secret header is checked, /healthz and /metrics too."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.core.http import HttpServer
from tests.adapters.telegram.telegram_support import WEBHOOK_PATH, running_bot
from tests.harness import Chat

USER = 7201
SECRET = "geheim-0123456789"


def command_update(text: str) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 9,
            "date": 0,
            "chat": {"id": USER, "type": "private", "first_name": "Test"},
            "from": {"id": USER, "is_bot": False, "first_name": "Test", "language_code": "nl"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        }
    }


async def healthy() -> dict[str, bool]:
    return {"database": True}


async def test_webhook_accepts_only_the_secret_and_serves_health_and_metrics(chat: Chat) -> None:
    http = HttpServer("127.0.0.1", 0, metrics=chat.app.router.metrics, health=healthy)
    url = "https://bot.example/telegram/webhook"
    async with running_bot(chat, webhook_url=url, webhook_secret=SECRET, http=http) as bot:
        fake = bot.fake
        assert fake.webhook_url == f"{http.base_url}{WEBHOOK_PATH}" and fake.webhook_secret == SECRET
        assert bot.adapter.application.updater is None  # no long polling in webhook mode
        bot.link("wijkagent", USER)
        assert await fake.deliver_via_webhook(command_update("/ik")) == 200
        reply = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok)
        assert "Bram Kuipers" in reply.params["text"]
        assert await fake.deliver_via_webhook(command_update("/ik"), secret="fout") == 403
        assert await fake.deliver_via_webhook(command_update("/ik"), omit_secret=True) == 403
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{http.base_url}{WEBHOOK_PATH}",
                data="{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response:
                assert response.status == 400
            async with session.get(f"{http.base_url}/metrics") as response:
                metrics = await response.text()
            async with session.get(f"{http.base_url}/healthz") as response:
                health = json.loads(await response.text())
        sends = [c for c in fake.calls if c.method == "sendMessage"]
    assert len(sends) == 1  # the refused updates did nothing
    assert not [c for c in fake.calls if c.method == "getUpdates"]
    assert 'ketenbot_telegram_updates_total{kind="command"} 1.0' in metrics
    assert "ketenbot_telegram_webhook_rejected_total 2.0" in metrics
    assert 'ketenbot_telegram_send_seconds_count{method="sendMessage"} 1.0' in metrics
    assert health["status"] == "ok"


async def test_webhook_without_configured_secret_gets_a_random_one(sqlite_chat: Chat) -> None:
    http = HttpServer("127.0.0.1", 0, metrics=sqlite_chat.app.router.metrics, health=healthy)
    async with running_bot(sqlite_chat, webhook_url="https://bot.example/hook", http=http) as bot:
        secret = bot.fake.webhook_secret
        assert secret and len(secret) >= 32
        assert await bot.fake.deliver_via_webhook(command_update("/ik"), secret="") == 403
        assert await bot.fake.deliver_via_webhook(command_update("/ik")) == 200
        await bot.fake.wait_for(lambda c: c.method == "sendMessage" and c.ok)
