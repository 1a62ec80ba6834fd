"""Fictional signals and cases spread over the current and the previous quarter, so ``/rapport`` and
``ketenbot rapport`` show a meaningful quarter in the demo. Every name here is made up.

Loaded by ``ketenbot demo`` / ``demo-data`` after ``bot.demo.loader.load_demo`` (not by the test harness,
whose tests count the base demo's cases).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import col, select

from storage.cases.tables import (
    CASE_OUTCOMES,
    Action,
    CaseStatus,
    RegieKind,
    Signal,
    SignalCategory,
    SignalStatus,
    TriageOutcome,
    Urgency,
)
from storage.meetings.tables import Meeting, MeetingKind, Recurrence
from storage.models import Identity
from storage.names import initials
from storage.release.detention import Huisverbod
from storage.uow import UnitOfWork

GEMEENTEN = ("Waterdam", "Waterdam", "Rivierstad", "Lingewaard")
REPORTERS = ("wijkagent", "wijkagent", "veiligthuis", "ggz", "reclassering", "woonstede", "regisseur")
CASUSREGIE = ("regisseur", "reclassering", "veiligthuis", "ggz")
FIRST = ("Anna", "Bas", "Carla", "Dirk", "Emma", "Finn", "Gerda", "Hugo", "Ilse", "Joris", "Kim", "Lars")
LAST = ("Aalbers", "Brouwer", "Claassen", "Dekker", "Evers", "Franken", "Geurts", "Hermans", "Jacobs")
SIGNALS = 60
DAYS_BACK = 170  # about two quarters


def load_report_demo(uow: UnitOfWork, now: datetime) -> int:
    """Add the report demo; returns the number of signals added."""
    rng = random.Random(9)  # the same demo every time
    with uow:
        by_handle = _console_handles(uow)
        for number in range(SIGNALS):
            created = now - timedelta(days=rng.randint(5, DAYS_BACK), hours=rng.randint(0, 8))
            reporter = by_handle[rng.choice(REPORTERS)]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            outcome = rng.choice(list(TriageOutcome))
            decided = created + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5, 8)))
            signal = uow.signals.add(
                Signal(
                    reporter_id=reporter,
                    gemeente=rng.choice(GEMEENTEN),
                    categories=rng.sample([c.value for c in SignalCategory], k=rng.choice((1, 1, 2))),
                    urgency=rng.choice((Urgency.NORMAAL, Urgency.NORMAAL, Urgency.HOOG, Urgency.ACUUT)),
                    description=f"Fictieve rapportdemo-melding {number + 1}.",
                    created_at=created,
                    status=SignalStatus.DECIDED,
                    outcome=outcome,
                    decided_by=by_handle["procesmanager"],
                    decided_at=decided,
                ),
                ((name, None),),
            )
            if outcome in CASE_OUTCOMES:
                _open_case(uow, rng, signal, outcome, decided, now, by_handle)
        _past_overleg(uow, rng, now, by_handle)
        uow.commit()
    return SIGNALS


def _open_case(
    uow: UnitOfWork,
    rng: random.Random,
    signal: Signal,
    outcome: TriageOutcome,
    decided: datetime,
    now: datetime,
    by_handle: dict[str, int],
) -> None:
    closed = rng.random() < 0.3
    case = uow.cases.open(
        track=outcome,
        initials=initials(uow.signals.subjects(signal.id or 0)[0].name),
        at=decided,
        year=decided.year,
        opened_by=by_handle["procesmanager"],
        signal_id=signal.id,
        status=CaseStatus.GESLOTEN if closed else CaseStatus.ACTIEF,
    )
    assert case.id is not None
    uow.signals.attach_to_case(signal, case.id)
    pm = by_handle["procesmanager"]
    uow.cases.add_participant(case.id, decided, member_id=pm, added_by=pm)
    holder_handle = rng.choice(CASUSREGIE)
    holder = uow.members.get(by_handle[holder_handle])
    assert holder is not None and holder.id is not None
    uow.regie.assign(case.id, RegieKind.CASUSREGIE, holder.id, holder.organisation_id, decided)
    uow.cases.add_participant(case.id, decided, member_id=holder.id, added_by=pm)
    first_action = decided + timedelta(days=rng.choice((1, 2, 4, 7, 10)))
    if first_action < now:
        uow.actions.add(
            Action(
                case_id=case.id,
                text="Fictieve actie uit de rapportdemo",
                owner_id=holder.id,
                deadline=(first_action + timedelta(days=14)).date(),
                created_by=pm,
                created_at=first_action,
            )
        )
    if outcome == TriageOutcome.HG and decided.date() < now.date():
        uow.huisverboden.add(
            Huisverbod(
                case_id=case.id,
                started_on=decided.date(),
                extended=rng.random() < 0.5 if decided < now - timedelta(days=8) else None,
                created_by=pm,
                created_at=decided,
            )
        )
    if closed:
        case.closed_at = min(now - timedelta(days=1), decided + timedelta(days=rng.randint(20, 60)))
        uow.session.add(case)


def _past_overleg(uow: UnitOfWork, rng: random.Random, now: datetime, by_handle: dict[str, int]) -> None:
    """A weekly casusoverleg (MDO) series over both quarters, with attendance recorded per occurrence (for
    the overleg figures)."""
    chair = by_handle["procesmanager"]
    invited = [by_handle[h] for h in ("procesmanager", "veiligthuis", "ggz", "reclassering", "wijkagent")]
    first = (now - timedelta(days=DAYS_BACK)).replace(hour=9, minute=0, second=0, microsecond=0)
    occurrences = [
        first + timedelta(weeks=n) for n in range(DAYS_BACK // 7) if first + timedelta(weeks=n) < now
    ]
    series = uow.meetings.add(
        Meeting(
            uid="rapportdemo-mdo@ketenbot.invalid",
            kind=MeetingKind.MDO,
            start_at=first,
            duration_minutes=90,
            place="Veiligheidshuis, zaal 2 (fictief)",
            chair_id=chair,
            recurrence=Recurrence.WEEKLY,
            until=occurrences[-1].date(),
            created_at=first - timedelta(days=7),
            updated_at=first - timedelta(days=7),
        )
    )
    assert series.id is not None
    for start in occurrences:
        present = {member: member == chair or rng.random() < 0.8 for member in invited}
        uow.meetings.record_attendance(series.id, start, present, chair, start + timedelta(hours=2))


def _console_handles(uow: UnitOfWork) -> dict[str, int]:
    rows = uow.session.exec(select(Identity).where(col(Identity.platform) == "console")).all()
    return {row.external_id: row.member_id for row in rows}
