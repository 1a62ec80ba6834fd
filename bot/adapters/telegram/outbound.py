"""Outgoing -> sendMessage / sendDocument, paced and retried.

``PacedRateLimiter`` plugs the core ``Pacer`` (per chat 1/s, groups 20/min, overall 30/s) into PTB, so every
send PTB makes (direct replies and outbox deliveries alike) is paced and retried on ``RetryAfter`` (that
chat is paused for as long as Telegram asks) and on network errors (bounded backoff). PTB's own limiter
does neither per chat nor retries. ``TelegramSender`` is the outbox's ``Sender``: it turns Telegram's
errors into ``SendError``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from telegram import Bot, InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.adapters.telegram.forms import keyboard
from bot.adapters.telegram.markup import MAX_CAPTION, escape, split_text
from bot.core.metrics import Metrics
from bot.core.pacing import Limit, Limits, Pacer
from bot.core.sending import BLOCKED, SendError
from bot.core.types import Outgoing

log = logging.getLogger("ketenbot.telegram")

# Bot API methods that put a message in a chat: these count against Telegram's limits.
PACED_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"}
)
MAX_ATTEMPTS = 5
BACKOFF = 0.5  # seconds, doubled per network failure
MAX_BACKOFF = 8.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Migrated = Callable[[str, str], Awaitable[None]]
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


def with_margin(limits: Limits, chat: float = 0.02, overall: float = 0.0) -> Limits:
    """A little slack on each window for clock jitter between us and Telegram. (Sends are counted from
    when they finished, ``Pacer.settle``, so a slow request cannot push two sends too close.)"""

    def stretch(limit: Limit | None, margin: float) -> Limit | None:
        return Limit(limit.count, limit.per + margin) if limit is not None else None

    return Limits(
        overall=stretch(limits.overall, overall),
        per_chat=stretch(limits.per_chat, chat),
        per_group=stretch(limits.per_group, chat),
    )


def is_group_chat(chat_id: object) -> bool:
    """Telegram groups, supergroups and channels have negative ids."""
    return str(chat_id).startswith("-")


def seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


# set while the outbox's TelegramSender sends: a 429 then goes back to the dispatcher at once (which parks
# that chat's rows until Retry-After and serves the other chats) instead of being waited out inside the send
OUTBOX_SEND: ContextVar[bool] = ContextVar("ketenbot_telegram_outbox_send", default=False)


class PacedRateLimiter(BaseRateLimiter[None]):
    def __init__(
        self,
        pacer: Pacer,
        metrics: Metrics,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.pacer = pacer
        self.metrics = metrics
        self.max_attempts = max_attempts
        self.sleep = sleep

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> ApiResult:
        chat = data.get("chat_id")
        paced = chat is not None and endpoint in PACED_METHODS
        # with no limit set there is no window to count in; a 429's pause is still waited for
        counted = paced and not self.pacer.unlimited
        for attempt in range(1, self.max_attempts + 1):
            if counted:
                await self.pacer.acquire(str(chat), is_group_chat(chat), hold=True)
            elif paced and (paused := self.pacer.paused(str(chat))):
                await self.sleep(paused)
            started = time.perf_counter()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                self._count("retry_after", endpoint)
                wait = seconds(error.retry_after)
                if paced and OUTBOX_SEND.get():
                    self.pacer.pause(wait, str(chat))  # direct replies to that chat wait too
                    raise
                if attempt == self.max_attempts:
                    raise
                if paced:
                    self.pacer.pause(wait, str(chat))  # other chats keep going
                else:
                    await self.sleep(wait)
                continue
            except BadRequest:
                self._count("bad_request", endpoint)
                raise
            except NetworkError:  # a timeout, a dropped connection, a 5xx
                self._count("network", endpoint)
                if attempt == self.max_attempts:
                    raise
                await self.sleep(min(MAX_BACKOFF, BACKOFF * 2 ** (attempt - 1)))
                continue
            finally:
                if counted:
                    self.pacer.settle(str(chat))
                self.metrics.observe(
                    "ketenbot_telegram_send_seconds",
                    time.perf_counter() - started,
                    help="Latency of Bot API calls",
                    method=endpoint,
                )
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _count(self, kind: str, endpoint: str) -> None:
        self.metrics.inc("ketenbot_telegram_errors_total", help="Bot API errors", kind=kind, method=endpoint)


async def deliver(bot: Bot, chat_id: int | str, message: Outgoing) -> list[Message]:
    """Put ``message`` in the chat: its text (split, escaped, keyboard on the last part), then its file."""
    sent: list[Message] = []
    chunks = split_text(message.text) if message.text.strip() else []
    markup = keyboard(message, bot.username)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                link_preview_options=NO_PREVIEW,
            )
        )
    if message.file is not None:
        document = InputFile(message.file.data, filename=message.file.name)
        sent.append(
            await bot.send_document(
                chat_id,
                document,
                caption=escape(message.file.name)[:MAX_CAPTION],
                parse_mode=ParseMode.HTML,
                reply_markup=markup if not chunks else None,
            )
        )
    return sent


def destination(message: Outgoing) -> str:
    """The chat to send to: the given chat, else the user's direct chat (its id is the user id)."""
    target = message.chat_id or message.user_id
    if not target:
        raise SendError("no chat to send to", permanent=True)
    return target


class TelegramSender:
    """The outbox's ``Sender`` for Telegram."""

    def __init__(self, bot: Bot, on_migrated: Migrated) -> None:
        self.bot = bot
        self.on_migrated = on_migrated

    async def send(self, message: Outgoing) -> None:
        chat_id = destination(message)
        outbox_send = OUTBOX_SEND.set(True)
        try:
            try:
                await deliver(self.bot, chat_id, message)
            except ChatMigrated as moved:
                new_chat_id = str(moved.new_chat_id)
                await self.on_migrated(chat_id, new_chat_id)
                await deliver(self.bot, new_chat_id, message)
        except Forbidden as error:  # blocked by the user, or removed from the group
            blocked = not is_group_chat(chat_id)
            raise SendError(str(error), permanent=True, kind=BLOCKED if blocked else None) from error
        except RetryAfter as error:
            raise SendError(str(error), retry_after=seconds(error.retry_after)) from error
        except BadRequest as error:
            raise SendError(str(error), permanent=True) from error
        except TelegramError as error:  # network errors that outlasted the retries, and the rest
            raise SendError(str(error)) from error
        finally:
            OUTBOX_SEND.reset(outbox_send)
