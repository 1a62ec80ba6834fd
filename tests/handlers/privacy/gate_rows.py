"""The authorization matrix's table: every entry point of the router's registry x every kind of caller.

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

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


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
    # for whom the alert is (deelnemers, regie holders; every procesmanager only while procesregie is
    # unheld): the hidden case's procesregie is held, so the role alone must not open it
    "press release.pickup": Row(("{release}",)),
    "press release.trajectberaad": Row(("{case_id}",), role=PM),
    "press bestuur.ack": Row(("{escalation}",), role=frozenset({Caller.MANAGEMENT})),
    "press coderood.plan": Row(("{signal}",), role=PM, sees=PM),
    "press upload.source": Row(("politie",), role=PM, target=NO),
    "press upload.import": Row(("1",), role=PM, target=NO),
    "press upload.cancel": Row(("1",), role=PM, target=NO),
    "press poll.answer": Row(("{poll}:1:4",), sees=MEMBERS),
    # only a regie holder the chair's request was put to may answer it (nobody in the matrix was asked)
    "press overleg.agenda_allow": Row(("{meeting}:{case_id}",)),
    "press overleg.agenda_deny": Row(("{meeting}:{case_id}",)),
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
        # a chair's code of a case they may not see becomes a request to its regie holders, answered the
        # same as for an unknown code (tests/handlers/overleg/test_overleg_agenda_request.py)
        sees=CHAIRS,
    ),
    "form overleg.change": Row((form(meeting="{meeting}", op="cancel", scope="series", confirm="ja"),)),
    "form overleg.substitute": Row((form(meeting="{meeting}", substitute="@ggz"),)),
    # a file sent without a command
    "upload": Row(("lijst.csv",), target=NO),  # the handler refuses non-procesmanagers in its own words
}
# fmt: on
