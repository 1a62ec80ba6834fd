"""Key checks and rotation for the encrypted personal fields (see storage/crypto.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, text, true
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, SQLModel, col, select

from storage.cases.tables import Action, Case, CaseEvent, Signal, Subject
from storage.cases.uploads import PendingUpload
from storage.crypto import PREFIX, KeyRing, keyring_of
from storage.meetings.tables import Meeting, MeetingChange
from storage.models import AuditEvent, FormState, GroupChat, Invite, OutboxMessage
from storage.names import name_key, surname_key
from storage.network.escalation import Escalation
from storage.network.flows import InfoRequest
from storage.network.flows_repository import query_key
from storage.network.poll import PollAnswer, PollBallot
from storage.privacy.direct_requests import DirectRequest
from storage.release.detention import Detention
from storage.release.nazorg import CaseScenario

BATCH = 500

# every encrypted column: (table, column); check_key decrypts one stored value of each
ENCRYPTED_COLUMNS = (
    ("subject", "name"),
    ("subject", "birth_date"),
    ("signal", "description"),
    ("signal", "reason"),
    ("case_action", "text"),
    ("case_event", "params"),
    ("info_request", "query"),
    ("audit_event", "detail"),
    ("case", "fallback"),
    ("case_scenario", "text"),
    ("escalation", "reason"),
    ("poll_answer", "comment"),
    ("pending_upload", "data"),
    ("outbox", "payload"),
    ("form_state", "values"),
    ("direct_request", "command"),
    ("meeting", "place"),
    ("meeting", "cancel_reason"),
    ("meeting_change", "reason"),
    ("pending_upload", "file_name"),
    ("detention", "facility"),
    ("invite", "note"),
    ("group_chat", "title"),
    ("poll_ballot", "sealed"),
)


def check_key(engine: Engine) -> None:
    """Decrypt one stored value of each kind: a wrong or missing key fails here, at start-up, not later."""
    keyring = keyring_of(engine.dialect)
    with engine.connect() as connection:
        for table, column in ENCRYPTED_COLUMNS:
            sql = f'SELECT "{column}" FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE :p LIMIT 1'
            stored = connection.execute(text(sql), {"p": PREFIX + "%"}).scalar()
            if stored is not None:
                keyring.decrypt(str(stored))


@dataclass
class RotationResult:
    subjects: int = 0
    signals: int = 0
    actions: int = 0
    events: int = 0
    info_requests: int = 0
    audit_details: int = 0
    case_texts: int = 0  # drang/dwang, scenarios, escalation reasons, poll comments and ballots, uploads, ...
    meetings: int = 0  # places, cancel and change reasons
    admin_texts: int = 0  # invite notes, group chat titles
    messages: int = 0
    forms: int = 0
    links: int = 0
    key_id: str = ""

    def describe(self) -> str:
        return (
            f"{self.subjects} betrokkenen, {self.signals} signalen, {self.actions} acties, "
            f"{self.events} tijdlijnregels, {self.info_requests} informatieverzoeken, "
            f"{self.audit_details} auditdetails, {self.case_texts} casusteksten, "
            f"{self.meetings} overlegteksten, {self.admin_texts} beheerteksten, "
            f"{self.messages} berichten, {self.forms} formulieren, {self.links} links"
        )


def _rehash_subject(subject: Any) -> None:
    if subject.name_key:  # anonymised rows have no index
        subject.name_key = name_key(subject.name)
        subject.surname_key = surname_key(subject.name)


def _rehash_request(request: Any) -> None:
    if request.query_key:  # erased rows have no index
        request.query_key = query_key(request.query)


def _reseal(
    session: Session,
    model: type[SQLModel],
    fields: tuple[str, ...],
    rehash: Callable[[Any], None] | None = None,
    only: ColumnElement[bool] | None = None,
) -> int:
    """Load every row in id order and mark its encrypted fields changed: the flush writes them again with
    the current key (and the blind indexes with the current index key)."""
    ident = col(model.id)  # type: ignore[attr-defined]
    count, last = 0, 0
    while True:
        statement = select(model).where(ident > last, only if only is not None else true())
        rows = session.exec(statement.order_by(ident).limit(BATCH)).all()
        if not rows:
            return count
        for row in rows:
            if rehash is not None:
                rehash(row)
            for field in fields:
                flag_modified(row, field)
            session.add(row)
            count += 1
        last = rows[-1].id or 0  # type: ignore[attr-defined]
        session.flush()
        session.expunge_all()  # a million rows must not pile up in the identity map


def rotate(session: Session) -> RotationResult:
    """Re-encrypt every personal field with the current key (plaintext rows too) and recompute the
    blind indexes with the current index key. Old keys are only read; afterwards they may be removed."""
    keyring: KeyRing = keyring_of(session.get_bind().dialect)
    return RotationResult(
        subjects=_reseal(session, Subject, ("name", "birth_date"), _rehash_subject),
        signals=_reseal(session, Signal, ("description", "reason")),
        actions=_reseal(session, Action, ("text",)),
        events=_reseal(session, CaseEvent, ("params",)),
        info_requests=_reseal(session, InfoRequest, ("query",), _rehash_request),
        audit_details=_reseal(session, AuditEvent, ("detail",), only=col(AuditEvent.detail).is_not(None)),
        case_texts=_reseal(session, Case, ("fallback",), only=col(Case.fallback).is_not(None))
        + _reseal(session, CaseScenario, ("text",))
        + _reseal(session, Escalation, ("reason",))
        + _reseal(session, PendingUpload, ("data", "file_name"))
        + _reseal(session, Detention, ("facility",))
        + _reseal_all(session, PollAnswer, "comment")
        + _reseal_all(session, PollBallot, "sealed"),
        meetings=_reseal(session, Meeting, ("place", "cancel_reason"))
        + _reseal(session, MeetingChange, ("reason",), only=col(MeetingChange.reason).is_not(None)),
        admin_texts=_reseal(session, Invite, ("note",), only=col(Invite.note).is_not(None))
        + _reseal(session, GroupChat, ("title",), only=col(GroupChat.title).is_not(None)),
        messages=_reseal(session, OutboxMessage, ("payload",)),
        forms=_reseal(session, FormState, ("values",)),
        links=_reseal_all(session, DirectRequest, "command"),
        key_id=keyring.current,
    )


def _reseal_all(session: Session, model: type[SQLModel], field: str) -> int:
    """A small table without integer ids (poll comments, details-in-privé links): all rows at once."""
    rows = session.exec(select(model)).all()
    for row in rows:
        flag_modified(row, field)
        session.add(row)
    session.flush()
    return len(rows)
