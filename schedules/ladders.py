"""Writing a ladder into the outbox, in the caller's transaction: queue it, or rebuild it after a date
changed. Keys are ``kind:id:offset@member`` so ``cancel_prefix("kind:id:")`` reaches the whole ladder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.core.context import encode_reply
from bot.core.types import Reply
from schedules.rules import Step, dedupe_key, key_prefix, offset_of, plan_rebuild
from storage.outbox import ALREADY_SENT
from storage.uow import UnitOfWork


def rebuild_ladder(
    uow: UnitOfWork,
    kind: str,
    entity_id: int,
    steps: Sequence[Step],
    recipients: Sequence[int],
    reply_for: Callable[[Step], Reply],
    now: datetime,
) -> list[str]:
    """Cancel what is pending of this ladder and queue ``steps`` anew: future rungs as computed, the rung
    whose window holds ``now`` once (not when that recipient already got it), passed rungs never.
    Returns the keys queued. Also right for a new ladder (nothing to cancel)."""
    prefix = key_prefix(kind, entity_id)
    uow.outbox.cancel_prefix(prefix)
    statuses = uow.outbox.statuses(prefix)
    queued = []
    for member_id in dict.fromkeys(recipients):
        sent = {
            offset_of(key)
            for key, status in statuses.items()
            if status in ALREADY_SENT and key.endswith(f"@{member_id}")
        }
        for step in plan_rebuild(steps, now, sent):
            key = dedupe_key(kind, entity_id, step.offset, member_id)
            written = uow.outbox.schedule(
                key,
                encode_reply(reply_for(step)),
                due_at=step.due_at,
                now=now,
                member_id=member_id,
                expires_at=step.expires_at,
            )
            if written:
                queued.append(key)
    return queued


def cancel_ladder(uow: UnitOfWork, kind: str, entity_id: int) -> int:
    """Cancel every pending rung (the detention ended, the action was closed)."""
    return uow.outbox.cancel_prefix(key_prefix(kind, entity_id))
