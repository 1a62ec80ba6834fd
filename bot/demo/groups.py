"""Fictional demo data for households and tracks: the Jansen household (huiselijk geweld, VH-2026-0002)
gets its kind, the roles of its subjects (and the pleger as a third subject), actions on two tracks and a
drang/dwang fallback.

Every name here is made up. Called from ``bot.demo.loader.load_demo`` after the demo cases and flows exist
(so the ids and codes of the other demo data do not move); the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.cases.plan import CaseKind, PlanEventKind, PlanTrack, SubjectRole
from storage.cases.tables import Action, CaseEventKind
from storage.models import Member
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")
HOUSEHOLD_CODE_NUMBER = 2  # VH-<this year>-0002: Mila and Noah Jansen (bot/demo/cases.py CASES[1])
FALLBACK = (
    "Melding aan het OM en verzoek om toezicht door de reclassering op de pleger;"
    " voor Noah een verzoek tot onderzoek bij de Raad voor de Kinderbescherming."
)


def load_demo_groups(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    code = f"VH-{now.astimezone(TZ).year}-{HOUSEHOLD_CODE_NUMBER:04d}"
    case = uow.cases.by_code(code)
    assert case is not None and case.id is not None
    pm, vt = members["procesmanager2"], members["veiligthuis"]
    assert pm.id is not None and vt.id is not None
    at = now - timedelta(days=20)
    uow.plan.set_kind(case, CaseKind.HUISHOUDEN)
    mila, noah = uow.plan.subjects(case.id)
    uow.plan.set_role(mila, SubjectRole.SLACHTOFFER)
    uow.plan.set_role(noah, SubjectRole.KIND_GETUIGE)
    rob, _ = uow.plan.add_subject(case, "Rob Jansen", date(1987, 4, 17), SubjectRole.PLEGER)
    for subject in (mila, noah, rob):
        uow.cases.add_event(
            case.id, PlanEventKind.ROLE_SET, at, pm.id, initials=subject.initials, role=subject.role
        )
    existing = uow.session.exec(select(Action).where(Action.case_id == case.id)).all()
    for action in existing:  # "Veiligheidsplan evalueren": the safety plan of the whole household
        action.track = PlanTrack.VEILIGHEID
        uow.session.add(action)
    today = now.astimezone(TZ).date()
    action = uow.actions.add(
        Action(
            case_id=case.id,
            text="Traumagerichte hulp voor Noah aanvragen",
            owner_id=vt.id,
            deadline=today + timedelta(days=10),
            created_by=pm.id,
            created_at=at,
            track=PlanTrack.JEUGD,
            subject_id=noah.id,
        )
    )
    uow.cases.add_event(case.id, CaseEventKind.ACTION_ADDED, at, pm.id, id=action.id, who=vt.name)
    uow.plan.set_fallback(case, FALLBACK)
    uow.cases.add_event(case.id, PlanEventKind.FALLBACK_SET, at, pm.id)
    uow.flush()
