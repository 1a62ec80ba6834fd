"""Fictional demo signals and cases: a few in every state, with regie holders, deelnemers and actions.

Every name here is made up. Called from ``bot.demo.loader.load_demo`` after the members exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.cases.tables import (
    Action,
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
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class DemoCase:
    people: tuple[tuple[str, date | None], ...]
    track: TriageOutcome
    status: CaseStatus
    reporter: str
    procesregie: str
    casusregie: str | None
    members: tuple[str, ...]
    organisations: tuple[str, ...] = ()
    age_days: int = 30
    actions: tuple[tuple[str, str, int, bool], ...] = field(default=())  # text, owner, deadline offset, done


CASES = (
    DemoCase(
        (("Jan de Vries", date(1985, 3, 12)),),
        TriageOutcome.TOPX,
        CaseStatus.ACTIEF,
        "wijkagent",
        "procesmanager",
        "regisseur",
        ("wijkagent", "reclassering", "regisseur"),
        ("GGZ Rivierland",),
        60,
        (
            ("Woonplek regelen", "regisseur", 14, False),
            ("Schuldhulp aanvragen", "reclassering", -3, False),
            ("Huisbezoek afleggen", "wijkagent", -10, True),
        ),
    ),
    DemoCase(
        (("Mila Jansen", date(1990, 7, 1)), ("Noah Jansen", date(2015, 2, 20))),
        TriageOutcome.HG,
        CaseStatus.AFGESCHAALD,
        "veiligthuis",
        "procesmanager2",
        "veiligthuis",
        ("wijkagent", "veiligthuis"),
        age_days=120,
        actions=(("Veiligheidsplan evalueren", "veiligthuis", 21, False),),
    ),
    DemoCase(
        (("Sem Bakker", date(2009, 9, 9)),),
        TriageOutcome.JEUGD,
        CaseStatus.AANGEMELD,
        "wijkagent",
        "procesmanager",
        None,
        ("wijkagent",),
        age_days=3,
    ),
    DemoCase(
        (("Kees van den Berg", date(1978, 11, 30)),),
        TriageOutcome.NAZORG,
        CaseStatus.IN_TRIAGE,
        "reclassering",
        "procesmanager",
        "reclassering",
        ("reclassering", "regisseur"),
        age_days=10,
        actions=(("ID-bewijs aanvragen", "regisseur", 7, False),),
    ),
    DemoCase(
        (("Ahmed el Amrani", None),),
        TriageOutcome.RADICALISERING,
        CaseStatus.GESLOTEN,
        "regisseur",
        "procesmanager2",
        "regisseur",
        ("regisseur",),
        age_days=300,
    ),
)

NEW_SIGNALS = (  # people, urgency, reporter, gemeente, categories, age in days
    ((("Jan de Vries", date(1985, 3, 12)),), Urgency.NORMAAL, "woonstede", "Waterdam", ("overlast",), 4),
    ((("Sanne Visser", None),), Urgency.HOOG, "ggz", "Rivierstad", ("psychisch", "zorgmijding"), 2),
    (
        (("Ruud Hendriks", date(1970, 1, 5)),),
        Urgency.ACUUT,
        "veiligthuis",
        "Waterdam",
        ("huiselijk_geweld",),
        0,
    ),
)


def load_demo_cases(uow: UnitOfWork, members: dict[str, Member], now: datetime) -> None:
    """Fill cases and signals; ``members`` maps console handles to members. The caller commits."""
    ids = {handle: _id(member) for handle, member in members.items()}
    for demo in CASES:
        _load_case(uow, demo, members, ids, now)
    for people, urgency, reporter, gemeente, categories, age in NEW_SIGNALS:
        at = now - timedelta(days=age, hours=1)
        signal = uow.signals.add(
            Signal(
                reporter_id=ids[reporter],
                gemeente=gemeente,
                categories=list(categories),
                urgency=urgency,
                description="Fictieve demomelding: zorgen van de buurt en de wijkagent.",
                created_at=at,
            ),
            people,
        )
        known = [case for name, born in people for case in uow.cases.known_person(name, born)]
        if known:
            signal.matched_case_id = known[0].id
            uow.session.add(signal)
    uow.flush()


def _id(member: Member) -> int:
    assert member.id is not None
    return member.id


def _load_case(
    uow: UnitOfWork, demo: DemoCase, members: dict[str, Member], ids: dict[str, int], now: datetime
) -> None:
    opened = now - timedelta(days=demo.age_days)
    signal = uow.signals.add(
        Signal(
            reporter_id=ids[demo.reporter],
            gemeente="Waterdam",
            categories=["anders"],
            urgency=Urgency.NORMAAL,
            description="Fictieve demomelding.",
            created_at=opened - timedelta(days=2),
            status=SignalStatus.DECIDED,
            outcome=demo.track,
            decided_by=ids[demo.procesregie],
            decided_at=opened,
        ),
        demo.people,
    )
    case = uow.cases.open(
        track=demo.track,
        initials=", ".join(initials(name) for name, _ in demo.people),
        at=opened,
        year=now.astimezone(TZ).year,
        opened_by=ids[demo.procesregie],
        signal_id=signal.id,
        status=demo.status,
    )
    assert case.id is not None and signal.id is not None
    uow.signals.attach_to_case(signal, case.id)
    ref = f"S-{signal.id}"
    uow.cases.add_event(
        case.id, CaseEventKind.OPENED, opened, ids[demo.procesregie], signal=ref, track=demo.track
    )
    for handle in (demo.procesregie, *demo.members):
        uow.cases.add_participant(case.id, opened, member_id=ids[handle], added_by=ids[demo.procesregie])
    for name in demo.organisations:
        organisation = uow.organisations.by_name(name)
        assert organisation is not None
        uow.cases.add_participant(case.id, opened, organisation_id=organisation.id)
    pm = members[demo.procesregie]
    uow.regie.assign(case.id, RegieKind.PROCESREGIE, ids[demo.procesregie], pm.organisation_id, opened)
    if demo.casusregie is not None:
        holder = members[demo.casusregie]
        uow.regie.assign(
            case.id,
            RegieKind.CASUSREGIE,
            ids[demo.casusregie],
            holder.organisation_id,
            opened + timedelta(days=1),
        )
        uow.cases.add_event(
            case.id,
            CaseEventKind.REGIE,
            opened + timedelta(days=1),
            ids[demo.casusregie],
            kind=RegieKind.CASUSREGIE.value,
            who=holder.name,
        )
    if demo.status != CaseStatus.AANGEMELD:
        uow.cases.add_event(
            case.id,
            CaseEventKind.STATUS,
            opened + timedelta(days=2),
            ids[demo.procesregie],
            old=CaseStatus.AANGEMELD.value,
            new=demo.status.value,
            reason="demo",
        )
    if demo.status == CaseStatus.GESLOTEN:
        case.closed_at = opened + timedelta(days=200)
        uow.session.add(case)
    today = now.astimezone(TZ).date()
    for text, owner, offset, done in demo.actions:
        action = uow.actions.add(
            Action(
                case_id=case.id,
                text=text,
                owner_id=ids[owner],
                deadline=today + timedelta(days=offset),
                created_by=ids[demo.procesregie],
                created_at=opened + timedelta(days=3),
                done_at=now - timedelta(days=1) if done else None,
                done_by=ids[owner] if done else None,
            )
        )
        uow.cases.add_event(
            case.id,
            CaseEventKind.ACTION_ADDED,
            opened + timedelta(days=3),
            ids[demo.procesregie],
            id=action.id,
            who=members[owner].name,
        )
