"""Fictional demo data: the partner organisations and one console member per role (plus a few partners).

Every name here is made up. Loaded by ``ketenbot demo`` (and ``ketenbot demo-data``) on an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.demo.cases import load_demo_cases
from bot.demo.flows import load_demo_flows
from bot.demo.groups import load_demo_groups
from bot.demo.meetings import load_demo_meetings
from bot.demo.nazorg import load_demo_detention
from handlers.onboarding.invites import create_invite
from storage.models import OrganisationKind, Role
from storage.uow import UnitOfWork

ORGANISATIONS = (
    ("Politie Eenheid Oost", OrganisationKind.POLITIE),
    ("Reclassering Nederland", OrganisationKind.RECLASSERING),
    ("Gemeente Waterdam", OrganisationKind.GEMEENTE),
    ("GGZ Rivierland", OrganisationKind.GGZ),
    ("Veilig Thuis Regio", OrganisationKind.VEILIG_THUIS),
    ("Woonstede", OrganisationKind.WONINGCORPORATIE),
    ("Zorg- en Veiligheidshuis Rivierland", OrganisationKind.VHH),
)


@dataclass(frozen=True)
class DemoMember:
    handle: str
    name: str
    organisation: str
    roles: tuple[str, ...]


MEMBERS = (
    DemoMember("wijkagent", "Bram Kuipers", "Politie Eenheid Oost", (Role.PARTNER,)),
    DemoMember("procesmanager", "Anouk de Wit", "Zorg- en Veiligheidshuis Rivierland", (Role.PROCESMANAGER,)),
    DemoMember("procesmanager2", "Sander Vos", "Zorg- en Veiligheidshuis Rivierland", (Role.PROCESMANAGER,)),
    DemoMember("voorzitter", "Marieke Hoekstra", "Gemeente Waterdam", (Role.VOORZITTER, Role.PARTNER)),
    DemoMember("beheerder", "Ruben Smit", "Zorg- en Veiligheidshuis Rivierland", (Role.BEHEERDER,)),
    DemoMember("regisseur", "Fatima el Idrissi", "Gemeente Waterdam", (Role.PARTNER,)),
    DemoMember("reclassering", "Joost van Leeuwen", "Reclassering Nederland", (Role.PARTNER,)),
    DemoMember("ggz", "Lotte Bakker", "GGZ Rivierland", (Role.PARTNER,)),
    DemoMember("veiligthuis", "Iris Mulder", "Veilig Thuis Regio", (Role.PARTNER,)),
    DemoMember("woonstede", "Daan Peters", "Woonstede", (Role.PARTNER,)),
)


def has_data(uow: UnitOfWork) -> bool:
    return bool(uow.organisations.list_all())


def load_demo(
    uow: UnitOfWork, now: datetime, *, reminders: bool = True, meeting_reminders: bool = True
) -> str:
    """Fill an empty database; returns a fresh invite code (partner at the gemeente) to try /aanmelden.
    ``reminders=False`` leaves out the demo detention with its pending release alerts, and
    ``meeting_reminders=False`` the demo meetings' reminders (for tests that count outbox rows or move the
    clock days ahead and are about something else: the test harness)."""
    with uow:
        organisations = {name: uow.organisations.add(name, kind) for name, kind in ORGANISATIONS}
        members = {}
        for demo in MEMBERS:
            organisation_id = organisations[demo.organisation].id
            assert organisation_id is not None
            member = uow.members.add(demo.name, organisation_id, demo.roles, at=now)
            assert member.id is not None
            members[demo.handle] = member
            uow.identities.link(
                member.id, "console", demo.handle, display_name=demo.name, direct_chat_id=demo.handle, at=now
            )
        uow.groups.link("console", "triage-groep", "Triage Rivierland", "triage")
        gemeente_id = organisations["Gemeente Waterdam"].id
        assert gemeente_id is not None
        code, _ = create_invite(uow, gemeente_id, Role.PARTNER, now=now, note="demo")
        load_demo_cases(uow, members, now)
        load_demo_meetings(uow, members, now, reminders=meeting_reminders)
        load_demo_flows(uow, members, now)
        load_demo_groups(uow, members, now)
        if reminders:
            load_demo_detention(uow, members, now)
        uow.commit()
    return code
