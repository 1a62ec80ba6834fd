"""Households, groups and the plan van aanpak per track (issue 10, items 4 and 5).

A case is about one person, a household (gezin) or a group (an overlastgevende groep, a jeugdgroep); its
subjects are ``Subject`` rows with ``case_id`` set, so the known-person check (mutaties) finds every one of
them. In huiselijk-geweld cases each subject has a role (pleger, slachtoffer, kind/getuige). Actions belong
to a track of the plan (zorg, veiligheid en straf, ...) and optionally to one subject. The plan records the
agreed drang/dwang fallback: what happens when agreements are not kept (``Case.fallback``, encrypted).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from sqlmodel import col, select

from storage.cases.tables import Case, Subject
from storage.crypto import index_in
from storage.names import initials, name_key, surname_key
from storage.repositories import Repository


class CaseKind(StrEnum):
    PERSOON = "persoon"
    HUISHOUDEN = "huishouden"
    GROEP = "groep"  # an overlastgevende groep or a (criminele) jeugdgroep


class SubjectRole(StrEnum):
    """The three tracks of a huiselijk-geweld case."""

    PLEGER = "pleger"
    SLACHTOFFER = "slachtoffer"
    KIND_GETUIGE = "kind_getuige"


class PlanTrack(StrEnum):
    """The tracks (sporen) of a plan van aanpak, in the order the plan shows them."""

    ZORG = "zorg"
    VEILIGHEID = "veiligheid"  # veiligheid en straf: politie, OM, reclassering
    BESTUUR = "bestuur"  # bestuurlijke maatregelen of the mayor (huisverbod, sluiting, gebiedsverbod)
    JEUGD = "jeugd"  # gezin en jeugd
    WONEN = "wonen"
    INKOMEN = "inkomen"  # werk, inkomen en schulden


class PlanEventKind(StrEnum):
    """Timeline events of this capability (``case_event.kind``; texts ``case.event.<kind>``)."""

    SUBJECT_ADDED = "subject_added"
    ROLE_SET = "role_set"
    KIND_SET = "kind_set"
    FALLBACK_SET = "fallback_set"


MAX_INITIALS = 60  # Case.initials


def kind_of(case: Case, subject_count: int) -> CaseKind:
    """The recorded kind, else what the subjects suggest (one person, or a household)."""
    if case.kind:
        return CaseKind(case.kind)
    return CaseKind.PERSOON if subject_count <= 1 else CaseKind.HUISHOUDEN


def initials_line(subjects: Sequence[Subject]) -> str:
    """``Case.initials``: the subjects' initials, cut to the column's length."""
    line = ", ".join(s.initials for s in subjects)
    return line if len(line) <= MAX_INITIALS else line[: MAX_INITIALS - 1] + "…"


class PlanRepository(Repository):
    def add_subject(
        self, case: Case, name: str, birth_date: date | None, role: str | None
    ) -> tuple[Subject, bool]:
        """Add a betrokkene to the case (and to its initials); ``(existing, False)`` when the same person
        (name key and date of birth) is already a subject of this case."""
        assert case.id is not None
        key = name_key(name)
        same_name = select(Subject).where(
            Subject.case_id == case.id,
            index_in(col(Subject.name_key), [key], self.session.get_bind().dialect),
        )
        for subject in self.session.exec(same_name).all():  # the key is compared as its blind index
            if subject.birth_date == birth_date:
                return subject, False
        subject = Subject(
            case_id=case.id,
            name=name,
            name_key=key,
            surname_key=surname_key(name),
            initials=initials(name),
            birth_date=birth_date,
            role=role,
        )
        self.session.add(subject)
        self.session.flush()
        case.initials = initials_line(self.subjects(case.id))
        self.session.add(case)
        self.session.flush()
        return subject, True

    def subjects(self, case_id: int) -> Sequence[Subject]:
        """The case's subjects in the order they were added (their number in ``/casus CODE``)."""
        statement = select(Subject).where(Subject.case_id == case_id).order_by(col(Subject.id))
        return self.session.exec(statement).all()

    def set_role(self, subject: Subject, role: str | None) -> None:
        subject.role = role
        self.session.add(subject)
        self.session.flush()

    def set_kind(self, case: Case, kind: str) -> None:
        case.kind = kind
        self.session.add(case)
        self.session.flush()

    def set_fallback(self, case: Case, text: str) -> None:
        case.fallback = text
        self.session.add(case)
        self.session.flush()
