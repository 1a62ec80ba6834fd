"""The Telegram adapter: the real PTB ``Application`` with three generic listeners (commands, button
presses, plain text) and one for group migrations; long polling, or a webhook on the bot's HTTP server.

It translates updates to ``Incoming``, runs the router off the event loop, and renders what comes back.
No business rules live here: the adapter gets plain data (a handle function, the command menu).
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import BotCommand, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapters.telegram import inbound
from bot.adapters.telegram.forms import button_signature, keyboard, pressed_label
from bot.adapters.telegram.markup import escape, split_text
from bot.adapters.telegram.outbound import (
    PacedRateLimiter,
    TelegramSender,
    deliver,
    destination,
    with_margin,
)
from bot.adapters.telegram.polling import ALLOWED_UPDATES, Poller
from bot.core.adapter import AdapterConfigError, Lease
from bot.core.http import HttpServer
from bot.core.metrics import Metrics
from bot.core.pacing import TELEGRAM_LIMITS, Limits, Pacer
from bot.core.types import MAX_UPLOAD_BYTES, Incoming, Outgoing

log = logging.getLogger("ketenbot.telegram")

Handle = Callable[[Incoming], list[Outgoing]]
CommandMenu = Mapping[str, Sequence[tuple[str, str]]]  # language -> (command, description)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
CHATS_IN_FLIGHT = 64  # slow chats served in the background at most (each waits for its router slot in turn)
PATIENCE = 0.01  # seconds the next update waits for the one before it (inbound.PerChatUpdateProcessor)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class TelegramAdapter:
    platform = inbound.PLATFORM

    def __init__(
        self,
        handle: Handle,
        *,
        token: str,
        metrics: Metrics,
        commands: CommandMenu,
        default_language: str = "nl",
        base_url: str | None = None,
        base_file_url: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        http: HttpServer | None = None,
        limits: Limits = TELEGRAM_LIMITS,
        poll_timeout: float = 10.0,
        concurrent_updates: int = 1,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        poll_lock: Lease | None = None,
        poll_lock_interval: float = 5.0,
    ) -> None:
        """``concurrent_updates``: how many updates run the router at once (one chat's updates always in
        order). 1 on SQLite, where concurrent writers wait on each other (bench/telegram.py measures it).
        An update that takes longer than ``PATIENCE`` (a reply waiting for its chat's pacing slot, 1/s per
        chat) goes on in the background, up to ``CHATS_IN_FLIGHT`` chats at once, so it does not hold up
        every other chat (bench/load.py: p50 1.2 s -> ms).
        ``poll_lock``: long polling only while holding it (one poller per bot across instances); without
        it this instance polls at once. Every ``poll_lock_interval`` seconds the lock is tried or checked."""
        if webhook_url and http is None:
            raise ValueError("webhook mode needs the bot's HTTP server")
        self.handle = handle
        self.metrics = metrics
        self.commands = commands
        self.default_language = default_language
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret or (secrets.token_urlsafe(32) if webhook_url else None)
        self.poll_timeout = poll_timeout
        self.max_upload_bytes = max_upload_bytes
        metrics.gauge(
            "ketenbot_telegram_polling",
            lambda: 1.0 if self.polling else 0.0,
            help="1 while this instance long-polls Telegram (one instance per bot does)",
        )
        self.pacer = Pacer(with_margin(limits))
        self._router_slots = asyncio.Semaphore(concurrent_updates)
        # one chat's updates in order; a slow one (its reply waiting for its pacing slot) holds up no other
        self.processor = inbound.PerChatUpdateProcessor(
            max(concurrent_updates, CHATS_IN_FLIGHT), PATIENCE, on_arrival=self._stop_spinner
        )
        builder = (
            ApplicationBuilder()
            .token(token)
            .rate_limiter(PacedRateLimiter(self.pacer, metrics))
            .concurrent_updates(self.processor)
        )
        if base_url:
            builder = builder.base_url(base_url)
        if base_file_url or base_url:
            builder = builder.base_file_url(base_file_url or _file_url(base_url or ""))
        if webhook_url:
            builder = builder.updater(None)
        self.application: AnyApplication = builder.build()
        self.poller = Poller(
            self.application, timeout=poll_timeout, lease=poll_lock, interval=poll_lock_interval
        )
        self.sender = TelegramSender(self.application.bot, self._migrated)
        self._running = False
        self._install_listeners()
        if webhook_url and http is not None:
            http.add_route("POST", urlparse(webhook_url).path or DEFAULT_WEBHOOK_PATH, self._webhook)

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Raises when Telegram cannot be reached (the runtime tries again later: bot/reconnect.py), and
        ``AdapterConfigError`` when it rejects the token (waiting will not help)."""
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:  # PTB's message quotes the token: never log it
            raise AdapterConfigError("TELEGRAM_BOT_TOKEN") from None
        await self.publish_commands()
        if self.webhook_url:
            await app.bot.set_webhook(
                self.webhook_url, secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            await app.start()
        else:
            await app.start()
            await self.poller.start()
        self._running = True
        log.info("telegram adapter started (%s)", "webhook" if self.webhook_url else "long polling")

    async def stop(self) -> None:
        self._running = False
        app = self.application
        await self.poller.stop()
        if app.running:
            await app.stop()
        await self.processor.drain()  # replies still on their way go out before the connection closes
        await app.shutdown()

    @property
    def polling(self) -> bool:
        """Whether this instance long-polls now (with a poll lock only one instance per bot does)."""
        return self.poller.polling

    def connected(self) -> bool:
        return self._running and self.application.running

    async def publish_commands(self) -> None:
        """setMyCommands per language; the default list (no language_code) in the default language."""
        bot = self.application.bot
        for language, entries in self.commands.items():
            menu = [BotCommand(name, description[:256]) for name, description in entries]
            await bot.set_my_commands(menu, language_code=language)
            if language == self.default_language:
                await bot.set_my_commands(menu)

    # -- listeners: few and generic -------------------------------------------------------------------

    def _install_listeners(self) -> None:
        app = self.application
        app.add_handler(MessageHandler(filters.COMMAND, self._on_message))
        app.add_handler(CallbackQueryHandler(self._on_press))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self._on_message))
        app.add_handler(MessageHandler(filters.Document.ALL, self._on_upload))
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        app.add_error_handler(self._on_error)

    async def _route(self, incoming: Incoming) -> list[Outgoing]:
        """The router in a worker thread, at most ``concurrent_updates`` at once."""
        async with self._router_slots:
            return await asyncio.to_thread(self.handle, incoming)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = inbound.from_message(update)
        if incoming is None or not inbound.for_us(incoming, self.application.bot.username):
            return
        self._count("message" if not incoming.is_command else "command")
        for message in await self._route(incoming):
            await self._reply(message)

    async def _on_upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = await inbound.from_upload(update, self.max_upload_bytes)
        if incoming is None or not inbound.for_us(incoming, self.application.bot.username):
            return
        self._count("upload")
        for message in await self._route(incoming):
            await self._reply(message)

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        incoming = inbound.from_press(query)  # its spinner was stopped on arrival (_stop_spinner)
        if incoming is None:
            return
        self._count("press")
        replies = await self._route(incoming)
        pressed = query.message
        old_markup = getattr(pressed, "reply_markup", None)
        first = replies[0] if replies else None
        old_text = getattr(pressed, "text", None) or ""
        in_place = first is not None and (first.in_place or self._same_prompt(old_markup, old_text, first))
        if pressed is not None and first is not None and in_place:
            # the same question again (a multiple choice toggled), or an update of the pressed message (a
            # checklist ticked off): update it in place
            await self._edit(pressed.chat.id, pressed.message_id, first)
            replies = replies[1:]
        elif (
            pressed is not None
            and old_markup is not None
            and not (first and (first.refused or first.keeps_buttons))
        ):
            # answered: keep the question and what was chosen, drop the buttons (no double taps); a
            # refused press changed nothing, so the message keeps its buttons for someone who may press, and
            # so does one that only asked something (a digest: its other cases stay pressable)
            label = pressed_label(old_markup, query.data or "")
            text = getattr(pressed, "text", None) or ""
            chosen = f"{escape(text)}\n\n→ <b>{escape(label)}</b>" if label else escape(text)
            await self._edit_text(pressed.chat.id, pressed.message_id, chosen, None)
        for message in replies:
            await self._reply(message)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        incoming = inbound.from_migration(message) if message is not None else None
        if incoming is not None:
            self._count("migration")
            await self._route(incoming)

    async def _stop_spinner(self, update: Update) -> None:
        """Answer a press's callback query as soon as it arrives, before the chat's earlier updates are done
        (Telegram refuses an answer after ~15 s). A refusal does not drop the press: it is handled anyway."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:
            log.info("could not stop the spinner of a press (%s); the press is handled all the same", error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.metrics.inc("ketenbot_telegram_errors_total", help="Bot API errors", kind="update", method="-")
        log.error("telegram update failed: %r", context.error, exc_info=context.error)

    # -- rendering ------------------------------------------------------------------------------------

    async def _reply(self, message: Outgoing) -> None:
        try:
            await deliver(self.application.bot, destination(message), message)
        except Forbidden:
            if message.chat_id is not None:
                raise
            # details for the direct chat of someone who never started one: the group's reply carries a
            # "details in privé" link that opens it
            log.info("direct chat with %s not open; the details wait behind the link", message.user_id)

    def _same_prompt(self, old: InlineKeyboardMarkup | None, old_text: str, message: Outgoing) -> bool:
        """The same question with the same buttons (a toggle), not the next question that merely has the
        same controls (two optional fields in a row both offer skip and cancel)."""
        new = keyboard(message)
        if old is None or new is None or message.file is not None:
            return False
        same_question = _first_line(html.unescape(old_text)) == _first_line(message.text)
        one_part = len(split_text(message.text)) == 1
        return same_question and one_part and button_signature(old) == button_signature(new)

    async def _edit(self, chat_id: int, message_id: int, message: Outgoing) -> None:
        markup = keyboard(message, self.application.bot.username)
        await self._edit_text(chat_id, message_id, split_text(message.text)[0], markup)

    async def _edit_text(
        self, chat_id: int, message_id: int, html: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self.application.bot.edit_message_text(
                html, chat_id=chat_id, message_id=message_id, parse_mode="HTML", reply_markup=markup
            )
        except BadRequest as error:  # too old to edit, deleted, unchanged: the replies still go out
            if "not modified" not in str(error):
                log.warning("could not update message %s in %s: %s", message_id, chat_id, error)

    async def _migrated(self, old_chat_id: str, new_chat_id: str) -> None:
        """A send found the group moved: record it the same way as the migration update."""
        incoming = Incoming(platform=self.platform, chat_id=old_chat_id, user_id="", migrated_to=new_chat_id)
        await self._route(incoming)

    def _count(self, kind: str) -> None:
        self.metrics.inc("ketenbot_telegram_updates_total", help="Telegram updates received", kind=kind)

    # -- webhook --------------------------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not self.webhook_secret or not hmac.compare_digest(given.encode(), self.webhook_secret.encode()):
            self.metrics.inc("ketenbot_telegram_webhook_rejected_total", help="Webhook calls refused")
            return web.Response(status=403)
        try:
            data = await request.json()
            if not isinstance(data, dict):  # [], null, "x": not an Update (de_json would fail with a 500)
                return web.Response(status=400)
            update = Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, TelegramError, TypeError, KeyError, ValueError, AttributeError):
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response()


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def _file_url(base_url: str) -> str:
    """``http://host/bot`` -> ``http://host/file/bot`` (the Bot API's file download root)."""
    root, _, tail = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}"
