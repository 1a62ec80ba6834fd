"""Telegram updates -> neutral ``Incoming``: messages and commands, button presses, group migrations."""

from __future__ import annotations

from dataclasses import replace

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.adapters.telegram.markup import TEXT_ANSWER, decode_callback
from bot.core.types import ChatKind, Incoming

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
