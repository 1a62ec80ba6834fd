"""Every other copy of a person's data: what erasure must reach beyond the subject and signal rows, and
what the export must show.

A name, a description or a reason is copied into places that do not point back at the subject: queued and
sent messages (``outbox.payload``), half-filled forms (``form_state.values``), details-in-privé links
(``direct_request.command``), audit details, meeting places and reasons, uploaded files waiting for
*Importeren*, invite notes, group chat titles. Those are all encrypted, so they cannot be
searched in SQL: ``scrub_copies`` reads them in id order, replaces every occurrence of the person's texts
by ``[verwijderd]`` (a readable placeholder; a pending reminder is still sent, without the name) and
writes back only the rows that changed. The case-level texts (drang/dwang, scenario, escalation reasons,
timeline parameters, initials) are handled per case by ``blank_case_texts``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, type_coerce
from sqlmodel import Session, SQLModel, col, select

from storage.cases.plan import initials_line
from storage.cases.tables import EVENT_KEY_PARAMS, Action, Case, CaseEvent, Signal, Subject
from storage.cases.uploads import PendingUpload
from storage.meetings.tables import Meeting, MeetingChange
from storage.models import AuditEvent, FormState, GroupChat, Invite, OutboxMessage
from storage.network.escalation import Escalation
from storage.privacy.direct_requests import DirectRequest
from storage.release.detention import Detention
from storage.release.nazorg import CaseScenario

REMOVED = "[verwijderd]"
EMPTY_PAYLOAD = "{}"  # stored as is (not encrypted): a purged payload, recognisable in SQL
BATCH = 500
MIN_NEEDLE = 4  # shorter texts are replaced only where a whole value equals them
# timeline parameters that name no betrokkene, kept by an erase: the choices the timeline turns into words
# (a placeholder there would show as a raw message key), refs and ids, members' and organisations' names
# (the professionals' directory) and dates (kept, like every date: docs/privacy.md section 3); all others
# (a status reason, a subject's initials, whatever a new event adds) become the placeholder
SAFE_EVENT_PARAMS = frozenset(EVENT_KEY_PARAMS) | frozenset(
    {"signal", "id", "who", "organisation", "release", "previous"}
)
# words of a name that are no name on their own: never replaced by themselves
NAME_PARTICLES = frozenset(
    {
        "de",
        "der",
        "den",
        "van",
        "het",
        "ten",
        "ter",
        "te",
        "'t",
        "in",
        "op",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "von",
        "zu",
        "vd",
        "v.d.",
        "el",
        "al",
        "bin",
        "ben",
    }
)


@dataclass
class Needles:
    """The texts to find: long ones anywhere inside a value, short ones as a whole value.

    Initials are not unique (two people can both be J.d.V.): they are replaced only as a whole value, and only
    in a row that also names one of the person's anchors (their case codes, signal references). ``labels``
    rewrite a case label (``VH-2026-0001 (J.d.V., E.d.V.)``) to the case's new initials everywhere;
    ``swaps`` the case's old initials line as a whole value, in anchored rows."""

    inside: set[str] = field(default_factory=set)
    whole: set[str] = field(default_factory=set)
    initials: set[str] = field(default_factory=set)
    anchors: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    swaps: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)  # the parts of the person's names (``add_name``)

    def add_name(self, name: str | None) -> None:
        """A name: whole, and each of its parts (not "de", "van"...) as a word of its own, for the free
        texts an operator types about the person (an erase's reason, audit details: ``redact``)."""
        self.add(name)
        for part in (name or "").split():
            word = part.strip(".,;:()\"'")
            if len(word) >= 2 and word.casefold() not in NAME_PARTICLES and word != REMOVED:
                self.words.add(word)

    def redact(self, text: str) -> str:
        """``text`` with the person's texts and every part of their names (as a whole word, any case)
        replaced by the placeholder: "verzoek Jan de Vries" -> "verzoek [verwijderd]"."""
        scrubbed = str(self.scrub(text))
        if scrubbed == REMOVED or not self.words:
            return scrubbed
        parts = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        scrubbed = re.sub(rf"(?<!\w)(?:{parts})(?!\w)", REMOVED, scrubbed, flags=re.IGNORECASE)
        # "[verwijderd] de [verwijderd]": one placeholder for one name
        particles = "|".join(re.escape(p) for p in sorted(NAME_PARTICLES, key=len, reverse=True))
        joined = rf"{re.escape(REMOVED)}(?:\s+(?:(?:{particles})\s+)*{re.escape(REMOVED)})+"
        scrubbed = re.sub(joined, REMOVED, scrubbed, flags=re.IGNORECASE)
        # "De [verwijderd]": a capitalised particle right before it was part of the surname
        capitals = "|".join(
            re.escape(p[:1].upper() + p[1:]) for p in sorted(NAME_PARTICLES, key=len, reverse=True)
        )
        return re.sub(rf"(?<!\w)(?:(?:{capitals})\s+)+{re.escape(REMOVED)}", REMOVED, scrubbed)

    def add(self, text: str | None) -> None:
        text = (text or "").strip()
        if not text or text in (REMOVED, "-"):
            return
        (self.inside if len(text) >= MIN_NEEDLE else self.whole).add(text)

    def add_initials(self, text: str | None) -> None:
        if text and text.strip() not in ("", "-", REMOVED):
            self.initials.add(text.strip())

    def __bool__(self) -> bool:
        return bool(self.inside or self.whole or self.labels)

    def scrub_row(self, value: Any) -> Any:
        """``scrub`` for one stored row: initials too when the row names one of the anchors."""
        anchored = bool(self.initials) and any(
            a in json.dumps(value, ensure_ascii=False) for a in self.anchors
        )
        return self.scrub(value, anchored=anchored)

    def scrub(self, value: Any, *, anchored: bool = False) -> Any:
        """``value`` (JSON-shaped) with every needle replaced; base64 file data is scrubbed inside too."""
        if isinstance(value, list):
            return [self.scrub(item, anchored=anchored) for item in value]
        if isinstance(value, dict):
            out = {key: self.scrub(item, anchored=anchored) for key, item in value.items()}
            if isinstance(value.get("data"), str) and "mime" in value:  # an attached file (an .ics)
                out["data"] = self._scrub_file(value["data"], anchored)
            return out
        if not isinstance(value, str):
            return value
        for old, new in self.labels.items():
            value = value.replace(old, new)
        stripped = value.strip()
        if anchored and stripped in self.swaps:
            return self.swaps[stripped]
        if stripped in self.whole or stripped in self.inside or (anchored and stripped in self.initials):
            return REMOVED
        for needle in sorted(self.inside, key=len, reverse=True):
            if needle.casefold() in value.casefold():
                value = _replace_folded(value, needle)
        return value

    def names_file(self, data: str) -> bool:
        """A base64 file (an uploaded CSV) holds one of the needles."""
        return self._scrub_file(data, False) != data

    def _scrub_file(self, data: str, anchored: bool) -> str:
        try:
            decoded = base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return data
        scrubbed = self.scrub(decoded, anchored=anchored)
        return data if scrubbed == decoded else base64.b64encode(scrubbed.encode()).decode("ascii")


