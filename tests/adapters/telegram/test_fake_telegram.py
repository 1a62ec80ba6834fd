"""The fake Bot API server driven by the real, unmodified python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123:ABC"
USER, CHAT = 4242, 4242
AnyApp = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


def build_app(fake: FakeTelegram) -> AnyApp:
    return ApplicationBuilder().token(TOKEN).base_url(fake.base_url).base_file_url(fake.base_file_url).build()


@contextlib.asynccontextmanager
async def polling(app: AnyApp) -> AsyncIterator[AnyApp]:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def sent(text: str):
    return lambda c: c.method == "sendMessage" and c.ok and c.params.get("text") == text


async def pong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("pong")


async def test_ping_pong_over_long_polling(fake: FakeTelegram) -> None:
    app = build_app(fake)
    app.add_handler(CommandHandler("ping", pong))
    async with polling(app):
        await fake.push_message(USER, CHAT, "/ping")
        call = await fake.wait_for(sent("pong"), timeout=5)
    assert call.params["chat_id"] == CHAT and call.encoding == "form"
    assert call.result["chat"] == {"id": CHAT, "type": "private", "first_name": "Test"}
    assert [m["text"] for m in fake.sent_messages(CHAT)] == ["pong"]
    methods = [c.method for c in fake.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods and "getUpdates" in methods
    assert fake.pending == []  # PTB confirmed the update via the offset on its final getUpdates


async def test_long_poll_returns_early_and_honours_offset(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with app:
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await app.bot.get_updates(timeout=0.3) == ()
        assert 0.25 <= loop.time() - started < 2  # the empty poll waited for its timeout
        poll = asyncio.create_task(app.bot.get_updates(timeout=5))
        await fake.wait_until(lambda: fake.waiting_polls == 1, timeout=2)  # the poll is parked
        first = await fake.push_message(USER, CHAT, "hallo")
        updates = await asyncio.wait_for(poll, 2)  # long before the 5 s poll timeout
        assert [u.update_id for u in updates] == [first]
        assert updates[0].effective_message.text == "hallo"
        second = await fake.push_message(USER, CHAT, "/start")
        assert second > first
        updates = await app.bot.get_updates(offset=first + 1, timeout=0)
        assert [u.update_id for u in updates] == [second]
        assert updates[0].effective_message.entities[0].type == "bot_command"


async def test_callback_query_answered_and_message_edited(fake: FakeTelegram) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
        assert update.effective_message is not None
        await update.effective_message.reply_text("Doorgaan?", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text(f"gekozen: {query.data}")

    app = build_app(fake)
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(pressed))
    async with polling(app):
        await fake.push_message(USER, CHAT, "/menu")
        menu_call = await fake.wait_for(sent("Doorgaan?"))
        markup = menu_call.result["reply_markup"]
        assert markup["inline_keyboard"][0][0]["callback_data"] == "yes"
        await fake.push_callback(USER, CHAT, menu_call.result["message_id"], "yes")
        answer = await fake.wait_for(lambda c: c.method == "answerCallbackQuery")
        edit = await fake.wait_for(lambda c: c.method == "editMessageText")
    assert answer.ok and answer.params["text"] == "ok"
    assert edit.ok and edit.result["text"] == "gekozen: yes" and "reply_markup" not in edit.result
    assert fake.messages[(CHAT, menu_call.result["message_id"])]["text"] == "gekozen: yes"


async def test_document_upload_recorded_with_bytes(fake: FakeTelegram) -> None:
    payload = "naam;rol\nZoë;casusregisseur\n".encode()
    app = build_app(fake)
    async with app:
        msg = await app.bot.send_document(CHAT, payload, filename="partners.csv", caption="Lijst")
        assert msg.document is not None and msg.document.file_name == "partners.csv"
        call = fake.calls[-1]
        assert call.method == "sendDocument" and call.encoding == "multipart"
        (doc,) = fake.documents(CHAT)
        assert (doc.filename, doc.mime_type, doc.data, doc.caption) == (
            "partners.csv",
            "text/csv",
            payload,
            "Lijst",
        )
        # the stored bytes are also downloadable through base_file_url
        tg_file = await app.bot.get_file(msg.document.file_id)
        assert tg_file.file_path is not None and tg_file.file_path.startswith(fake.base_file_url + TOKEN)
        assert bytes(await tg_file.download_as_bytearray()) == payload


async def test_429_surfaces_as_retry_after_then_recovers(fake: FakeTelegram) -> None:
    errors: asyncio.Queue[object] = asyncio.Queue()

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.put_nowait(context.error)

    app = build_app(fake)
    app.add_handler(CommandHandler("ping", pong))
    app.add_error_handler(on_error)
    fake.fail_next("sendMessage", 429, retry_after=1, count=1)
    async with polling(app):
        await fake.push_message(USER, CHAT, "/ping")
        err = await asyncio.wait_for(errors.get(), 5)
        rejected = await fake.wait_for(lambda c: c.method == "sendMessage")
        await fake.push_message(USER, CHAT, "/ping")
        await fake.wait_for(sent("pong"))
    assert isinstance(err, RetryAfter)
    assert err.retry_after in (1, dt.timedelta(seconds=1))
    assert rejected.status == 429 and rejected.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(fake.sent_messages(CHAT)) == 1


async def test_blocked_migrated_502_and_dropped_connection(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with app:
        fake.block_chat(77)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await app.bot.send_message(77, "hoi")
        await fake.push_migrate(-55, -1005500000000)
        with pytest.raises(ChatMigrated) as migrated:
            await app.bot.send_message(-55, "hoi")
        assert migrated.value.new_chat_id == -1005500000000
        updates = await app.bot.get_updates(timeout=0)
        assert updates[0].effective_message.migrate_to_chat_id == -1005500000000
        fake.fail_next("sendMessage", 502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(CHAT, "hoi")
        fake.fail_next("sendMessage", disconnect=True)
        with pytest.raises(NetworkError):
            await app.bot.send_message(CHAT, "hoi")
        assert (await app.bot.send_message(CHAT, "hoi")).text == "hoi"


async def test_enforced_rate_limits(fake: FakeTelegram) -> None:
    fake.enforce_limits(per_chat_per_s=1.0, per_group_per_min=20, overall_per_s=5)
    app = build_app(fake)
    async with app:
        await app.bot.send_message(CHAT, "een")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(CHAT, "twee")  # same chat within a second
        for chat in range(1, 5):  # 4 more chats -> 5 sends within this second
            await app.bot.send_message(chat, "x")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(999, "x")  # 6th send within the second
        fake.enforce_limits(per_chat_per_s=100, per_group_per_min=2, overall_per_s=100)
        await app.bot.send_message(-5, "a")
        await app.bot.send_message(-5, "b")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(-5, "c")  # 3rd message to the group within a minute
    assert [c.violation for c in fake.limit_violations] == ["per_chat", "overall", "per_group"]
    assert [c.response["parameters"]["retry_after"] for c in fake.limit_violations] == [1, 1, 60]
    assert [chat for _, chat in fake.send_times] == [CHAT, 1, 2, 3, 4, -5, -5]
    times = [t for t, _ in fake.send_times]
    assert times == sorted(times)  # server monotonic clock, for measuring achieved rates


async def test_set_my_commands_recorded_per_language(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with app:
        await app.bot.set_my_commands([BotCommand("ping", "Check")])
        await app.bot.set_my_commands([BotCommand("ping", "Controleer")], language_code="nl")
        groups = BotCommandScopeAllGroupChats()
        await app.bot.set_my_commands([BotCommand("help", "Hulp")], scope=groups, language_code="nl")
        assert [c.description for c in await app.bot.get_my_commands(language_code="nl")] == ["Controleer"]
        await app.bot.delete_my_commands(language_code="nl")
        assert await app.bot.get_my_commands(language_code="nl") == ()
    assert fake.commands_for("") == [{"command": "ping", "description": "Check"}]
    assert fake.commands_for("nl", {"type": "all_group_chats"}) == [
        {"command": "help", "description": "Hulp"}
    ]
    assert fake.commands_for("nl") is None


async def test_webhook_delivery_with_secret(fake: FakeTelegram) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    app = build_app(fake)
    app.add_handler(CommandHandler("ping", pong))

    async def receive(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        if secret != "s3cret":
            return web.Response(status=403)
        await app.process_update(Update.de_json(await request.json(), app.bot))
        return web.Response()

    web_app = web.Application()
    web_app.router.add_post("/hook", receive)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with app:
            assert await app.bot.set_webhook(url, secret_token="s3cret")
            assert (await app.bot.get_webhook_info()).url == url
            update = {
                "message": {
                    "message_id": 5,
                    "date": 0,
                    "chat": {"id": CHAT, "type": "private"},
                    "text": "/ping",
                }
            }
            update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 5}]
            assert await fake.deliver_via_webhook(update) == 200
            await fake.wait_for(sent("pong"))
            assert await fake.deliver_via_webhook(update, secret="wrong") == 403
            assert await fake.deliver_via_webhook(update, omit_secret=True) == 403
            with pytest.raises(Conflict, match="webhook is active"):
                await app.bot.get_updates(timeout=0)
    finally:
        await runner.cleanup()
    assert [secret for secret, _ in received] == ["s3cret", "wrong", None]
    assert received[0][1]["update_id"] >= 1


async def test_stop_releases_waiting_pollers() -> None:
    server = FakeTelegram()
    await server.start()
    app = build_app(server)
    await app.initialize()
    try:
        poll = asyncio.create_task(app.bot.get_updates(timeout=30))
        await server.wait_until(lambda: server.waiting_polls == 1, timeout=2)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(server.stop(), 5)
        assert await asyncio.wait_for(poll, 5) == ()  # answered (empty), not cut off or left hanging
        assert loop.time() - started < 1.0  # well before both the 30 s poll and the 2 s shutdown grace
        assert server.waiting_polls == 0 and server.calls[-1].method == "getUpdates"
    finally:
        await app.shutdown()
