"""A member blocked the bot on a platform: mark that identity unreachable and tell procesregie once.

Later messages to the member go to another reachable identity of theirs (``identities.preferred``); when
they have none, to the deputy they named last with ``/afwezig`` (marked "on behalf of", see
``storage/outbox/deputies.py``); with no deputy either, the dispatcher fails the row with "no reachable
identity".
"""

from __future__ import annotations

from datetime import datetime

from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.types import Reply
from storage.models import Role
from storage.outbox.forwarding import PERSONAL
from storage.uow import UnitOfWork


def mark_unreachable(uow: UnitOfWork, platform: str, external_id: str, now: datetime) -> int:
    """Mark the identity unreachable; on the first failure queue a notice to every procesmanager.

    Returns how many notices were queued (0 when it was already marked, or is unknown). Commits."""
    identity = uow.identities.mark_unreachable(platform, external_id, now)
    if identity is None:
        uow.commit()
        return 0
    member = uow.members.get(identity.member_id)
    name = member.name if member else external_id
    payload = encode_reply(Reply(t("delivery.unreachable", name=name, platform=platform)))
    episode = int(now.timestamp())  # a later block (after unblocking) is a new episode, told again
    queued = 0
    for manager in uow.members.with_role(Role.PROCESMANAGER):
        if manager.id is None or manager.id == identity.member_id:
            continue
        key = f"unreachable:{identity.id}:{episode}-{manager.id}"
        if (
            uow.outbox.add(key, payload, due_at=now, now=now, member_id=manager.id, case_ids=PERSONAL)
            is not None
        ):
            queued += 1
    uow.commit()
    return queued
