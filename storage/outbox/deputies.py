"""Who stands in for a member the bot cannot reach (blocked on every platform) and who is not away.

The deputy a member named last with ``/afwezig`` stands in for them: an absence in progress already
routes everything to its deputy (``OutboxRepository.addresses``); this covers the member who blocked the
bot outside an absence. Only a deputy who is active and reachable themselves is used.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from storage.models import Identity, Member
from storage.outbox.absence import Absence
from storage.outbox.reachability import preferred_identities


def last_named_deputies(session: Session, member_ids: Collection[int]) -> dict[int, tuple[Identity, Member]]:
    """member id -> (the reachable identity, the member) of the deputy they named last, where there is one."""
    if not member_ids:
        return {}
    chosen: dict[int, int] = {}
    statement = (
        select(Absence.member_id, Absence.deputy_id)
        .where(col(Absence.member_id).in_(member_ids))
        .order_by(col(Absence.created_at).desc(), col(Absence.id).desc())
    )
    for member_id, deputy_id in session.exec(statement).all():
        chosen.setdefault(member_id, deputy_id)
    if not chosen:
        return {}
    deputies = {
        m.id: m
        for m in session.exec(select(Member).where(col(Member.id).in_(set(chosen.values())))).all()
        if m.active
    }
    preferred = preferred_identities(session, [i for i in deputies if i is not None])
    return {
        member_id: (preferred[deputy_id], deputies[deputy_id])
        for member_id, deputy_id in chosen.items()
        if deputy_id in preferred and deputy_id in deputies
    }
