"""Which of a member's chat identities a message goes to: the reachable one they used last."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Identity, MemberRole


def preferred_identities(session: Session, member_ids: Collection[int]) -> dict[int, Identity]:
    """member id -> the reachable identity that member used last, for several members in one query."""
    identities = session.exec(
        select(Identity)
        .where(col(Identity.member_id).in_(list(member_ids)))
        # never used (NULL) last on every backend: Postgres sorts NULL first in a descending order
        .order_by(col(Identity.last_used_at).desc().nulls_last(), col(Identity.id).desc())
    ).all()
    preferred: dict[int, Identity] = {}
    for identity in identities:
        if is_reachable(identity):
            preferred.setdefault(identity.member_id, identity)
    return preferred


def roles_of_members(session: Session, member_ids: Collection[int]) -> dict[int, frozenset[str]]:
    """member id -> their roles, for several members in one query (who a message is shown buttons for)."""
    found: dict[int, set[str]] = {member_id: set() for member_id in member_ids}
    rows = session.exec(select(MemberRole).where(col(MemberRole.member_id).in_(list(member_ids)))).all()
    for row in rows:
        found.setdefault(row.member_id, set()).add(row.role)
    return {member_id: frozenset(roles) for member_id, roles in found.items()}


def is_reachable(identity: Identity) -> bool:
    """Not blocked, or used again since (a member who writes to the bot again has unblocked it)."""
    return reachable(identity.last_used_at, identity.unreachable_at)


def reachable(used: datetime | None, blocked: datetime | None) -> bool:
    return blocked is None or (used is not None and used > blocked)
