"""The authorization matrix: every entry point of the router's registry x every kind of caller.

Each entry point gets well-formed input that names an object of a "hidden" case (``VH-...`` held by
procesmanager2 alone: its case, a new signal, a mutatie, an action, a detention, an unexpected release, a
meeting, a regie handover, an informatieverzoek, an opschaling, a poll round). No caller in the matrix is
a deelnemer of it. The expected outcome of every cell follows from ONE declared table (``ROWS``):

- ``IDENTITY``: an unknown or revoked chat identity gets only the registration hint;
- ``ROLE``: the role may not use the entry point (the kernel's "not for your role" text);
- ``HIDDEN``: the gate refuses, and the answer is exactly the answer for an id that does not exist;
- ``PASSES``: the declared rule lets this caller through (e.g. every procesmanager sees the triage queue,
  every member may answer the poll): not run, as it would change the data the other cells read.

A registry entry without a row (or a row without an entry) fails ``test_every_entry_point_has_a_row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.core.i18n import Text
from bot.core.types import FileAttachment, Outgoing
from storage.cases.tables import Action, RegieHandover, RegieKind, Signal, SignalStatus
from storage.meetings.tables import Meeting, MeetingKind
from storage.models import Role
from storage.network.escalation import Escalation
from storage.network.flows import InfoRequest
from storage.release.detention import Detention, DetentionKind
from storage.release.nazorg import UnexpectedRelease
from tests.harness import Chat


class Caller(StrEnum):
    STRANGER = "onbekende"
    REVOKED = "oud-lid"
    PARTNER = "woonstede"  # a partner who is no deelnemer of any demo case
    PARTNER_DEELNEMER = "reclassering"  # a deelnemer of demo cases, not of the hidden one
    PM_WITHOUT_REGIE = "pm-zonder"  # a procesmanager holding procesregie nowhere
    PROCESREGIE = "procesmanager"  # holds procesregie on the demo cases
    VOORZITTER = "voorzitter"
    BEHEERDER = "beheerder"
    MANAGEMENT = "manager"


class Outcome(StrEnum):
    IDENTITY = "identity"
    ROLE = "role"
    HIDDEN = "hidden"
    PASSES = "passes"


MEMBERS = frozenset(Caller) - {Caller.STRANGER, Caller.REVOKED}
PM = frozenset({Caller.PM_WITHOUT_REGIE, Caller.PROCESREGIE})
CHAIRS = PM | {Caller.VOORZITTER}


@dataclass(frozen=True)
class Row:
    """One entry point: its input (placeholders name the hidden objects), which callers the role admits
    (``role``), which of those the target rule lets through (``sees``), and whether it has a target."""

    inputs: tuple[str | Mapping[str, str], ...]
    role: frozenset[Caller] = MEMBERS
    sees: frozenset[Caller] = frozenset()
    target: bool = True
    public: bool = False

    def expected(self, caller: Caller) -> Outcome:
        if caller in (Caller.STRANGER, Caller.REVOKED):
            return Outcome.PASSES if self.public else Outcome.IDENTITY
        if caller not in self.role:
            return Outcome.ROLE
        if not self.target or caller in self.sees:
            return Outcome.PASSES
        return Outcome.HIDDEN


def form(**values: str) -> Mapping[str, str]:
    return values


NO = False  # readability: target=NO
# fmt: off
ROWS: dict[str, Row] = {
    # commands (by name; aliases are the same entry)
    "/help": Row(("/help",), target=NO, public=True),
    "/aanmelden": Row(("/aanmelden 1234-5678",), target=NO, public=True),
    "/ik": Row(("/ik",), target=NO),
    "/taal": Row(("/taal nl",), target=NO),
    "/stop": Row(("/stop",), target=NO),
    "/signaal": Row(("/signaal",), target=NO),
    "/triage": Row(("/triage",), role=PM, target=NO),
    "/casus": Row(("/casus {case}", "/casus {case} log")),
    "/regie": Row(("/regie {case}", "/regie {case} historie", "/regie {case} overdragen @ggz")),
    "/actie": Row(("/actie klaar {action}", "/actie {case} Bellen @ggz 15-12-2026")),
    "/mijn": Row(("/mijn",), target=NO),
    "/detentie": Row(("/detentie {case}", "/detentie {case} vrij")),
    "/huisverbod": Row(("/huisverbod {case}", "/huisverbod {case} verlengd")),
    "/afwezig": Row(("/afwezig",), target=NO),
    "/overleg": Row(("/overleg {meeting}", "/overleg {meeting} ja", "/overleg {meeting} afzeggen")),
    "/rapport": Row(("/rapport",), role=PM | {Caller.BEHEERDER}, target=NO),
    "/mutatie": Row(("/mutatie S-{mutatie} @ggz",), role=PM),
    "/info": Row(("/info Pieter Fictief",), target=NO),
    "/nazorg": Row(("/nazorg {case}", "/nazorg {case} id geregeld")),
    "/scenario": Row(("/scenario {case}", "/scenario {case} Bel de wijkagent.")),
    "/opschalen": Row(("/opschalen {case} bestuur GGZ Rivierland levert niet",), role=PM),
    "/import": Row(("/import",), role=PM, target=NO),
    "/peiling": Row(("/peiling Fictieve opmerking",), target=NO),
    # button presses
    "press regie.accept": Row(("{handover}",)),
    "press regie.decline": Row(("{handover}",)),
    "press triage.decide": Row(("{signal}:afgewezen", "{signal}:topx"), role=PM, sees=PM),
    "press stale.action": Row(("{case}",)),
    "press stale.mdo": Row(("{case}",), role=CHAIRS),
    "press overleg.rsvp": Row(("{meeting}:ja", "{meeting}:vervanger")),
    "press mutatie.note": Row(("{mutatie}",)),
    "press mutatie.triage": Row(("{mutatie}",)),
    "press mutatie.partner": Row(("{mutatie}",)),
    "press mutatie.handto": Row(("{mutatie}:1",)),
    "press mutatie.feedback": Row(("{feedback}",)),
    "press info.known": Row(("{info}",), role=PM, sees=PM),
    "press info.unknown": Row(("{info}",), role=PM, sees=PM),
    "press nazorg.tick": Row(("{detention}:id",)),
    "press release.pickup": Row(("{release}",), sees=PM),
    "press release.trajectberaad": Row(("{case_id}",), role=PM),
    "press bestuur.ack": Row(("{escalation}",), role=frozenset({Caller.MANAGEMENT})),
    "press coderood.plan": Row(("{signal}",), role=PM, sees=PM),
    "press upload.source": Row(("politie",), role=PM, target=NO),
    "press upload.import": Row(("1",), role=PM, target=NO),
    "press upload.cancel": Row(("1",), role=PM, target=NO),
    "press poll.answer": Row(("{poll}:1:4",), sees=MEMBERS),
    # whole forms (a Slack modal, a JSONL "form" line)
    "form signaal.new": Row((form(name="Fictief Persoon", gemeente="Waterdam"),), target=NO),
    "form aanmelden.name": Row((form(name="Fictief Persoon"),), target=NO),
    "form ik.naam": Row((form(name="Fictief Persoon"),), target=NO),
    "form triage.reason": Row((form(signal="{signal}", outcome="topx", reason="x"),), role=PM),
    "form casus.person": Row((form(case="{case}", name="Fictief Persoon"),)),
    "form casus.person_hg": Row((form(case="{case}", name="Fictief Persoon"),)),
    "form overleg.plan": Row(
        (form(kind="mdo", start="10-12-2026 10:00", duration="60", place="Stadhuis", cases="{case}",
              recurrence="none"),),
        role=CHAIRS,
        # issue 17 item 6: a chair may put any open case on the agenda (and becomes a deelnemer, audited)
        sees=CHAIRS,
    ),
    "form overleg.change": Row((form(meeting="{meeting}", op="cancel", scope="series", confirm="ja"),)),
    "form overleg.substitute": Row((form(meeting="{meeting}", substitute="@ggz"),)),
    # a file sent without a command
    "upload": Row(("lijst.csv",), target=NO),  # the handler refuses non-procesmanagers in its own words
}
# fmt: on

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


def entries(chat: Chat) -> set[str]:
    router = chat.app.router
    names = {f"/{command.name}" for command in router.commands.values()}
    names |= {f"press {action}" for action in router.actions}
    names |= {f"form {form_id}" for form_id in router.forms.forms}
    return names | ({"upload"} if router.upload is not None else set())


def test_every_entry_point_has_a_row(sqlite_chat: Chat):
    registry = entries(sqlite_chat)
    assert sorted(registry - set(ROWS)) == [], "entry points without a row in the matrix"
    assert sorted(set(ROWS) - registry) == [], "rows for entry points that no longer exist"


def fill(template: str | Mapping[str, str], ids: Mapping[str, str]) -> str | dict[str, str]:
    if isinstance(template, str):
        return template.format(**ids)
    return {k: v.format(**ids) for k, v in template.items()}


def send(chat: Chat, entry: str, filled: str | dict[str, str], user: str) -> list[Outgoing]:
    if isinstance(filled, dict):
        return chat.submit(entry.removeprefix("form "), filled, user=user)
    if entry.startswith("press "):
        return chat.press(entry.removeprefix("press "), filled, user=user)
    if entry == "upload":
        file = FileAttachment(filled, b"naam;geboortedatum\n", "text/csv")
        return chat.app.router.handle(chat.incoming(user=user, file=file))
    return chat.app.router.handle(chat.incoming(user=user, text=filled))


def seen(replies: list[Outgoing]) -> list[tuple[str, tuple[str, ...]]]:
    """What the caller sees: each reply's text and any per-field form errors."""
    return [(m.text, tuple(sorted((m.form.errors if m.form else {}).values()))) for m in replies]


