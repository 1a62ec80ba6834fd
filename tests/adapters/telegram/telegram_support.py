"""The ketenbot Telegram adapter running for real against the fake Bot API, on a test database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from bot.adapters.telegram.app import TelegramAdapter
from bot.app import GROUPS
from bot.core.adapter import Lease
from bot.core.commands import CommandGroup
from bot.core.http import HttpServer
from bot.core.pacing import Limits
from bot.core.router import Router
from bot.core.sending import Sender
from bot.runtime import command_menu
from tests.fakes.telegram_api import Call, FakeTelegram
from tests.fakes.telegram_updates import JSON
from tests.harness import Chat

TOKEN = "123456:TEST-token"
NO_LIMITS = Limits()
WEBHOOK_PATH = "/telegram/webhook"


@dataclass
class TelegramBot:
    chat: Chat
    fake: FakeTelegram
    adapter: TelegramAdapter
    router: Router

    def link(self, handle: str, telegram_id: int) -> int:
        """Give a demo member (by console handle) a Telegram identity; returns the member id."""
        app = self.chat.app
        with app.uow() as uow:
            member = uow.members.by_handle(handle)
            assert member is not None and member.id is not None
            uow.identities.link(
                member.id,
                "telegram",
                str(telegram_id),
                display_name=member.name,
                direct_chat_id=str(telegram_id),
                at=self.chat.clock.now() + timedelta(seconds=1),  # used last: messages go here
            )
            uow.commit()
            return member.id

    async def say(self, user: int, text: str, *, chat: int | None = None, **kwargs: Any) -> Call:
        """Push a message and wait for the bot's first answer in that chat."""
        where = chat if chat is not None else user
        since = len(self.fake.calls)
        chat_type = "private" if where > 0 else kwargs.pop("chat_type", "group")
        await self.fake.push_message(user, where, text, chat_type=chat_type, **kwargs)
        return await self.fake.wait_for(sent_to(where), since=since)

    async def answers(self, user: int, text: str, count: int, *, chat: int | None = None) -> list[str]:
        """Push a message and wait until ``count`` messages arrived in that chat; their texts."""
        where = chat if chat is not None else user
        before = len(self.fake.sent_messages(where))
        await self.fake.push_message(user, where, text, chat_type="private" if where > 0 else "group")
        await self.fake.wait_until(lambda: len(self.fake.sent_messages(where)) >= before + count)
        return [m["text"] for m in self.fake.sent_messages(where)[before:]]

    async def messages(self, user: int, text: str, count: int, *, chat: int | None = None) -> list[JSON]:
        """Like ``answers``, but the sent messages themselves (text, keyboard, ids)."""
        where = chat if chat is not None else user
        before = len(self.fake.sent_messages(where))
        await self.fake.push_message(user, where, text, chat_type="private" if where > 0 else "group")
        await self.fake.wait_until(lambda: len(self.fake.sent_messages(where)) >= before + count)
        return self.fake.sent_messages(where)[before:]

    async def press(self, user: int, message: JSON, label: str, *, expect: int | None = 1) -> list[JSON]:
        """Press the button labelled ``label`` on a sent message; wait for ``expect`` new messages in that
        chat (0: for the pressed message to be edited; None: for either) and return the new ones."""
        chat = message["chat"]["id"]
        before = len(self.fake.sent_messages(chat))
        edits = len([c for c in self.fake.calls if c.method.startswith("editMessage")])

        def edited() -> bool:
            return len([c for c in self.fake.calls if c.method.startswith("editMessage")]) > edits

        def sent(count: int) -> bool:
            return len(self.fake.sent_messages(chat)) >= before + count

        await self.fake.push_callback(user, chat, message["message_id"], press_data(message, label))
        if expect is None:
            await self.fake.wait_until(lambda: edited() or sent(1))
        else:
            await self.fake.wait_until(lambda: sent(expect) if expect else edited())
        return self.fake.sent_messages(chat)[before:]

    def last(self, chat: int) -> JSON:
        """The latest version (edits included) of the last message the bot sent to ``chat``."""
        sent = self.fake.sent_messages(chat)[-1]
        return self.fake.messages[(chat, sent["message_id"])]

    async def deliver(self) -> int:
        """One dispatcher tick: Telegram recipients through this adapter, console ones recorded."""
        senders: dict[str, Sender] = {"telegram": self.adapter.sender, "console": self.chat.sender}
        dispatcher = self.chat.app.dispatcher(senders)
        sent = await dispatcher.tick()
        # a send paced past the dispatcher's patience (a second message to one chat) goes on in the
        # background: let it land before the test looks, so it does not turn up after a later step
        await dispatcher.settle()
        return sent


def sent_to(chat_id: int) -> Callable[[Call], bool]:
    return lambda c: c.method == "sendMessage" and c.ok and c.params.get("chat_id") == chat_id


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback_data or url) of a sent message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data") or b.get("url", "")) for row in rows for b in row]


def press_data(message: dict[str, Any], label_part: str) -> str:
    for label, data in buttons(message):
        if label_part in label:
            return data
    raise AssertionError(f"no button with {label_part!r} in {buttons(message)}")


@contextlib.asynccontextmanager
async def running_bot(
    chat: Chat,
    *,
    extra: Sequence[CommandGroup] = (),
    limits: Limits = NO_LIMITS,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    http: HttpServer | None = None,
    fake: FakeTelegram | None = None,
    poll_lock: Lease | None = None,
) -> AsyncIterator[TelegramBot]:
    """The real PTB Application (long polling, or webhook on ``http``) with ketenbot's router. A given
    ``fake`` is shared (two instances of one bot), else the bot gets its own."""
    app = chat.app
    router = app.router
    if extra:
        router = Router(
            [*GROUPS, *extra],
            uow_factory=app.uow,
            clock=app.clock,
            catalogue=app.catalogue,
            config=app.router.config,
            metrics=app.router.metrics,
        )
    async with contextlib.AsyncExitStack() as stack:
        if fake is None:
            fake = await stack.enter_async_context(FakeTelegram(token=TOKEN))
        adapter = TelegramAdapter(
            router.handle,
            token=TOKEN,
            metrics=router.metrics,
            commands=command_menu(app),
            base_url=fake.base_url,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            http=http,
            limits=limits,
            poll_timeout=1,
            poll_lock=poll_lock,
            poll_lock_interval=0.05,
        )
        if http is not None:  # the webhook URL names the port the server got
            await http.start()
            adapter.webhook_url = f"{http.base_url}{urlparse(webhook_url or WEBHOOK_PATH).path}"
        await adapter.start()
        try:
            yield TelegramBot(chat, fake, adapter, router)
        finally:
            await adapter.stop()
            if http is not None:
                await http.stop()
