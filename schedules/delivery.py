"""From a claimed outbox row to something a ``Sender`` can put on a platform.

``resolve`` pairs a claimed row with where its recipient is reached: the member's preferred identity (the
one used last) and language, or the group linked to a purpose. ``render`` turns the stored payload
(``Text`` keys) into the recipient's language at send time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.access import roles_allow
from bot.core.context import decode_reply
from bot.core.i18n import Catalogue, t
from bot.core.mentions import resolve as resolve_mentions
from bot.core.types import Outgoing, RenderedButton
from storage.models import OutboxMessage
from storage.outbox.claim import recipient_of
from storage.outbox.repository import Address


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
    on_behalf_of: str | None = None
    unreachable: bool = False  # on behalf of a member who blocked the bot (not one who is away)
    roles: frozenset[str] | None = None  # the reader's roles (None: a group)

    @property
    def pace_key(self) -> str:
        """What the platform limits count per chat."""
        return self.chat_id or self.user_id or self.recipient


def resolve(row: OutboxMessage, address: Address | None, now: datetime, default_language: str) -> Delivery:
    """A claimed row plus where its recipient is reached (``OutboxRepository.addresses``)."""
    address = address or Address(None, None, None, None)
    return Delivery(
        message_id=row.id or 0,
        dedupe_key=row.dedupe_key,
        recipient=recipient_of(row.member_id, row.group_purpose),
        member_id=row.member_id,
        platform=address.platform,
        chat_id=address.chat_id,
        user_id=address.user_id,
        language=address.language or default_language,
        payload=row.payload,
        due_at=row.due_at,
        expired=row.expires_at is not None and row.expires_at <= now,
        attempts=row.attempts,
        is_group=row.member_id is None,
        on_behalf_of=address.on_behalf_of,
        unreachable=address.unreachable,
        roles=address.roles,
    )


def render(
    catalogue: Catalogue,
    delivery: Delivery,
    button_roles: Mapping[str, frozenset[str] | None] | None = None,
) -> Outgoing:
    """The stored reply in the reader's language; in a member's direct chat only the buttons the reader's
    roles may press (``button_roles``: action id -> roles; a deputy may lack the absent member's role)."""
    reply = decode_reply(delivery.payload)
    allowed = button_roles or {}
    buttons = [
        b for b in reply.buttons if delivery.roles is None or roles_allow(allowed.get(b.id), delivery.roles)
    ]
    language = delivery.language
    text = catalogue.render(reply.text, language)
    if delivery.on_behalf_of:
        key = "outbox.on_behalf_of_unreachable" if delivery.unreachable else "outbox.on_behalf_of"
        text = catalogue.render(t(key, name=delivery.on_behalf_of), language) + "\n" + text
    return Outgoing(
        platform=delivery.platform or "",
        text=resolve_mentions(text, delivery.platform or ""),
        chat_id=delivery.chat_id,
        user_id=delivery.user_id,
        buttons=[RenderedButton(b.id, catalogue.render(b.label, language), b.value) for b in buttons],
        file=reply.file,
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
