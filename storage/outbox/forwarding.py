"""What a deputy may receive for an absent (or unreachable) member: the one rule, in one place.

A message is forwarded to a deputy only when the deputy may know every case it is about: they are a
deelnemer of each of them (``storage/cases/deelnemers.py``, the same definition ``/casus`` and
``handlers/privacy/need_to_know.py`` use). Each outbox row says which cases it is about (``case_ids``: ids,
or "" for none); a row that does not say (NULL) is not forwarded (default deny). A row that is not
forwarded goes to the member themselves, as if they were not away (``OutboxRepository.addresses``).

``PERSONAL`` (stored as NULL) marks a message for its recipient only, never forwarded:
- its buttons act as the recipient (a poll answer, an RSVP, a regie handover or an agenda request put to
  them): pressed by a deputy they would answer as the deputy, or refuse them;
- its text is about the recipient personally ("X heeft jou als vervanger opgegeven": untrue for the
  deputy's deputy), or asks them to act in their own role (an informatieverzoek to procesmanagers: a
  partner deputy lacks that role);
- it names a person but no case (an informatieverzoek's copy or answer): whether it arrives would tell the
  deputy whether the absentee knows the person.
Only a message about cases (ids) or about nothing personal at all (``CASE_FREE``) may be forwarded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from enum import Enum
from typing import Final

from sqlmodel import Session, col, select

from storage.cases.deelnemers import known_cases
from storage.models import Member, OutboxMessage

CASE_FREE = ""  # a message about no case at all: a deputy may receive it


class Personal(Enum):
    """The explicit "for this recipient only" marking (see the module's text)."""

    PERSONAL = "personal"


PERSONAL: Final = Personal.PERSONAL
About = Collection[int] | Personal  # what a writer says a message is about


def encode_case_ids(case_ids: About | None) -> str | None:
    """The column's value: ``PERSONAL`` and None (the writer did not say) become NULL, never forwarded;
    ids become "3,17"; none become "" (``CASE_FREE``)."""
    if case_ids is None or isinstance(case_ids, Personal):
        return None
    return ",".join(str(i) for i in sorted(set(case_ids)))


def decode_case_ids(value: str | None) -> set[int] | None:
    if value is None:
        return None
    return {int(part) for part in value.split(",") if part}


def forwardable(session: Session, rows: Sequence[OutboxMessage], deputy_of: Mapping[int, int]) -> set[int]:
    """The ids of ``rows`` that may go to their recipient's deputy (``deputy_of``: member id -> deputy id).
    A few queries for a batch: one for the deputies' organisations, one per deputy for their cases."""
    wanted: dict[int, set[int]] = {}  # deputy -> the case ids their rows are about
    about: dict[int, set[int]] = {}
    for row in rows:
        deputy = deputy_of.get(row.member_id) if row.member_id is not None else None
        cases = decode_case_ids(row.case_ids)
        if deputy is None or row.id is None or cases is None:
            continue
        about[row.id] = cases
        wanted.setdefault(deputy, set()).update(cases)
    organisations = _organisations(session, wanted)
    known = {
        deputy: known_cases(session, cases, deputy, organisations[deputy])
        if deputy in organisations
        else set()
        for deputy, cases in wanted.items()
    }
    allowed: set[int] = set()
    for row in rows:
        if row.id in about and row.member_id is not None:
            deputy = deputy_of[row.member_id]
            if deputy in organisations and about[row.id] <= known[deputy]:
                allowed.add(row.id)
    return allowed


def _organisations(session: Session, member_ids: Collection[int]) -> dict[int, int]:
    if not member_ids:
        return {}
    statement = select(Member.id, Member.organisation_id).where(col(Member.id).in_(list(member_ids)))
    return {m: o for m, o in session.exec(statement).all() if m is not None}
