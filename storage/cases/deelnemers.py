"""Who is a deelnemer of a case: the one definition of need-to-know, in the innermost layer so that both the
handlers (``handlers/privacy/need_to_know.py``) and the outbox (``storage/outbox/forwarding.py``) use it."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.cases.tables import CaseParticipant


def known_cases(
    session: Session, case_ids: Collection[int], member_id: int, organisation_id: int
) -> set[int]:
    """Of ``case_ids``, those the member is a deelnemer of (in person or through their organisation, not
    removed): the one definition of need-to-know (``handlers/privacy/need_to_know.py``; the outbox uses it
    to decide what a deputy may receive, ``storage/outbox/forwarding.py``). One query."""
    if not case_ids:
        return set()
    statement = select(CaseParticipant.case_id).where(
        col(CaseParticipant.case_id).in_(set(case_ids)),
        col(CaseParticipant.removed_at).is_(None),
        or_(
            col(CaseParticipant.member_id) == member_id,
            col(CaseParticipant.organisation_id) == organisation_id,
        ),
    )
    return set(session.exec(statement).all())
