"""Fictional demo detention: the nazorg case (Kees van den Berg, fictional) is released in 20 days, its
release alerts are pending in the outbox and its nazorg checklist is partly done, so ``/mijn herinneringen``,
``/detentie`` and ``/nazorg`` show something in ``./dev demo``.

Only rungs still ahead are queued (none is due at load time), so loading demo data sends nobody anything.
Called from ``bot.demo.loader.load_demo`` after the demo cases exist; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clock import FixedClock
from handlers.reminders import queue_release_alerts
from storage.models import Member
from storage.release.detention import Detention, DetentionKind
from storage.release.nazorg import NazorgStatus
from storage.uow import UnitOfWork

CASE_PERSON = "Kees van den Berg"
RELEASE_IN_DAYS = 20
CHECKLIST = {  # item: (status, owner handle)
    "id_bewijs": (NazorgStatus.GEREGELD, "regisseur"),
    "onderdak": (NazorgStatus.OPEN, "regisseur"),
    "inkomen": (NazorgStatus.GEREGELD, "regisseur"),
    "schulden": (NazorgStatus.NVT, None),
    "zorg": (NazorgStatus.OPEN, None),
    "dagbesteding": (NazorgStatus.OPEN, "reclassering"),
}
SCENARIO = (
    "Reclassering (Joost) haalt op bij de poort en belt de gemeente; gemeente (Fatima) regelt een bed in de"
    " nachtopvang en een afspraak bij Werk en Inkomen; procesregie licht de wijkagent in."
)


def load_demo_detention(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    clock = FixedClock(now)
    case = next(c for c in uow.cases.known_person(CASE_PERSON, None) if c.id is not None)
    assert case.id is not None
    pm = members["procesmanager"]
    assert pm.id is not None
    today = clock.today()
    detention = uow.detentions.add(
        Detention(
            case_id=case.id,
            facility="PI Rivierland",
            kind=DetentionKind.GEVANGENISSTRAF,
            started_on=today - timedelta(days=150),
            release_on=today + timedelta(days=RELEASE_IN_DAYS),
            created_by=pm.id,
            created_at=now - timedelta(days=30),
            updated_at=now - timedelta(days=30),
        )
    )
    assert detention.id is not None
    for item in uow.nazorg.create_checklist(detention.id, now - timedelta(days=30)):
        status, owner = CHECKLIST[item.item]
        item.status = status
        item.owner_id = members[owner].id if owner else None
        if status != NazorgStatus.OPEN:
            item.updated_by, item.updated_at = item.owner_id or pm.id, now - timedelta(days=3)
        uow.nazorg.save(item)
    uow.nazorg.set_scenario(case.id, SCENARIO, pm.id, now - timedelta(days=30))
    queue_release_alerts(uow, detention, case, clock, future_only=True)
