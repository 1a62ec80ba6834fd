"""Black-box finding: a closed case still took writes (``/actie klaar``, the mutatie buttons, ``/mutatie S-x
@handle``). Every writer of case data goes through ``handlers.casework.require_open``: a command, a press and
a whole form on a closed case are refused with the way to reopen it, and nothing reaches the case. A mutatie
on a closed case may still go to triage, where it is judged as a new signal."""

from __future__ import annotations

from sqlmodel import select

from storage.cases.tables import Action, CaseEvent
from storage.models import Role
from storage.network.escalation import Escalation
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.handlers.network.network_helpers import add_member
from tests.harness import Chat

CODE = "VH-2026-0001"
REFUSAL = f"Casus {CODE} is gesloten; heropen de casus eerst met /casus {CODE} heropenen REDEN"
JAN = {"name": "Jan de Vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}


def texts(replies: list) -> str:  # type: ignore[type-arg]
    return "\n".join(r.text for r in replies)


def case_events(chat: Chat) -> list[tuple[str, dict[str, str]]]:
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None
        rows = uow.session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        return [(e.kind, dict(e.params)) for e in rows]


def close(chat: Chat) -> None:
    assert "afgeschaald" in chat.say(f"/casus {CODE} afschalen stabiel", user="procesmanager")
    assert "gesloten" in chat.say(f"/casus {CODE} sluiten doelen bereikt", user="procesmanager")


def test_commands_presses_and_forms_on_a_closed_case_are_refused_and_write_nothing(chat: Chat) -> None:
    submit_signal(chat, user="woonstede", **JAN)  # Jan is known in VH-2026-0001: a mutatie for its regie
    ref = f"S-{last_signal_id(chat)}"
    signal_id = ref.removeprefix("S-")
    opened = chat.send(f"/casus {CODE} persoon toevoegen", user="procesmanager")  # a follow-up form: open
    assert any(m.form is not None and m.form.form_id == "casus.person" for m in opened), texts(opened)
    close(chat)
    before = case_events(chat)
    # a whole form (a Slack modal, a JSONL form line), opened before the case closed
    person = chat.submit("casus.person", {"case": CODE, "name": "Els de Vries"}, user="procesmanager")
    assert texts(person).startswith(REFUSAL)
    mutatie_refusal = (
        f"Casus {CODE} is gesloten: mutatie {ref} kan er niet meer op. Heropen de casus met "
        f"/casus {CODE} heropenen REDEN"
    )
    # commands
    assert texts(chat.send("/actie klaar 1", user="regisseur")).startswith(REFUSAL)
    assert texts(chat.send(f"/actie {CODE} Woning bezoeken @regisseur 10-12-2026")).startswith(REFUSAL)
    assert texts(chat.send(f"/regie {CODE} overdragen @ggz", user="procesmanager")).startswith(REFUSAL)
    for verb in ("opschalen nieuwe zorgen", "afschalen", "sluiten nogmaals"):
        assert texts(chat.send(f"/casus {CODE} {verb}", user="procesmanager")).startswith(REFUSAL), verb
    handed = texts(chat.send(f"/mutatie {ref} @wijkagent", user="procesmanager"))
    assert handed.startswith(mutatie_refusal) and "'Naar triage'" in handed
    # presses
    for action, value in (
        ("mutatie.note", signal_id),
        ("mutatie.partner", signal_id),
        ("mutatie.handto", f"{signal_id}:3"),
    ):
        assert texts(chat.press(action, value, user="procesmanager")).startswith(mutatie_refusal), action
    assert case_events(chat) == before
    with chat.app.uow() as uow:
        first = uow.session.get(Action, 1)
        assert first is not None and first.done_at is None
    # the way out for the mutatie: triage, as a new signal; still nothing on the closed case
    to_triage = texts(chat.press("mutatie.triage", signal_id, user="procesmanager"))
    assert "staat in de triagewachtrij" in to_triage
    assert f"{ref} " in chat.say("/triage", user="procesmanager")
    assert case_events(chat) == before


def test_a_partner_cannot_report_back_on_a_mutatie_of_a_closed_case(chat: Chat) -> None:
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = str(last_signal_id(chat))
    assert "overgedragen" in chat.say(f"/mutatie S-{signal_id} @reclassering", user="procesmanager")
    close(chat)
    before = case_events(chat)
    assert texts(chat.press("mutatie.feedback", signal_id, user="reclassering")).startswith(REFUSAL)
    assert case_events(chat) == before


def test_a_release_pickup_and_an_escalation_ack_on_a_closed_case_are_refused(chat: Chat) -> None:
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    pm = chat.as_member("procesmanager")
    pm.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland")
    chat.say(f"/detentie {CODE} vrij", user="reclassering")
    alarms = [m for m in chat.deliver() if m.text.startswith("ONVERWACHTE VRIJLATING")]
    [pickup] = alarms[0].buttons
    pm.say(f"/opschalen {CODE} bestuur GGZ Rivierland levert al drie weken geen behandelplan")
    with chat.app.uow() as uow:
        (escalation,) = uow.session.exec(select(Escalation)).all()
    close(chat)
    before = case_events(chat)
    assert texts(chat.press(pickup.id, pickup.value, user="regisseur")).startswith(REFUSAL)
    assert texts(chat.press("bestuur.ack", str(escalation.id), user="ggz-manager")).startswith(REFUSAL)
    assert case_events(chat) == before
    with chat.app.uow() as uow:
        assert uow.session.get(Escalation, escalation.id).acknowledged_at is None  # type: ignore[union-attr]


def test_closing_an_active_case_says_to_scale_it_down_first(chat: Chat) -> None:
    refused = chat.say(f"/casus {CODE} sluiten doelen bereikt", user="procesmanager")
    assert refused == (
        f"Casus {CODE} is actief; 'sluiten' kan nu niet. Schaal de casus eerst af met "
        f"/casus {CODE} afschalen REDEN, en sluit hem daarna met /casus {CODE} sluiten REDEN."
    )
