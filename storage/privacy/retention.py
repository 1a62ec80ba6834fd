"""Privacy by design in storage: retention (anonymise, delete old audit rows), subject export and erasure.

Anonymising keeps every figure the quarterly report needs (dates, track, status, gemeente, categories,
urgency, reporter's organisation) and removes what identifies a person: names, name keys, dates of birth,
initials, signal descriptions and reasons, action texts, timeline texts. Audit rows are deleted when they
pass their term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session, col

from storage.cases.tables import (
    CASE_OUTCOMES,
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    CaseStatus,
    Signal,
    Subject,
)
from storage.crypto import index_in
from storage.models import AuditEvent
from storage.names import name_key
from storage.network.flows import InfoRequest
from storage.privacy import sweep
from storage.privacy.copies import (
    REMOVED,
    Needles,
    ScrubResult,
    blank_case_texts,
    blank_event_params,
    needles_for,
    refresh_initials,
    scrub_copies,
    scrub_event_params,
)
from storage.privacy.export_records import case_records
from storage.release.nazorg import CaseScenario

__all__ = ["REMOVED"]  # a readable placeholder, in every language


@dataclass(frozen=True)
class RetentionPolicy:
    closed_case_months: int = 24
    closed_case_months_by_track: Mapping[str, int] = field(default_factory=dict)
    declined_signal_months: int = 6  # signals triage did not take in
    audit_years: int = 5
    finished_message_hours: int = 24  # a finished outbox row's payload
    form_hours: int = 72  # a form left half-filled
    info_request_months: int = 6  # the name or code an informatieverzoek asked about

    def months_for(self, track: str) -> int:
        return self.closed_case_months_by_track.get(track, self.closed_case_months)


@dataclass
class PurgeResult:
    cases_anonymised: list[str] = field(default_factory=list)
    signals_anonymised: int = 0
    audit_rows_deleted: int = 0
    payloads_cleared: int = 0
    forms_deleted: int = 0
    links_deleted: int = 0
    info_requests_anonymised: int = 0
    uploads_deleted: int = 0


def purge(session: Session, policy: RetentionPolicy, now: datetime, *, dry_run: bool = False) -> PurgeResult:
    """Apply the retention policy once. With ``dry_run`` nothing changes; the result says what would."""
    result = PurgeResult()
    candidates = session.execute(
        select(Case).where(
            col(Case.status) == CaseStatus.GESLOTEN,
            col(Case.closed_at).is_not(None),
            col(Case.anonymised_at).is_(None),
        )
    ).scalars()
    for case in candidates:
        assert case.closed_at is not None
        if case.closed_at <= now - relativedelta(months=policy.months_for(case.track)):
            result.cases_anonymised.append(case.code)
            if not dry_run:
                anonymise_case(session, case, now)
    signal_cutoff = now - relativedelta(months=policy.declined_signal_months)
    declined = select(Signal).where(
        col(Signal.decided_at) <= signal_cutoff,
        col(Signal.case_id).is_(None),
        or_(col(Signal.outcome).is_(None), col(Signal.outcome).not_in([str(o) for o in CASE_OUTCOMES])),
        col(Signal.anonymised_at).is_(None),
    )
    for signal in session.execute(declined).scalars():
        result.signals_anonymised += 1
        if not dry_run:
            anonymise_signal(session, signal, now)
    audit_cutoff = now - relativedelta(years=policy.audit_years)
    old_audit = select(func.count(col(AuditEvent.id))).where(col(AuditEvent.at) < audit_cutoff)
    result.audit_rows_deleted = int(session.execute(old_audit).scalar_one())
    if not dry_run and result.audit_rows_deleted:
        session.execute(delete(AuditEvent).where(col(AuditEvent.at) < audit_cutoff))
    result.payloads_cleared = sweep.finished_messages(
        session, now, policy.finished_message_hours, dry_run=dry_run
    )
    result.forms_deleted = sweep.stale_forms(session, now, policy.form_hours, dry_run=dry_run)
    result.links_deleted = sweep.expired_links(session, now, dry_run=dry_run)
    result.info_requests_anonymised = sweep.old_info_requests(
        session, now, policy.info_request_months, dry_run=dry_run
    )
    result.uploads_deleted = sweep.stale_uploads(session, now, dry_run=dry_run)
    return result


def anonymise_case(session: Session, case: Case, now: datetime) -> None:
    assert case.id is not None
    case.initials = "-"
    case.fallback = None  # the drang/dwang agreement is free text about the person
    case.anonymised_at = now
    session.add(case)
    for subject in session.execute(select(Subject).where(col(Subject.case_id) == case.id)).scalars():
        _blank_subject(session, subject)
    for signal in session.execute(select(Signal).where(col(Signal.case_id) == case.id)).scalars():
        anonymise_signal(session, signal, now)
    session.execute(update(Action).where(col(Action.case_id) == case.id).values(text=REMOVED))
    for event in session.execute(select(CaseEvent).where(col(CaseEvent.case_id) == case.id)).scalars():
        event.params = blank_event_params(event.params)  # reasons and initials go; the line still reads
        session.add(event)
    session.execute(delete(CaseScenario).where(col(CaseScenario.case_id) == case.id))  # free text


def anonymise_signal(session: Session, signal: Signal, now: datetime) -> None:
    signal.description = REMOVED
    signal.reason = None
    signal.anonymised_at = now
    session.add(signal)
    for subject in session.execute(select(Subject).where(col(Subject.signal_id) == signal.id)).scalars():
        _blank_subject(session, subject)


def _blank_subject(session: Session, subject: Subject) -> None:
    subject.name = REMOVED
    subject.name_key = ""
    subject.surname_key = ""
    subject.initials = "-"
    subject.birth_date = None
    session.add(subject)


# --- subject rights ----------------------------------------------------------------------------------


class UnknownSubject(LookupError):
    pass


class SubjectHasActiveCase(Exception):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


def same_person(session: Session, subject_id: int) -> list[Subject]:
    """The subject and every other subject row with the same name key and date of birth (one person)."""
    subject = session.get(Subject, subject_id)
    if subject is None or not subject.name_key:
        raise UnknownSubject(str(subject_id))
    dialect = session.get_bind().dialect
    # from the name, under every key of the ring: another row may still hold the old key's index
    rows = session.execute(
        select(Subject).where(index_in(col(Subject.name_key), [name_key(subject.name)], dialect))
    ).scalars()
    # birth dates are encrypted (not comparable in SQL): the same date, or both without one
    return sorted((s for s in rows if s.birth_date == subject.birth_date), key=lambda s: s.id or 0)


def export_subject(session: Session, subject_id: int) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data."""
    subjects = same_person(session, subject_id)
    signal_ids = {s.signal_id for s in subjects if s.signal_id is not None}
    case_ids = {s.case_id for s in subjects if s.case_id is not None}
    signals = session.execute(select(Signal).where(col(Signal.id).in_(signal_ids))).scalars().all()
    cases = session.execute(select(Case).where(col(Case.id).in_(case_ids))).scalars().all()
    return {
        "subject_id": subject_id,
        "subjects": [
            _plain(s, ("id", "name", "initials", "birth_date", "signal_id", "case_id", "role"))
            for s in subjects
        ],
        "signals": [
            _plain(
                s,
                (
                    "id",
                    "gemeente",
                    "categories",
                    "urgency",
                    "description",
                    "status",
                    "outcome",
                    "reason",
                    "created_at",
                    "decided_at",
                    "case_id",
                ),
            )
            for s in signals
        ],
        "cases": [{**_case_export(session, case), **case_records(session, case.id or 0)} for case in cases],
        "info_requests": [
            _plain(r, ("id", "query", "status", "answer", "created_at", "answered_at"))
            for r in _info_requests_about(session, subjects)
        ],
    }


