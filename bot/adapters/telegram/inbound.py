"""Telegram updates -> neutral ``Incoming``: messages and commands, button presses, group migrations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import BaseUpdateProcessor

from bot.adapters.telegram.markup import TEXT_ANSWER, decode_callback
from bot.core.types import ChatKind, FileAttachment, Incoming

PLATFORM = "telegram"


def chat_kind(chat: Chat) -> ChatKind:
    return ChatKind.DIRECT if chat.type == Chat.PRIVATE else ChatKind.GROUP


def _base(chat: Chat, user: User) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        chat_id=str(chat.id),
        user_id=str(user.id),
        chat_kind=chat_kind(chat),
        user_name=user.full_name,
        language_hint=user.language_code,
        chat_title=chat.title,
    )


def from_message(update: Update) -> Incoming | None:
    """A text message or command (``/start CODE`` from a deep link included); None when not for us."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None or user.is_bot:
        return None
    return replace(_base(message.chat, user), text=message.text, message_ref=str(message.message_id))


async def from_upload(update: Update, max_bytes: int) -> Incoming | None:
    """A document sent to the bot: fetched (getFile, then the file endpoint) unless Telegram says it is
    over ``max_bytes``; then only its size is passed on, and the router refuses it politely. A caption
    is the message's text (``/command`` included)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.document is None or user.is_bot:
        return None
    document = message.document
    name = document.file_name or "upload"
    mime = document.mime_type or "application/octet-stream"
    base = replace(_base(message.chat, user), text=message.caption, message_ref=str(message.message_id))
    declared = document.file_size or 0
    if declared > max_bytes:
        return replace(base, file=FileAttachment(name, b"", mime, size=declared))
    stored = await document.get_file()
    data = bytes(await stored.download_as_bytearray())
    return replace(base, file=FileAttachment(name, data, mime))


def from_press(query: CallbackQuery) -> Incoming | None:
    """A pressed inline button. A picker button answers as if its value was typed."""
    message = query.message
    if query.data is None or message is None:
        return None
    base = replace(_base(message.chat, query.from_user), message_ref=str(message.message_id))
    action_id, value = decode_callback(query.data)
    if action_id == TEXT_ANSWER:
        return replace(base, text=value)
    return replace(base, action_id=action_id, value=value)


def from_migration(message: Message) -> Incoming | None:
    """A group upgraded to a supergroup: the old chat's service message names the new id."""
    if message.migrate_to_chat_id is None:
        return None
    return Incoming(
        platform=PLATFORM,
        chat_id=str(message.chat.id),
        user_id=str(message.from_user.id) if message.from_user else "",
        chat_kind=ChatKind.GROUP,
        migrated_to=str(message.migrate_to_chat_id),
    )


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates from different chats are handled concurrently; one chat's updates strictly one after the
    other, so a member's form answers keep their order. A slow database call or a paced reply in one chat
    does not hold up the others."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats: the dict stays as small as the traffic
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
