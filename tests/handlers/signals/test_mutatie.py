"""Mutaties: a signal about a subject of an open case goes to its regie at once, not to the triage queue."""

from sqlmodel import col, select, update

from storage.cases.tables import CaseEvent, RegieAssignment, RegieKind, Signal
from tests.handlers.cases.cases_helpers import delivered_to, last_signal_id, submit_signal
from tests.handlers.signals.test_mutatie_feedback_time import FIRST_TRIAGE_END
from tests.harness import Chat

JAN = {"name": "jan DE  vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}


def _events(chat: Chat) -> list[CaseEvent]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(CaseEvent).order_by(CaseEvent.id)).all())  # type: ignore[arg-type]


def test_a_known_person_becomes_a_mutatie_for_regie_and_not_a_queue_item(chat: Chat):
    chat.deliver()
    reply = submit_signal(chat, user="woonstede", **JAN)
    assert "ontvangen" in reply and "VH-" not in reply  # the aanmelder learns nothing of the case
    sent = chat.deliver()
    to_pm = [m for m in sent if m.user_id == "procesmanager" and "Mutatie op VH-2026-0001" in m.text]
    to_casus = [m for m in sent if m.user_id == "regisseur" and "Mutatie op VH-2026-0001" in m.text]
    assert len(to_pm) == 1 and len(to_casus) == 1
    assert [b.id for b in to_pm[0].buttons] == ["mutatie.note", "mutatie.partner", "mutatie.triage"]
    assert to_casus[0].buttons == []
    assert not [m for m in sent if m.user_id == "woonstede"]
    signal_id = last_signal_id(chat)
    assert f"S-{signal_id}" not in chat.say("/triage", user="procesmanager")
    timeline = chat.say("/casus VH-2026-0001", user="procesmanager")
    assert f"mutatie: nieuw signaal S-{signal_id}" in timeline


