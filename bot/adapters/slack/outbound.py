"""Neutral ``Outgoing`` -> Slack Web API calls: messages with Block Kit buttons, in-place updates,
ephemeral notes, direct messages (``conversations.open``) and files (``files_upload_v2``).

``SlackOutbound.send`` is the outbox ``Sender``: paced per channel and turning Slack's failures into
``SendError`` (Retry-After for 429s, permanent for errors no retry can fix).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.inbound import MessageRef
from bot.adapters.slack.markup import answered_blocks, escape, fallback_text, message_blocks
from bot.core.pacing import SLACK_LIMITS, Limit, Limits, Pacer
from bot.core.sending import SendError
from bot.core.types import Outgoing

# Slack allows about one message per second per channel. The Web API counts arrival times, which jitter
# by a few milliseconds against our send times, so the outbox keeps a 10% margin to never trip it.
_PER_CHANNEL = SLACK_LIMITS.per_chat or Limit(1, 1.0)
OUTBOX_LIMITS = Limits(
    per_chat=Limit(_PER_CHANNEL.count, _PER_CHANNEL.per * 1.1),
    per_group=Limit(_PER_CHANNEL.count, _PER_CHANNEL.per * 1.1),
)
DM_CACHE_SIZE = 5000

# Errors that no retry can fix: the outbox marks the message failed instead of trying again.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "msg_too_long",
        "no_text",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "user_disabled",
        "user_not_found",
    }
)


def make_client(token: str, base_url: str | None = None) -> AsyncWebClient:
    """A Web API client that retries 429s after Retry-After, connection resets and 5xx answers."""
    return AsyncWebClient(
        token=token,
        base_url=base_url or AsyncWebClient.BASE_URL,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def is_user_id(chat_id: str) -> bool:
    return chat_id[:1] in ("U", "W")


def send_error(error: SlackApiError) -> SendError:
    response = error.response
    code = str(response.get("error") or "unknown_error")
    if response.status_code == 429:
        headers = {str(k).lower(): v for k, v in (response.headers or {}).items()}
        raw = headers.get("retry-after", "1")
        raw = raw[0] if isinstance(raw, list) else raw
        try:
            retry_after = max(1.0, float(raw))
        except ValueError:
            retry_after = 1.0
        return SendError(f"slack: {code}", retry_after=retry_after)
    return SendError(f"slack: {code}", permanent=code in PERMANENT_ERRORS)


class SlackOutbound:
    def __init__(self, client: AsyncWebClient, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer(OUTBOX_LIMITS)
        self._direct: OrderedDict[str, str] = OrderedDict()  # user id -> IM channel id (a cache only)

    # -- where ------------------------------------------------------------------------------------

    async def open_direct(self, user_id: str) -> str:
        cached = self._direct.get(user_id)
        if cached is not None:
            return cached
        response = await self.client.conversations_open(users=user_id)
        channel = str(response["channel"]["id"])
        self._direct[user_id] = channel
        while len(self._direct) > DM_CACHE_SIZE:
            self._direct.popitem(last=False)
        return channel

    async def channel_for(self, message: Outgoing) -> str:
        """The message's chat; or the direct chat with its user (opened with conversations.open)."""
        if message.chat_id and not is_user_id(message.chat_id):
            return message.chat_id
        user = message.user_id or message.chat_id
        if not user:
            raise SendError("slack: message without a chat or a user", permanent=True)
        return await self.open_direct(user)

    # -- what -------------------------------------------------------------------------------------

    async def post(self, message: Outgoing, channel: str | None = None) -> MessageRef:
        """Post the message (and upload its file); returns the posted message's reference."""
        where = channel or await self.channel_for(message)
        if message.file is not None and not message.buttons:
            await self.upload(where, message, comment=message.text)
            return MessageRef(where, "")
        response = await self.client.chat_postMessage(
            channel=where,
            text=fallback_text(message.text),
            blocks=message_blocks(message.text, message.buttons),
            unfurl_links=False,
            unfurl_media=False,
        )
        if message.file is not None:
            await self.upload(where, message, comment=None)
        return MessageRef(str(response.get("channel") or where), str(response.get("ts") or ""))

    async def upload(self, channel: str, message: Outgoing, *, comment: str | None) -> None:
        file = message.file
        assert file is not None
        arguments: dict[str, Any] = {}
        if comment:
            arguments["initial_comment"] = escape(comment)
        await self.client.files_upload_v2(
            channel=channel, filename=file.name, title=file.name, content=file.data, **arguments
        )

    async def update(self, ref: MessageRef, message: Outgoing) -> None:
        """Replace a message the bot posted earlier (after a button press on it)."""
        await self.client.chat_update(
            channel=ref.channel,
            ts=ref.ts,
            text=fallback_text(message.text),
            blocks=message_blocks(message.text, message.buttons),
        )
        if message.file is not None:
            await self.upload(ref.channel, message, comment=None)

    async def mark_answered(
        self, ref: MessageRef, pressed: Mapping[str, Any], label: str, message: Outgoing
    ) -> None:
        """Keep the pressed message, drop its buttons, and add the choice and the (short) reply under it."""
        blocks, text = answered_blocks(pressed, label, message.text, message.buttons)
        await self.client.chat_update(channel=ref.channel, ts=ref.ts, text=text, blocks=blocks)
        if message.file is not None:
            await self.upload(ref.channel, message, comment=None)

    async def ephemeral(self, channel: str, user_id: str, message: Outgoing) -> None:
        """Only ``user_id`` sees it, in ``channel`` (greetings, details that stay out of the channel)."""
        await self.client.chat_postEphemeral(
            channel=channel,
            user=user_id,
            text=fallback_text(message.text),
            blocks=message_blocks(message.text, message.buttons),
        )

    # -- the outbox's Sender ----------------------------------------------------------------------

    async def send(self, message: Outgoing) -> None:
        channel: str | None = None
        try:
            channel = await self.channel_for(message)
            # held until settled: the window counts the post from when it finished, so a slow request on
            # a busy machine cannot land two posts closer together than the limit at Slack's side
            await self.pacer.acquire(channel, message.is_group, hold=True)
            try:
                await self.post(replace(message, chat_id=channel), channel)
            finally:
                self.pacer.settle(channel)
        except SlackApiError as error:
            failure = send_error(error)
            if failure.retry_after is not None:
                self.pacer.pause(failure.retry_after, channel)
            raise failure from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise SendError(f"slack: {type(error).__name__}") from error