def _info_requests_about(session: Session, subjects: list[Subject]) -> list[InfoRequest]:
    """Informatieverzoeken that named this person, found through the blind index of the name key."""
    keys = {name_key(s.name) for s in subjects if s.name_key} - {""}
    if not keys:
        return []
    index = InfoRequest.__table__.c.query_key  # type: ignore[attr-defined]
    rows = session.execute(
        select(InfoRequest).where(index_in(index, keys, session.get_bind().dialect))
    ).scalars()
    return sorted(rows, key=lambda r: r.id or 0)


def _case_export(session: Session, case: Case) -> dict[str, Any]:
    data = _plain(case, ("code", "status", "track", "initials", "opened_at", "closed_at", "kind", "fallback"))
    data["actions"] = [
        _plain(a, ("text", "deadline", "created_at", "done_at", "track"))
        for a in session.execute(select(Action).where(col(Action.case_id) == case.id)).scalars()
    ]
    data["timeline"] = [
        _plain(e, ("at", "kind", "params"))
        for e in session.execute(select(CaseEvent).where(col(CaseEvent.case_id) == case.id)).scalars()
    ]
    data["access_log"] = [
        _plain(e, ("at", "member_id", "platform", "chat_kind", "kind", "name", "outcome"))
        for e in session.execute(select(AuditEvent).where(col(AuditEvent.case_id) == case.id)).scalars()
    ]
    return data


