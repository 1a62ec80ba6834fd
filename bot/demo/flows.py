"""Fictional demo data for the network workflows: a mutatie, an informatieverzoek and a stale case.

Every name here is made up. Called from ``bot.demo.loader.load_demo`` after the demo cases exist; the
caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from storage.cases.tables import (
    CaseEventKind,
    CaseStatus,
    RegieKind,
    Signal,
    SignalStatus,
    TriageOutcome,
    Urgency,
)
from storage.models import Member
from storage.names import initials
from storage.network.flows import InfoRequest
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")


def load_demo_flows(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    _stale_case(uow, members, now)
    _mutatie(uow, members, now)
    _info_request(uow, members, now)
    uow.flush()


def _id(member: Member) -> int:
    assert member.id is not None
    return member.id


def _stale_case(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    """An actief case opened over a year ago with nothing planned since: the watchdog lists it."""
    opened = now - timedelta(days=400)  # last year: its code does not shift this year's numbers
    pm, agent = members["procesmanager2"], members["wijkagent"]
    people = [("Lars Fictief", None)]
    signal = uow.signals.add(
        Signal(
            reporter_id=_id(agent),
            gemeente="Waterdam",
            categories=["overlast"],
            urgency=Urgency.NORMAAL,
            description="Fictieve demomelding: overlast in de wijk.",
            created_at=opened - timedelta(days=1),
            status=SignalStatus.DECIDED,
            outcome=TriageOutcome.TOPX,
            decided_by=_id(pm),
            decided_at=opened,
        ),
        people,
    )
    case = uow.cases.open(
        track=TriageOutcome.TOPX,
        initials=initials("Lars Fictief"),
        at=opened,
        year=opened.astimezone(TZ).year,
        opened_by=_id(pm),
        signal_id=signal.id,
        status=CaseStatus.ACTIEF,
    )
    assert case.id is not None
    uow.signals.attach_to_case(signal, case.id)
    uow.cases.add_event(
        case.id, CaseEventKind.OPENED, opened, _id(pm), signal=f"S-{signal.id}", track=case.track
    )
    for member in (pm, agent):
        uow.cases.add_participant(case.id, opened, member_id=_id(member), added_by=_id(pm))
    uow.regie.assign(case.id, RegieKind.PROCESREGIE, _id(pm), pm.organisation_id, opened)


def _mutatie(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    """A new signal about Noah Jansen (subject of an afgeschaald case): waiting for procesregie's choice."""
    case = next(iter(uow.cases.known_person("Noah Jansen", None)), None)
    if case is None or case.id is None:
        return
    at = now - timedelta(hours=3)
    signal = uow.signals.add(
        Signal(
            reporter_id=_id(members["ggz"]),
            gemeente="Waterdam",
            categories=["jeugd"],
            urgency=Urgency.HOOG,
            description="Fictieve demomelding: Noah is al een week niet op school geweest.",
            created_at=at,
            status=SignalStatus.MUTATIE,
            matched_case_id=case.id,
            case_id=case.id,
        ),
        [("Noah Jansen", None)],
    )
    assert signal.id is not None
    uow.cases.add_event(case.id, CaseEventKind.MUTATIE, at, _id(members["ggz"]), signal=f"S-{signal.id}")


def _info_request(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    """An open informatieverzoek from the wijkagent, due at 17:00 local today."""
    asker = members["wijkagent"]
    deadline = now.astimezone(TZ).replace(hour=17, minute=0, second=0, microsecond=0)
    uow.info_requests.add(
        InfoRequest(
            asker_id=_id(asker),
            organisation_id=asker.organisation_id,
            query="Sanne Visser",
            deadline=deadline if deadline > now else now + timedelta(hours=2),
            created_at=now - timedelta(minutes=30),
        )
    )
