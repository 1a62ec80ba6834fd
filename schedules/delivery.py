"""From a claimed outbox row to something a ``Sender`` can put on a platform.

``resolve`` runs inside the claim's unit of work: it finds the member's preferred identity (the one used
last) or the group linked to a purpose, and the recipient's language. ``render`` turns the stored payload
(``Text`` keys) into the recipient's language at send time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.context import decode_reply
from bot.core.i18n import Catalogue
from bot.core.types import Outgoing, RenderedButton
from storage.models import OutboxMessage
from storage.outbox import recipient_of
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Delivery:
    message_id: int
    dedupe_key: str
    recipient: str  # the ordering unit: "member:<id>" or "group:<purpose>"
    member_id: int | None
    platform: str | None
    chat_id: str | None
    user_id: str | None
    language: str
    payload: dict[str, Any]
    due_at: datetime
    expired: bool
    attempts: int
    is_group: bool

    @property
    def pace_key(self) -> str:
        """What the platform limits count per chat."""
        return self.chat_id or self.user_id or self.recipient


def resolve(uow: UnitOfWork, row: OutboxMessage, now: datetime, default_language: str) -> Delivery:
    platform = chat_id = user_id = None
    language = default_language
    if row.member_id is not None:
        member = uow.members.get(row.member_id)
        identity = uow.identities.preferred(row.member_id)
        if identity is not None:
            platform, chat_id, user_id = identity.platform, identity.direct_chat_id, identity.external_id
        language = (member.language if member else None) or default_language
    else:
        group = uow.groups.for_purpose(row.group_purpose or "")
        if group is not None:
            platform, chat_id = group.platform, group.chat_id
    return Delivery(
        message_id=row.id or 0,
        dedupe_key=row.dedupe_key,
        recipient=recipient_of(row.member_id, row.group_purpose),
        member_id=row.member_id,
        platform=platform,
        chat_id=chat_id,
        user_id=user_id,
        language=language,
        payload=row.payload,
        due_at=row.due_at,
        expired=row.expires_at is not None and row.expires_at <= now,
        attempts=row.attempts,
        is_group=row.member_id is None,
    )


def render(catalogue: Catalogue, delivery: Delivery) -> Outgoing:
    reply = decode_reply(delivery.payload)
    language = delivery.language
    return Outgoing(
        platform=delivery.platform or "",
        text=catalogue.render(reply.text, language),
        chat_id=delivery.chat_id,
        user_id=delivery.user_id,
        buttons=[
            RenderedButton(b.id, catalogue.render(b.label, language), b.value) for b in reply.buttons
        ],
        is_group=delivery.is_group,
        dedupe_key=delivery.dedupe_key,
    )


def interleave(deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Round-robin over recipients (each recipient's own order kept), so one busy chat's pacing does
    not hold up everybody else in a sequential send loop."""
    queues: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        queues.setdefault(delivery.recipient, []).append(delivery)
    ordered: list[Delivery] = []
    depth = max((len(queue) for queue in queues.values()), default=0)
    for index in range(depth):
        ordered.extend(queue[index] for queue in queues.values() if index < len(queue))
    return ordered
