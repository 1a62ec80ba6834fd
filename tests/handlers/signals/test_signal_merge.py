"""Issue 16, finding 2: signals are never merged silently. Only the same submission sent twice (a double
tap) is one signal; two reports that differ in anything are two signals, each with its own acute alert."""

from tests.handlers.cases.cases_helpers import signals, submit_signal
from tests.harness import Chat

DESCRIPTION = "Fictief: harde ruzie gehoord, een kind huilde lang."
ACUTE = {"urgency": "acuut", "categories": "huiselijk_geweld", "description": DESCRIPTION}


def refs(reply: str) -> str:
    return reply.split("referentie ")[1].split(".")[0]


def test_same_description_for_another_person_is_a_signal_of_its_own_with_its_acute_alert(chat: Chat):
    chat.deliver()
    before = len(signals(chat))
    first = submit_signal(chat, name="Eva Smit", description=DESCRIPTION)
    second = submit_signal(chat, name="Noor Bakker", **ACUTE)
    assert refs(first) != refs(second)
    assert len(signals(chat)) == before + 2
    assert "alle procesmanagers zijn direct gewaarschuwd" in second
    alerts = [m for m in chat.deliver() if "ACUUT signaal" in m.text]
    assert sorted(m.user_id or "" for m in alerts) == ["procesmanager", "procesmanager2"]
    assert all("N.B." in m.text and "Code rood" in m.text for m in alerts)


def test_a_change_of_urgency_alone_is_a_new_signal_and_alerts(chat: Chat):
    chat.deliver()
    before = len(signals(chat))
    submit_signal(chat, categories="huiselijk_geweld", description=DESCRIPTION)
    second = submit_signal(chat, **ACUTE)
    assert len(signals(chat)) == before + 2
    assert "alle procesmanagers zijn direct gewaarschuwd" in second
    assert len([m for m in chat.deliver() if "Code rood" in m.text]) == 2


def test_an_acute_double_tap_is_one_signal_and_one_alert_per_procesmanager(chat: Chat):
    chat.deliver()
    before = len(signals(chat))
    first = submit_signal(chat, **ACUTE)
    second = submit_signal(chat, **ACUTE)
    assert refs(first) == refs(second)
    assert len(signals(chat)) == before + 1
    alerts = [m for m in chat.deliver() if "ACUUT signaal" in m.text]
    assert sorted(m.user_id or "" for m in alerts) == ["procesmanager", "procesmanager2"]


def test_another_birth_date_or_household_member_is_a_new_signal(chat: Chat):
    before = len(signals(chat))
    submit_signal(chat, birth_date="01-02-1990")
    submit_signal(chat, birth_date="02-02-1990")
    submit_signal(chat, birth_date="02-02-1990", others="Tim Smit")
    submit_signal(chat, birth_date="02-02-1990", others="Tim Smit")  # the double tap of the previous one
    assert len(signals(chat)) == before + 3