def without(shown: list[tuple[str, tuple[str, ...]]], real: Mapping[str, str], unknown: Mapping[str, str]):
    def swap(text: str) -> str:
        for key, value in real.items():
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", unknown[key], text)
        return text

    return [(swap(text), tuple(swap(e) for e in errors)) for text, errors in shown]


def cells() -> Iterator[tuple[str, Caller]]:
    for entry in ROWS:
        for caller in Caller:
            yield entry, caller


def role_text(chat: Chat, entry: str, filled: str | dict[str, str]) -> str:
    if entry.startswith("/"):
        command = str(filled).split()[0].removeprefix("/")
        key, params = "core.not_allowed", {"command": command}
    elif entry.startswith("press "):
        key, params = "core.not_allowed_button", {}
    elif entry.startswith("form "):
        key, params = "core.not_allowed_form", {}
    else:
        key, params = "core.not_allowed_upload", {}
    return chat.app.catalogue.render(Text(key, params), "nl")


def test_the_matrix_refuses_alike_and_never_reveals_the_hidden_case(chat: Chat):
    world = build_world(chat)
    unknown = world.unknown()
    identity = chat.app.catalogue.render(Text("core.unknown_identity", {}), "nl")
    failures: list[str] = []
    run = 0
    for entry, caller in cells():
        row = ROWS[entry]
        expected = row.expected(caller)
        if expected == Outcome.PASSES:
            continue
        run += 1
        for template in row.inputs:
            filled = fill(template, world.ids)
            replies = send(chat, entry, filled, caller.value)
            texts = [m.text for m in replies]
            where = f"{entry} as {caller.name} ({expected}) with {filled!r}: {texts}"
            if any(secret in t for t in texts for secret in SECRETS):
                failures.append(f"reveals the hidden case: {where}")
            if expected == Outcome.IDENTITY and texts != [identity]:
                failures.append(f"not the registration hint: {where}")
            elif expected == Outcome.ROLE and texts != [role_text(chat, entry, filled)]:
                failures.append(f"not the role refusal: {where}")
            elif expected == Outcome.HIDDEN:
                if not replies or not all(m.refused or (m.form and m.form.errors) for m in replies):
                    failures.append(f"not refused: {where}")
                control = send(chat, entry, fill(template, unknown), caller.value)
                if without(seen(replies), world.ids, unknown) != seen(control):
                    failures.append(f"differs from an unknown id ({[m.text for m in control]}): {where}")
    assert failures == [], "\n".join(failures)
    total = len(ROWS) * len(Caller)
    assert run >= total // 2  # most cells are refusals; the rest are declared PASSES
    print(f"matrix: {total} cells ({len(ROWS)} entry points x {len(Caller)} callers), {run} run")