def test_note_only_is_recorded_once_and_only_procesregie_may_choose(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = str(last_signal_id(chat))
    refused = "\n".join(o.text for o in chat.press("mutatie.note", signal_id, user="regisseur"))
    assert "Alleen wie de procesregie" in refused
    first = "\n".join(o.text for o in chat.press("mutatie.note", signal_id, user="procesmanager"))
    assert "genoteerd in de tijdlijn van VH-2026-0001" in first
    again = "\n".join(o.text for o in chat.press("mutatie.triage", signal_id, user="procesmanager"))
    assert "al besloten" in again
    assert "alleen genoteerd" in chat.say("/casus VH-2026-0001", user="procesmanager")


def test_bring_to_triage_puts_it_in_the_queue_as_possibly_known(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = last_signal_id(chat)
    chat.press("mutatie.triage", str(signal_id), user="procesmanager")
    queue = chat.say("/triage", user="procesmanager")
    item = next(part for part in queue.split("\nS-") if part.startswith(f"{signal_id} "))
    assert "Mogelijk bekend: VH-2026-0001" in item


def test_hand_to_a_partner_who_reports_back(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = last_signal_id(chat)
    chat.deliver()
    (picker,) = chat.press("mutatie.partner", str(signal_id), user="procesmanager")
    assert "Kies een deelnemer van VH-2026-0001" in picker.text  # a member picker, not "type /mutatie ..."
    names = [b.label for b in picker.buttons]
    assert "Joost van Leeuwen" in names and "Anouk de Wit" not in names  # deelnemers, not the presser
    outsider = chat.say(f"/mutatie S-{signal_id} @woonstede", user="procesmanager")
    assert "geen deelnemer van VH-2026-0001" in outsider
    joost = next(b for b in picker.buttons if b.label == "Joost van Leeuwen")
    ok = "\n".join(o.text for o in chat.press(joost.id, joost.value, user="procesmanager"))
    assert "overgedragen aan Joost van Leeuwen" in ok
    handed = [m for m in chat.deliver() if m.user_id == "reclassering"]
    assert len(handed) == 1 and "Fictief: weer overlast bij Jan." in handed[0].text
    assert [b.id for b in handed[0].buttons] == ["mutatie.feedback"]
    other = chat.press("mutatie.feedback", str(signal_id), user="wijkagent")  # a deelnemer, not the partner
    assert "niet gevonden" in "\n".join(o.text for o in other)
    chat.press("mutatie.feedback", str(signal_id), user="reclassering")
    chat.press("mutatie.feedback", str(signal_id), user="reclassering")  # a double tap: told once
    assert delivered_to(chat, "procesmanager") == [
        f"Joost van Leeuwen heeft teruggekoppeld op mutatie S-{signal_id} (VH-2026-0001)."
    ]
    kinds = [e.kind for e in _events(chat) if e.params.get("signal") == f"S-{signal_id}"]
    assert kinds == ["mutatie", "mutatie_handled", "mutatie_feedback"]


def test_an_outsider_cannot_press_feedback_or_choose(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = str(last_signal_id(chat))
    feedback = chat.press("mutatie.feedback", signal_id, user="woonstede")
    assert "niet gevonden" in "\n".join(o.text for o in feedback)
    choose = "\n".join(o.text for o in chat.press("mutatie.note", signal_id, user="woonstede"))
    assert "niet gevonden" in choose and "VH-" not in choose  # issue 16: a non-deelnemer learns no case
    with chat.app.uow() as uow:
        signal = uow.session.get(Signal, int(signal_id))
        assert signal is not None and signal.status == "mutatie" and signal.outcome is None


def _drop_procesregie(chat: Chat, code: str = "VH-2026-0001") -> None:
    with chat.app.uow() as uow:
        case = uow.cases.by_code(code)
        assert case is not None
        uow.session.execute(
            update(RegieAssignment)
            .where(
                col(RegieAssignment.case_id) == case.id,
                col(RegieAssignment.kind) == RegieKind.PROCESREGIE,
                col(RegieAssignment.to_at).is_(None),
            )
            .values(to_at=chat.clock.now())
        )
        uow.commit()


def test_a_mutatie_on_a_case_without_procesregie_goes_to_every_procesmanager_who_can_handle_it(chat: Chat):
    _drop_procesregie(chat)
    chat.deliver()
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = last_signal_id(chat)
    sent = [m for m in chat.deliver() if "Mutatie op VH-2026-0001" in m.text]
    with_buttons = sorted(str(m.user_id) for m in sent if m.buttons)
    assert with_buttons == ["procesmanager", "procesmanager2"]
    assert all("geen procesregie" in m.text for m in sent if m.buttons)
    casus = [m for m in sent if m.user_id == "regisseur"]
    assert len(casus) == 1 and casus[0].buttons == []
    refused = "\n".join(o.text for o in chat.press("mutatie.note", str(signal_id), user="regisseur"))
    assert "Alleen wie de procesregie" in refused
    first = "\n".join(o.text for o in chat.press("mutatie.note", str(signal_id), user="procesmanager2"))
    assert "genoteerd in de tijdlijn van VH-2026-0001" in first
    late = "\n".join(o.text for o in chat.press("mutatie.note", str(signal_id), user="procesmanager"))
    assert "al besloten" in late


def test_the_aanmelder_of_a_mutatie_hears_what_happened_and_not_the_case(chat: Chat):
    chat.deliver()
    reply = submit_signal(chat, user="woonstede", **JAN)
    assert "uitkomst van de triage" in reply and "VH-" not in reply  # the receipt of any signal
    chat.deliver()
    signal_id = last_signal_id(chat)
    chat.press("mutatie.note", str(signal_id), user="procesmanager")
    chat.clock.set(FIRST_TRIAGE_END)  # no sooner than a triage would tell (test_mutatie_feedback_time.py)
    feedback = [text for text in delivered_to(chat, "woonstede") if "Terugkoppeling" in text]
    assert len(feedback) == 1 and f"Terugkoppeling op je signaal S-{signal_id}" in feedback[0]
    assert "in behandeling genomen" in feedback[0] and "genoteerd" not in feedback[0]
    assert "VH-" not in feedback[0]
    assert "lopende casus" not in feedback[0]  # nor that the person is known (docs/privacy.md)


def test_an_acute_mutatie_does_not_send_procesmanagers_to_the_triage_queue(chat: Chat):
    chat.deliver()
    submit_signal(chat, user="woonstede", urgency="acuut", **JAN)
    alerts = [m.text for m in chat.deliver() if m.user_id == "procesmanager2" and "ACUUT" in m.text]
    assert len(alerts) == 1 and "/triage" not in alerts[0] and "lopende casus" in alerts[0]
