"""Words of households, groups and tracks: what users may type for a kind, a role or a track, which
subject ``2`` or ``M.J.`` means, and the texts that name them (also used by the escalation reminder)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import Text, UserError, t
from bot.core.hygiene import echo, is_ascii_number
from handlers.casework import is_closed
from storage.cases.plan import CaseKind, PlanTrack, SubjectRole
from storage.cases.tables import Case, Subject, TriageOutcome

KIND_WORDS: dict[str, CaseKind] = {
    "persoon": CaseKind.PERSOON,
    "person": CaseKind.PERSOON,
    "huishouden": CaseKind.HUISHOUDEN,
    "gezin": CaseKind.HUISHOUDEN,
    "household": CaseKind.HUISHOUDEN,
    "family": CaseKind.HUISHOUDEN,
    "groep": CaseKind.GROEP,
    "group": CaseKind.GROEP,
}

ROLE_WORDS: dict[str, SubjectRole] = {
    "pleger": SubjectRole.PLEGER,
    "dader": SubjectRole.PLEGER,
    "perpetrator": SubjectRole.PLEGER,
    "slachtoffer": SubjectRole.SLACHTOFFER,
    "victim": SubjectRole.SLACHTOFFER,
    "kind": SubjectRole.KIND_GETUIGE,
    "getuige": SubjectRole.KIND_GETUIGE,
    "kind/getuige": SubjectRole.KIND_GETUIGE,
    "kind_getuige": SubjectRole.KIND_GETUIGE,
    "child": SubjectRole.KIND_GETUIGE,
    "witness": SubjectRole.KIND_GETUIGE,
    "child/witness": SubjectRole.KIND_GETUIGE,
}
NO_ROLE_WORDS = frozenset({"geen", "none"})

TRACK_WORDS: dict[str, PlanTrack] = {
    "zorg": PlanTrack.ZORG,
    "care": PlanTrack.ZORG,
    "veiligheid": PlanTrack.VEILIGHEID,
    "straf": PlanTrack.VEILIGHEID,
    "safety": PlanTrack.VEILIGHEID,
    "justice": PlanTrack.VEILIGHEID,
    "bestuur": PlanTrack.BESTUUR,
    "bestuurlijk": PlanTrack.BESTUUR,
    "administrative": PlanTrack.BESTUUR,
    "jeugd": PlanTrack.JEUGD,
    "gezin": PlanTrack.JEUGD,
    "youth": PlanTrack.JEUGD,
    "family": PlanTrack.JEUGD,
    "wonen": PlanTrack.WONEN,
    "housing": PlanTrack.WONEN,
    "inkomen": PlanTrack.INKOMEN,
    "werk": PlanTrack.INKOMEN,
    "schulden": PlanTrack.INKOMEN,
    "income": PlanTrack.INKOMEN,
    "work": PlanTrack.INKOMEN,
    "debts": PlanTrack.INKOMEN,
}


def parse_kind(word: str) -> CaseKind:
    kind = KIND_WORDS.get(word.strip().lower())
    if kind is None:
        raise UserError("plan.unknown_kind", text=echo(word, 30))
    return kind


def parse_role(word: str) -> SubjectRole | None:
    """A role, or None for ``geen``; anything else is refused with the choices."""
    lowered = word.strip().lower()
    if lowered in NO_ROLE_WORDS:
        return None
    role = ROLE_WORDS.get(lowered)
    if role is None:
        raise UserError("plan.unknown_role", text=echo(word, 30))
    return role


def parse_track(word: str) -> PlanTrack:
    track = TRACK_WORDS.get(word.strip().lower())
    if track is None:
        raise UserError("plan.unknown_track", text=echo(word, 30))
    return track


def is_hg(case: Case) -> bool:
    """Roles belong to huiselijk-geweld cases (opened by triage as HG)."""
    return case.track == TriageOutcome.HG


def require_hg(case: Case) -> None:
    if not is_hg(case):
        raise UserError("plan.role_not_hg", code=case.code)


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def find_subject(case: Case, subjects: Sequence[Subject], ref: str) -> Subject:
    """Subject ``2`` (its number in ``/casus CODE``) or ``M.J.`` (initials, dots optional)."""
    word = ref.strip().lstrip("#")
    if is_ascii_number(word) and len(word) < 4:
        number = int(word)
        if 1 <= number <= len(subjects):
            return subjects[number - 1]
    elif _letters(word):
        matches = [s for s in subjects if _letters(s.initials) == _letters(word)]
        if len(matches) > 1:
            raise UserError("plan.subject_ambiguous", who=echo(word, 30), code=case.code)
        if matches:
            return matches[0]
    raise UserError(
        "plan.unknown_subject", who=echo(word, 30), code=case.code, subjects=numbered_initials(subjects)
    )


def numbered_initials(subjects: Sequence[Subject]) -> str:
    return ", ".join(f"{n}. {s.initials}" for n, s in enumerate(subjects, start=1)) or "-"


def role_text(role: str | None) -> Text | None:
    return t(f"plan.role.{role}") if role else None


def track_text(track: str | None) -> Text:
    return t(f"plan.track.{track}") if track else t("plan.no_track")


def fallback_line(case: Case) -> Text:
    """The agreed drang/dwang fallback, or a nudge to record it (plan view and overdue escalation)."""
    if case.fallback:
        return t("plan.fallback", text=case.fallback)
    if is_closed(case):  # a closed case's view suggests no write
        return t("plan.fallback_none")
    return t("plan.fallback_missing", code=case.code)


def take_plan_options(words: Sequence[str]) -> tuple[list[str], PlanTrack | None, str | None]:
    """``spoor:zorg`` (``track:care``) and ``voor:2`` (``for:M.J.``) out of an /actie line: the other
    words, the track and the subject reference. A bare ``voor:`` stays part of the text."""
    rest: list[str] = []
    track: PlanTrack | None = None
    subject: str | None = None
    for word in words:
        key, sep, value = word.partition(":")
        if sep and value and key.lower() in ("spoor", "track"):
            track = parse_track(value)
        elif sep and value and key.lower() in ("voor", "for"):
            subject = value
        else:
            rest.append(word)
    return rest, track, subject
