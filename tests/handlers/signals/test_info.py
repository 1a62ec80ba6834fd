"""Informatieverzoek: routed to procesmanagers with a deadline; the asker learns only known / not known."""

from datetime import timedelta

from storage.network.flows import InfoRequest
from tests.harness import Chat


def _pm_texts(chat: Chat) -> list[str]:
    return [m.text for m in chat.deliver() if m.user_id in ("procesmanager", "procesmanager2")]


def _pressed(chat: Chat, value: str, user: str) -> str:
    return "\n".join(o.text for o in chat.press("info.known", value, user=user))


def test_request_goes_to_every_procesmanager_with_the_default_deadline_and_the_lookup(chat: Chat):
    chat.deliver()
    reply = chat.say("/info Jan de Vries", user="woonstede")
    assert "I-2" in reply and "26-11-2026 17:00" in reply
    sent = [m for m in chat.deliver() if "Informatieverzoek I-2" in m.text]
    assert sorted(m.user_id or "" for m in sent) == ["procesmanager", "procesmanager2"]
    # need-to-know (issue 16): only a deelnemer of the case hears its code; procesmanager2 is none
    by_member = {m.user_id: m.text for m in sent}
    assert "Bekend in: VH-2026-0001" in by_member["procesmanager"]
    assert "VH-2026" not in by_member["procesmanager2"]
    assert [b.id for b in sent[0].buttons] == ["info.known", "info.unknown"]


def test_the_asker_who_may_not_see_the_case_learns_only_known_and_whom_to_call(chat: Chat):
    chat.deliver()
    # Woonstede is no deelnemer of VH-2026-0001
    asked = chat.say("/info jan de vries 15:00", user="woonstede")
    chat.deliver()
    answered = "\n".join(o.text for o in chat.press("info.known", "2", user="procesmanager"))
    assert "naar de vrager gestuurd" in answered
    to_asker = [m.text for m in chat.deliver() if m.user_id == "woonstede"]
    assert to_asker == [
        "Antwoord op I-2 ('jan de vries'): bekend bij het Veiligheidshuis, neem contact op met "
        "Anouk de Wit (Zorg- en Veiligheidshuis Rivierland, @procesmanager)."
    ]
    everything = asked + "\n".join(to_asker)
    for secret in ("VH-2026", "J.d.V.", "Woonplek", "Schuldhulp", "topx", "actief", "Fatima", "GGZ"):
        assert secret not in everything


def test_not_known_and_the_answer_goes_to_the_asker_only_once(chat: Chat):
    chat.deliver()
    chat.say("/info Pieter Fictief", user="wijkagent")
    assert any("Geen open casus gevonden" in text for text in _pm_texts(chat))
    chat.press("info.unknown", "2", user="procesmanager2")
    second = "\n".join(o.text for o in chat.press("info.known", "2", user="procesmanager"))
    assert "al beantwoord" in second
    sent = chat.deliver()
    assert [(m.user_id, m.text) for m in sent] == [
        ("wijkagent", "Antwoord op I-2 ('Pieter Fictief'): niet bekend bij het Veiligheidshuis.")
    ]
    with chat.app.uow() as uow:
        request = uow.session.get(InfoRequest, 2)
        assert request is not None and request.answer == "unknown" and request.status == "answered"


def test_unanswered_request_is_escalated_one_hour_before_the_deadline(chat: Chat):
    chat.deliver()
    chat.say("/info Jan de Vries 14:00", user="wijkagent")
    chat.deliver()
    chat.clock.advance(timedelta(hours=2, minutes=59))  # 12:59 local: not yet
    assert [t for t in _pm_texts(chat) if "NOG OPEN" in t] == []
    chat.clock.advance(timedelta(minutes=1))  # 13:00 local
    escalated = [t for t in _pm_texts(chat) if "NOG OPEN: informatieverzoek I-2" in t]
    assert len(escalated) == 2


def test_an_answer_cancels_the_escalation(chat: Chat):
    chat.deliver()
    chat.say("/info Jan de Vries", user="wijkagent")
    chat.press("info.unknown", "2", user="procesmanager")
    chat.deliver()
    chat.clock.advance(timedelta(hours=8))
    assert [t for t in _pm_texts(chat) if "NOG OPEN" in t] == []


def test_bad_inputs_are_refused_and_write_nothing(chat: Chat):
    assert "verleden" in chat.say("/info Jan de Vries 26-11-2026 08:00", user="wijkagent")
    assert "Gebruik: /info" in chat.say("/info 12345", user="wijkagent")
    assert "I-2 is doorgezet" in chat.say("/info VH-2026-0001", user="wijkagent")  # a case code is fine
    assert "niet voor jouw rol" in _pressed(chat, "2", "wijkagent")
    assert "I-7 niet gevonden" in _pressed(chat, "7", "procesmanager")
    with chat.app.uow() as uow:
        assert uow.session.get(InfoRequest, 3) is None
        assert uow.info_requests.count_per_organisation(
            chat.clock.now() - timedelta(days=1), chat.clock.now() + timedelta(days=1)
        ) == {1: 2}  # the demo's open request and this one, both from the politie


def test_a_deadline_that_is_no_time_is_refused_not_read_as_part_of_the_name(chat: Chat):
    """Issue 17: ``/info Jan de Vries 99:99`` asked about "Jan de Vries 99:99" by 17:00."""
    refused = chat.say("/info Jan de Vries 99:99", user="wijkagent")
    assert refused.startswith("Ik begrijp de tijd '99:99' niet.")
    assert "er is niets verstuurd" in refused and "Gebruik: /info <naam of casuscode> [deadline]" in refused
    impossible = chat.say("/info Jan de Vries 31-02-2026 10:00", user="wijkagent")  # not "Jan ... 31-02-2026"
    assert "De datum '31-02-2026 10:00' bestaat niet" in impossible and "niets verstuurd" in impossible
    assert "'25:00'" in chat.say("/info Jan de Vries morgen 25:00", user="wijkagent")
    assert "'01-12-2026'" in chat.say("/info Jan de Vries 01-12-2026", user="wijkagent")  # no time
    with chat.app.uow() as uow:
        assert uow.session.get(InfoRequest, 2) is None  # nothing was asked
    chat.say("/taal en", user="wijkagent")
    english = chat.say("/info Jan de Vries 99:99", user="wijkagent")
    assert "nothing was sent" in english and "Usage: /info" in english
    # a name with a number that is no time or date stays a name
    assert "I-2" in chat.say("/info Jan de Vries 3", user="woonstede")
    with chat.app.uow() as uow:
        asked = uow.session.get(InfoRequest, 2)
        assert asked is not None and asked.query == "Jan de Vries 3"


def test_after_office_hours_the_default_deadline_is_the_next_working_day(chat: Chat):
    chat.clock.advance(timedelta(days=1, hours=7))  # Friday 17:00 local
    assert "30-11-2026 17:00" in chat.say("/info Jan de Vries", user="wijkagent")
