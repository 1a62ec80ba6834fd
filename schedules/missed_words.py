"""What a missed reminder was about, in words: "vrijlatingsherinnering (7 dagen vooraf), casus VH-2026-0003"
instead of its outbox key (``release:2:T-7@12``), and which case it belongs to, so the summary can also reach
that case's casusregisseur (issue 19, item 5).

Read from the key's kind and id; the entity is looked up for its case code. A key of a kind this module does
not know, or whose entity is gone, still reads as words ("een bericht"), never as the raw key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.dates import format_date
from bot.core.i18n import Text, t
from storage.cases.tables import Action
from storage.release.detention import Detention, Huisverbod
from storage.uow import UnitOfWork

KIND_WORDS = {  # kinds of single notices: named by what they are
    "handover": "missed.kind.handover",
    "info": "missed.kind.info",
    "signal": "missed.kind.signal",
    "mutatie": "missed.kind.mutatie",
    "regie": "missed.kind.regie",
    "pickup": "missed.kind.pickup",
    "unexpected-note": "missed.kind.pickup",
    "nazorg": "missed.kind.nazorg",
    "action": "missed.kind.action",
    "absence": "missed.kind.absence",
    "trajectberaad": "missed.kind.trajectberaad",
}
MEETING_STEPS = {"T-24h": "missed.step_day_before", "T-1h": "missed.step_hour_before"}
MEETING_NOTICES = {
    "open-24h": "missed.meeting_open",
    "cutoff": "missed.meeting_cutoff",
    "agenda-closed": "missed.meeting_agenda_closed",
}


@dataclass(frozen=True)
class About:
    what: Text
    case_id: int | None = None


def _parts(key: str) -> tuple[str, int | None, list[str]]:
    """``release:2:T-7@12`` -> ("release", 2, ["T-7"]); the id is None when it is not a number."""
    kind, _, rest = key.partition(":")
    fields = rest.split("@", 1)[0].split(":")
    entity = int(fields[0]) if fields and fields[0].isdigit() else None
    return kind, entity, fields[1:]


def _case(uow: UnitOfWork, case_id: int | None) -> tuple[Text | str, int | None]:
    case = uow.cases.get(case_id) if case_id is not None else None
    if case is None:
        return t("missed.unknown_case"), None
    return case.code, case.id


def _release(uow: UnitOfWork, entity: int, rest: list[str]) -> About:
    detention = uow.session.get(Detention, entity)
    code, case_id = _case(uow, detention.case_id if detention is not None else None)
    offset = rest[0] if rest else ""
    days = offset.removeprefix("T-")
    if days == "0":
        return About(t("missed.release_day", code=code), case_id)
    if days.isdigit():
        return About(t("missed.release_before", code=code, days=int(days)), case_id)
    return About(t("missed.release_other", code=code), case_id)


def _unexpected(uow: UnitOfWork, entity: int, rest: list[str]) -> About:
    release = uow.nazorg.release(entity)
    detention = uow.session.get(Detention, release.detention_id) if release is not None else None
    code, case_id = _case(uow, detention.case_id if detention is not None else None)
    again = bool(rest) and rest[0] == "H1"
    return About(t("missed.unexpected_again" if again else "missed.unexpected", code=code), case_id)


def _huisverbod(uow: UnitOfWork, entity: int, rest: list[str]) -> About:
    record = uow.session.get(Huisverbod, entity)
    code, case_id = _case(uow, record.case_id if record is not None else None)
    offset = rest[0] if rest else ""
    if offset.startswith("D") and offset[1:].isdigit():
        return About(t("missed.huisverbod_day", code=code, day=int(offset[1:])), case_id)
    if offset.startswith("M") and offset[1:].isdigit():
        return About(t("missed.huisverbod_follow_up", code=code, months=int(offset[1:])), case_id)
    return About(t("missed.huisverbod_other", code=code), case_id)


def _action(uow: UnitOfWork, entity: int, rest: list[str]) -> About:
    action = uow.session.get(Action, entity)
    code, case_id = _case(uow, action.case_id if action is not None else None)
    escalation = bool(rest) and rest[0] == "escalate"
    key = "missed.action_escalation" if escalation else "missed.action_due"
    return About(t(key, id=entity, code=code), case_id)


def _meeting(entity: int, rest: list[str]) -> About:
    day = rest[0] if rest else ""
    try:
        shown = format_date(date.fromisoformat(day))
    except ValueError:
        return About(t("missed.meeting_other", id=entity))
    step = rest[1] if len(rest) > 1 else ""
    if step in MEETING_STEPS:
        return About(t("missed.meeting_reminder", id=entity, day=shown, when=t(MEETING_STEPS[step])))
    if step in MEETING_NOTICES:
        return About(t(MEETING_NOTICES[step], id=entity, day=shown))
    return About(t("missed.meeting_other", id=entity))


def describe(uow: UnitOfWork, key: str) -> About:
    """The words for the message behind ``key`` and the case it is about (None when none or unknown)."""
    kind, entity, rest = _parts(key)
    if kind in KIND_WORDS:
        return About(t(KIND_WORDS[kind]))
    if entity is None:
        return About(t("missed.other"))
    if kind == "release":
        return _release(uow, entity, rest)
    if kind == "unexpected":
        return _unexpected(uow, entity, rest)
    if kind == "huisverbod":
        return _huisverbod(uow, entity, rest)
    if kind == "deadline":
        return _action(uow, entity, rest)
    if kind == "meeting":
        return _meeting(entity, rest)
    if kind == "meeting-note":
        return About(t("missed.meeting_other", id=entity))
    return About(t("missed.other"))