def _replace_folded(value: str, needle: str) -> str:
    folded, target = value.casefold(), needle.casefold()
    if len(folded) != len(value):  # a character whose case fold changes length: exact match only
        return value.replace(needle, REMOVED)
    out, start = [], 0
    while (found := folded.find(target, start)) >= 0:
        out.append(value[start:found] + REMOVED)
        start = found + len(target)
    return "".join(out) + value[start:]


def needles_for(session: Session, subjects: Sequence[Subject], sole_case_ids: Iterable[int]) -> Needles:
    """The person's own texts (name, initials, signal descriptions and reasons) and, for cases about this
    person only, the case's free texts (actions, drang/dwang, scenario, escalation reasons, facilities)."""
    needles = Needles()
    for subject in subjects:
        if subject.case_id is not None:
            case = session.get(Case, subject.case_id)
            if case is not None:
                needles.anchors.add(case.code)
        needles.add_name(subject.name)
        needles.add_initials(subject.initials)
        if subject.signal_id is not None:
            needles.anchors.add(f"S-{subject.signal_id}")
            signal = session.get(Signal, subject.signal_id)
            if signal is not None:
                needles.add(signal.description)
                needles.add(signal.reason)
    for case_id in sole_case_ids:
        case = session.get(Case, case_id)
        if case is not None:
            needles.add(case.fallback)
        for signal in session.exec(select(Signal).where(Signal.case_id == case_id)).all():
            needles.add(signal.description)
            needles.add(signal.reason)
        for action in session.exec(select(Action).where(Action.case_id == case_id)).all():
            needles.add(action.text)
        for scenario in session.exec(select(CaseScenario).where(CaseScenario.case_id == case_id)).all():
            needles.add(scenario.text)
        for escalation in session.exec(select(Escalation).where(Escalation.case_id == case_id)).all():
            needles.add(escalation.reason)
        for detention in session.exec(select(Detention).where(Detention.case_id == case_id)).all():
            needles.add(detention.facility)
    return needles


@dataclass
class ScrubResult:
    messages: int = 0
    forms: int = 0
    links: int = 0
    audit_details: int = 0
    meetings: int = 0
    uploads: int = 0
    admin_texts: int = 0

    def describe(self) -> str:
        return (
            f"{self.messages} berichten, {self.forms} formulieren, {self.links} links, "
            f"{self.audit_details} auditdetails, {self.meetings} overlegteksten, {self.uploads} uploads, "
            f"{self.admin_texts} beheerteksten"
        )