def _plain(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


@dataclass
class Erasure:
    subjects: list[Subject]
    copies: ScrubResult
    needles: Needles  # what was looked for, read before anything was blanked

    def __len__(self) -> int:
        return len(self.subjects)

    def redact(self, text: str) -> str:
        """A text about the erase (its reason) without the person's names: each part of every name the
        person was known under is replaced by the placeholder."""
        return self.needles.redact(text)


def erase_subject(session: Session, subject_id: int, now: datetime, *, force: bool = False) -> Erasure:
    """Remove one person's personal data everywhere it was copied; refused while one of their cases is
    open, unless ``force``. What stays readable says ``[verwijderd]``."""
    subjects = same_person(session, subject_id)
    case_ids = {s.case_id for s in subjects if s.case_id is not None}
    open_cases = (
        session.execute(
            select(col(Case.code)).where(
                col(Case.id).in_(case_ids), col(Case.status).in_([str(s) for s in OPEN_STATUSES])
            )
        )
        .scalars()
        .all()
    )
    if open_cases and not force:
        raise SubjectHasActiveCase(sorted(open_cases))
    ids = {s.id for s in subjects}
    sole = set()
    for case_id in case_ids:  # a case about this person only: its plan and timeline texts name them
        others = session.execute(
            select(func.count(col(Subject.id))).where(
                col(Subject.case_id) == case_id, col(Subject.name_key) != "", col(Subject.id).not_in(ids)
            )
        ).scalar_one()
        if not others:
            sole.add(case_id)
    needles = needles_for(session, subjects, sole)  # read before anything is blanked
    requests = _info_requests_about(session, subjects)
    for subject in subjects:
        if subject.signal_id is not None:
            signal = session.get(Signal, subject.signal_id)
            if signal is not None:
                signal.description = REMOVED
                signal.reason = None
                signal.anonymised_at = now
                signal.matched_case_id = None  # an erased subject matches nothing ("Mogelijk bekend")
                session.add(signal)
        _blank_subject(session, subject)
    for request in requests:
        request.query = REMOVED
        request.query_key = ""
        session.add(request)
    session.flush()
    for case_id in case_ids:
        case = session.get(Case, case_id)
        if case is None:
            continue
        old_initials = case.initials
        if case_id in sole:
            for signal in session.execute(select(Signal).where(col(Signal.case_id) == case_id)).scalars():
                signal.description = REMOVED
                signal.reason = None
                session.add(signal)
            blank_case_texts(session, case)
        else:  # a household: the others stay, this person's texts go
            refresh_initials(session, case)
            for event in session.execute(
                select(CaseEvent).where(col(CaseEvent.case_id) == case_id)
            ).scalars():
                event.params = scrub_event_params(event.params, needles)
                session.add(event)
            for action in session.execute(select(Action).where(col(Action.case_id) == case_id)).scalars():
                action.text = needles.scrub(action.text)
                session.add(action)
        if old_initials not in ("", "-") and old_initials != case.initials:
            needles.labels[f"{case.code} ({old_initials})"] = f"{case.code} ({case.initials})"
            needles.swaps[old_initials] = case.initials
    session.flush()
    copies = scrub_copies(session, needles)
    return Erasure(subjects, copies, needles)


CASE_CODE = re.compile(r"^VH-\d{4}-\d{4}$")


def find_subjects(session: Session, query: str) -> list[Subject]:
    """Subjects by case code (``VH-2026-0001``: every subject of that case) or by name (the blind index of
    the full name; else of the surname). Erased subjects have no name key and are not found by name."""
    text = " ".join(query.split())
    if CASE_CODE.match(text.upper()):
        case = session.execute(select(Case).where(col(Case.code) == text.upper())).scalars().first()
        if case is None:
            return []
        of_case = session.execute(select(Subject).where(col(Subject.case_id) == case.id)).scalars()
        return sorted(of_case, key=lambda s: s.id or 0)
    key = name_key(text)
    if not key:
        return []
    dialect = session.get_bind().dialect
    rows = list(
        session.execute(select(Subject).where(index_in(col(Subject.name_key), [key], dialect))).scalars()
    )
    if not rows and len(key.split()) == 1:
        surname = index_in(col(Subject.surname_key), [key], dialect)
        rows = list(session.execute(select(Subject).where(surname)).scalars())
    return sorted(rows, key=lambda s: s.id or 0)
