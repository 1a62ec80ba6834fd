"""Fictional demo data for the reminders: a detention in the nazorg case (release in 40 days, so the first
alert comes 12 days after loading) with its release alerts queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.core.clock import FixedClock
from handlers.reminders import queue_release_alerts
from storage.cases import Case, TriageOutcome
from storage.detention import Detention, DetentionKind
from storage.uow import UnitOfWork


def load_demo_reminders(uow: UnitOfWork, now: datetime) -> None:
    """Inside the demo loader's unit of work."""
    clock = FixedClock(now)
    case = uow.session.exec(select(Case).where(Case.track == TriageOutcome.NAZORG)).first()
    if case is None or case.id is None or case.opened_by is None:
        return
    today = clock.today()
    detention = uow.detentions.add(
        Detention(
            case_id=case.id,
            facility="PI Rivierland (fictief)",
            kind=DetentionKind.GEVANGENISSTRAF,
            started_on=today - timedelta(days=200),
            release_on=today + timedelta(days=40),
            created_by=case.opened_by,
            created_at=now,
            updated_at=now,
        )
    )
    queue_release_alerts(uow, detention, case, clock)
