"""The outbox dispatcher: claim due rows, render them in the recipient's language, send, mark sent.

Claiming commits before sending, so a crash between send and mark repeats at most the claimed rows once
their lease ends; nothing is lost. On Postgres ``FOR UPDATE SKIP LOCKED`` keeps instances apart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.context import decode_reply
from bot.core.i18n import Catalogue
from bot.core.sending import Sender, SendError
from bot.core.types import Outgoing, RenderedButton
from storage.uow import UnitOfWork

log = logging.getLogger("ketenbot.dispatcher")

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Delivery:
    message_id: int
    dedupe_key: str
    recipient: str
    platform: str | None
    chat_id: str | None
    user_id: str | None
    language: str
    payload: dict[str, Any]
    expired: bool
    attempts: int
    is_group: bool


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        catalogue: Catalogue,
        senders: Mapping[str, Sender],
        *,
        default_language: str = "nl",
        batch: int = 100,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalogue = catalogue
        self.senders = dict(senders)
        self.default_language = default_language
        self.batch = batch

    async def tick(self) -> int:
        """Deliver what is due now; returns how many messages were sent."""
        deliveries = await asyncio.to_thread(self.claim)
        sent = 0
        blocked: set[str] = set()  # keep order per recipient: after a failure, wait for the next tick
        for delivery in deliveries:
            if delivery.recipient in blocked:
                await asyncio.to_thread(
                    self._retry, delivery, self.clock.now(), "waiting for earlier message"
                )
                continue
            outcome = await self.deliver(delivery)
            if outcome:
                sent += 1
            elif outcome is False:
                blocked.add(delivery.recipient)
        return sent

    def claim(self) -> list[Delivery]:
        uow = self.uow_factory()
        now = self.clock.now()
        with uow:
            rows = uow.outbox.claim_due(now, limit=self.batch)
            deliveries = [
                self._resolve(
                    uow,
                    row.id or 0,
                    row.dedupe_key,
                    row.member_id,
                    row.group_purpose,
                    row.payload,
                    row.expires_at,
                    row.attempts,
                    now,
                )
                for row in rows
            ]
            uow.commit()
        return deliveries

    def _resolve(
        self,
        uow: UnitOfWork,
        message_id: int,
        key: str,
        member_id: int | None,
        purpose: str | None,
        payload: dict[str, Any],
        expires_at: datetime | None,
        attempts: int,
        now: datetime,
    ) -> Delivery:
        expired = expires_at is not None and expires_at <= now
        if member_id is not None:
            member = uow.members.get(member_id)
            identity = uow.identities.preferred(member_id)
            language = (member.language if member else None) or self.default_language
            return Delivery(
                message_id,
                key,
                f"member:{member_id}",
                identity.platform if identity else None,
                identity.direct_chat_id if identity else None,
                identity.external_id if identity else None,
                language,
                payload,
                expired,
                attempts,
                False,
            )
        group = uow.groups.for_purpose(purpose or "")
        return Delivery(
            message_id,
            key,
            f"group:{purpose}",
            group.platform if group else None,
            group.chat_id if group else None,
            None,
            self.default_language,
            payload,
            expired,
            attempts,
            True,
        )

    async def deliver(self, delivery: Delivery) -> bool | None:
        """True when sent; False when it failed and will be retried; None when dropped (expired, failed)."""
        if delivery.expired:
            await asyncio.to_thread(self._finish, delivery.message_id, "expired", None)
            return None
        sender = self.senders.get(delivery.platform or "")
        if sender is None:
            await asyncio.to_thread(self._finish, delivery.message_id, "failed", "no reachable identity")
            return None
        try:
            await sender.send(self.render(delivery))
        except SendError as error:
            if error.permanent or delivery.attempts >= MAX_ATTEMPTS:
                await asyncio.to_thread(self._finish, delivery.message_id, "failed", str(error))
                return None
            delay = error.retry_after if error.retry_after is not None else min(300, 2**delivery.attempts)
            await asyncio.to_thread(
                self._retry, delivery, self.clock.now() + timedelta(seconds=delay), str(error)
            )
            return False
        await asyncio.to_thread(self._finish, delivery.message_id, "sent", None)
        return True

    def render(self, delivery: Delivery) -> Outgoing:
        reply = decode_reply(delivery.payload)
        language = delivery.language
        return Outgoing(
            platform=delivery.platform or "",
            text=self.catalogue.render(reply.text, language),
            chat_id=delivery.chat_id,
            user_id=delivery.user_id,
            buttons=[
                RenderedButton(b.id, self.catalogue.render(b.label, language), b.value) for b in reply.buttons
            ],
            file=reply.file,
            is_group=delivery.is_group,
            dedupe_key=delivery.dedupe_key,
        )

    def _finish(self, message_id: int, status: str, error: str | None) -> None:
        uow = self.uow_factory()
        with uow:
            if status == "sent":
                uow.outbox.mark_sent(message_id, self.clock.now())
            elif status == "expired":
                uow.outbox.mark_expired(message_id)
            else:
                uow.outbox.mark_failed(message_id, error or status)
            uow.commit()

    def _retry(self, delivery: Delivery, due_at: datetime, error: str) -> None:
        uow = self.uow_factory()
        with uow:
            uow.outbox.retry_later(delivery.message_id, due_at, error)
            uow.commit()
