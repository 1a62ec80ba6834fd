"""The hidden objects the authorization matrix points at (tests/handlers/privacy/gate_rows.py): one case held
by procesmanager2 alone, and something of every kind in it. No caller in the matrix is a deelnemer of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from storage.cases.tables import Action, RegieHandover, RegieKind, Signal, SignalStatus
from storage.meetings.tables import Meeting, MeetingKind
from storage.models import Role
from storage.network.escalation import Escalation
from storage.network.flows import InfoRequest
from storage.release.detention import Detention, DetentionKind
from storage.release.nazorg import UnexpectedRelease
from tests.harness import Chat

SECRET_NAME = "Xander Canarisma"  # fictional; the hidden case's betrokkene
SECRETS = (
    "Canarisma",
    "X.C.",
    "Fictief: matrix.",
    "PI Fictief",
)  # never typed by a caller: only a leak shows them


@dataclass
class World:
    ids: dict[str, str] = field(default_factory=dict)  # placeholder -> the hidden object's id or code

    def unknown(self) -> dict[str, str]:
        return {k: ("VH-2026-9999" if k == "case" else "999999") for k in self.ids}


def build_world(chat: Chat) -> World:
    now = chat.clock.now()
    today = now.date()
    world = World()
    with chat.app.uow() as uow:
        vhh = uow.members.by_handle("@procesmanager2")
        ggz = uow.members.by_handle("@ggz")
        woonstede = uow.members.by_handle("@woonstede")
        assert vhh is not None and vhh.id is not None and ggz is not None and woonstede is not None
        owner, org = vhh.id, vhh.organisation_id
        # extra caller kinds: a procesmanager without procesregie, a management contact, a revoked member
        for handle, roles in (("pm-zonder", [Role.PROCESMANAGER]), ("manager", [Role.MANAGEMENT])):
            added = uow.members.add(
                f"Fictief {handle}", woonstede.organisation_id if handle == "manager" else org, roles, at=now
            )
            assert added.id is not None
            uow.identities.link(
                added.id, "console", handle, display_name=handle, direct_chat_id=handle, at=now
            )
        revoked = uow.members.add("Fictief oud-lid", woonstede.organisation_id, [Role.PARTNER], at=now)
        assert revoked.id is not None
        uow.identities.link(
            revoked.id, "console", "oud-lid", display_name="oud", direct_chat_id="oud-lid", at=now
        )
        uow.members.revoke(revoked, now)

        case = uow.cases.open(track="topx", initials="X.C.", at=now, year=2026, opened_by=owner)
        assert case.id is not None
        uow.regie.assign(case.id, RegieKind.PROCESREGIE, owner, org, now)
        uow.cases.add_participant(case.id, now, member_id=owner, added_by=owner)
        uow.plan.add_subject(case, SECRET_NAME, None, None)

        def signal(status: str = SignalStatus.NEW, outcome: str | None = None, linked: bool = False) -> int:
            row = Signal(
                reporter_id=owner,
                gemeente="Waterdam",
                categories=["overlast"],
                urgency="normaal",
                description="Fictief: matrix.",
                created_at=now,
                status=status,
                outcome=outcome,
                case_id=case.id if linked else None,
                matched_case_id=case.id if linked else None,
            )
            added_signal = uow.signals.add(row, [("Yvo Canarisma", None)])
            assert added_signal.id is not None
            return added_signal.id

        new_signal = signal()
        mutatie = signal(SignalStatus.MUTATIE, linked=True)
        feedback = signal(SignalStatus.MUTATIE, outcome="partner", linked=True)
        action = uow.actions.add(
            Action(
                case_id=case.id,
                text="Fictief",
                owner_id=owner,
                deadline=today + timedelta(days=7),
                created_by=owner,
                created_at=now,
            )
        )
        detention = uow.detentions.add(
            Detention(
                case_id=case.id,
                facility="PI Fictief",
                kind=DetentionKind.GEVANGENISSTRAF,
                started_on=date(2026, 1, 5),
                release_on=today + timedelta(days=30),
                created_by=owner,
                created_at=now,
                updated_at=now,
            )
        )
        assert detention.id is not None
        uow.nazorg.create_checklist(detention.id, now)
        release = uow.nazorg.add_release(
            UnexpectedRelease(detention_id=detention.id, release_on=today, recorded_by=owner, recorded_at=now)
        )
        meeting = uow.meetings.add(
            Meeting(
                uid="matrix-hidden",
                kind=MeetingKind.MDO,
                start_at=now + timedelta(days=7),
                duration_minutes=60,
                place="Fictief",
                chair_id=owner,
                created_at=now,
                updated_at=now,
            )
        )
        handover = uow.regie.propose(
            RegieHandover(
                case_id=case.id,
                kind=RegieKind.CASUSREGIE,
                to_member_id=owner,
                proposed_by=owner,
                proposed_at=now,
            )
        )
        request = uow.info_requests.add(
            InfoRequest(
                asker_id=owner,
                organisation_id=org,
                query=SECRET_NAME,
                deadline=now + timedelta(hours=6),
                created_at=now,
            )
        )
        escalation = uow.escalations.add(
            Escalation(
                case_id=case.id,
                organisation_id=ggz.organisation_id,
                raised_by=owner,
                reason="Fictief",
                created_at=now,
            )
        )
        poll = uow.polls.start_round(now, now + timedelta(days=14))
        world.ids = {
            "case": case.code,
            "case_id": str(case.id),
            "signal": str(new_signal),
            "mutatie": str(mutatie),
            "feedback": str(feedback),
            "action": str(action.id),
            "detention": str(detention.id),
            "release": str(release.id),
            "meeting": str(meeting.id),
            "handover": str(handover.id),
            "info": str(request.id),
            "escalation": str(escalation.id),
            "poll": str(poll.id),
        }
        uow.commit()
    return world