def _batches(session: Session, model: type[SQLModel], *where: Any) -> Iterable[Sequence[Any]]:
    ident = col(model.id)  # type: ignore[attr-defined]
    last = 0
    while True:
        rows = session.exec(select(model).where(ident > last, *where).order_by(ident).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id  # type: ignore[attr-defined]


def scrub_copies(session: Session, needles: Needles) -> ScrubResult:
    """Replace the needles in every encrypted copy: outbox rows (any state), form states, audit details,
    meeting places and reasons, invite notes, group chat titles; details-in-privé links and uploads waiting
    for *Importeren* that name the person are deleted."""
    result = ScrubResult()
    if not needles:
        return result
    payload = OutboxMessage.__table__.c.payload  # type: ignore[attr-defined]
    for rows in _batches(session, OutboxMessage, type_coerce(payload, Text) != EMPTY_PAYLOAD):
        for row in rows:
            scrubbed = needles.scrub_row(row.payload)
            if scrubbed != row.payload:
                row.payload = scrubbed
                session.add(row)
                result.messages += 1
        session.flush()
    for rows in _batches(session, FormState):
        for state in rows:
            scrubbed = needles.scrub_row(state.values)
            if scrubbed != state.values:
                state.values = scrubbed
                session.add(state)
                result.forms += 1
        session.flush()
    for rows in _batches(session, AuditEvent, col(AuditEvent.detail).is_not(None)):
        for event in rows:  # free text an operator typed (a reason): the name's parts too
            scrubbed = needles.redact(str(needles.scrub_row(event.detail)))
            if scrubbed != event.detail:
                event.detail = scrubbed
                session.add(event)
                result.audit_details += 1
        session.flush()
    for link in session.exec(select(DirectRequest)).all():
        if needles.scrub(link.command) != link.command:
            session.delete(link)
            result.links += 1
    for upload in session.exec(select(PendingUpload)).all():  # one per member at most
        if needles.scrub(upload.file_name) != upload.file_name or needles.names_file(upload.data):
            session.delete(upload)
            result.uploads += 1
    result.meetings = _scrub_texts(
        session, needles, ((Meeting, "place"), (Meeting, "cancel_reason"), (MeetingChange, "reason"))
    )
    result.admin_texts = _scrub_texts(session, needles, ((Invite, "note"), (GroupChat, "title")))
    session.flush()
    return result


def _scrub_texts(session: Session, needles: Needles, columns: Iterable[tuple[type[SQLModel], str]]) -> int:
    """Replace the needles in plain encrypted text columns; the number of rows changed."""
    changed = 0
    for model, attribute in columns:
        for rows in _batches(session, model, col(getattr(model, attribute)).is_not(None)):
            for row in rows:
                before = getattr(row, attribute)
                scrubbed = needles.scrub(before)
                if scrubbed != before:
                    setattr(row, attribute, scrubbed)
                    session.add(row)
                    changed += 1
            session.flush()
    return changed


def blank_event_params(params: dict[str, Any]) -> dict[str, Any]:
    """A timeline event's parameters with every personal one replaced by the placeholder: the line still
    reads (``status open → gesloten: [verwijderd]``), never as a raw template or message key."""
    return {key: value if key in SAFE_EVENT_PARAMS else REMOVED for key, value in params.items()}


def scrub_event_params(params: dict[str, Any], needles: Needles) -> dict[str, Any]:
    """A household case's event: this person's texts go from the personal parameters; the safe ones
    (choices, refs, dates, members) stay as they are."""
    return {key: value if key in SAFE_EVENT_PARAMS else needles.scrub(value) for key, value in params.items()}


def blank_case_texts(session: Session, case: Case) -> None:
    """A case about this person only: its free texts become the placeholder, its initials ``-``."""
    assert case.id is not None
    case.initials = "-"
    case.fallback = REMOVED if case.fallback else None
    session.add(case)
    for action in session.exec(select(Action).where(Action.case_id == case.id)).all():
        action.text = REMOVED
        session.add(action)
    for event in session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all():
        event.params = blank_event_params(event.params)
        session.add(event)
    for scenario in session.exec(select(CaseScenario).where(CaseScenario.case_id == case.id)).all():
        scenario.text = REMOVED
        session.add(scenario)
    for escalation in session.exec(select(Escalation).where(Escalation.case_id == case.id)).all():
        escalation.reason = REMOVED
        session.add(escalation)
    for detention in session.exec(select(Detention).where(Detention.case_id == case.id)).all():
        detention.facility = REMOVED  # where this person is or was detained
        session.add(detention)


def refresh_initials(session: Session, case: Case) -> None:
    """A household case that keeps other named subjects: its initials line without the erased one."""
    assert case.id is not None
    named = [
        s
        for s in session.exec(
            select(Subject).where(Subject.case_id == case.id).order_by(col(Subject.id))
        ).all()
        if s.name_key
    ]
    case.initials = initials_line(named) if named else "-"
    session.add(case)
