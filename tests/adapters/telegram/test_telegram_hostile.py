"""Issue 16 through the real PTB app and the fake Bot API: hostile display names and webhook bodies."""

from __future__ import annotations

import aiohttp

from bot.core.http import HttpServer
from bot.core.mentions import mention
from tests.adapters.telegram.telegram_support import WEBHOOK_PATH, running_bot
from tests.adapters.telegram.test_telegram_webhook import SECRET, healthy
from tests.harness import Chat

NEW_USER = 7101


async def test_a_first_name_with_mention_markers_never_becomes_a_tg_user_link(chat: Chat) -> None:
    forged = f"Noor {mention('telegram', '424242')}\u202e"
    async with running_bot(chat) as bot:
        call = await bot.say(NEW_USER, f"/start {chat.invite_code}", first_name=forged)
    text = call.params["text"]
    assert "Je code klopt" in text and "Noor" in text  # the profile name, offered
    assert "tg://user" not in text and "\ue000" not in text and "\u202e" not in text
    with chat.app.uow() as uow:
        identity = uow.identities.find("telegram", str(NEW_USER))
        assert identity is not None and identity.display_name == "Noor telegram424242"


async def test_a_webhook_body_that_is_not_an_update_is_a_400_never_a_500(sqlite_chat: Chat) -> None:
    http = HttpServer("127.0.0.1", 0, metrics=sqlite_chat.app.router.metrics, health=healthy)
    url = "https://bot.example/telegram/webhook"
    statuses = {}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        running_bot(sqlite_chat, webhook_url=url, webhook_secret=SECRET, http=http),
        aiohttp.ClientSession() as session,
    ):
        for body in ("[]", "null", '"x"', "42", "{}", '{"message": []}', '{"update_id": "x"}'):
            async with session.post(f"{http.base_url}{WEBHOOK_PATH}", data=body, headers=headers) as response:
                statuses[body] = response.status
    assert all(status in (200, 400) for status in statuses.values()), statuses
    assert statuses["[]"] == statuses["null"] == statuses['"x"'] == statuses["42"] == 400
