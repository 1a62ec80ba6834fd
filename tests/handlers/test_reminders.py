"""Reminders of the capabilities, end to end through the console harness: action deadlines (a reminder on
the deadline morning, an escalation to procesregie two working days later) and /mijn herinneringen."""

from datetime import UTC, datetime

from tests.handlers.cases_helpers import delivered_to
from tests.harness import Chat

FRIDAY_0900 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
TUESDAY_0900 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # two working days after Friday


def add_action(chat: Chat, deadline: str = "27-11-2026") -> str:
    reply = chat.say(f"/actie VH-2026-0001 Huisarts bellen @ggz {deadline}", user="procesmanager")
    assert reply.startswith("Actie #"), reply
    return reply.split()[1].lstrip("#")


def test_the_owner_is_reminded_on_the_deadline_morning_and_procesregie_two_working_days_later(chat: Chat):
    action = add_action(chat)
    chat.deliver()  # the "new action" message
    assert chat.deliver() == []
    chat.clock.set(FRIDAY_0900)
    assert delivered_to(chat, "ggz") == [
        f"Herinnering: actie #{action} in casus VH-2026-0001 moet vandaag klaar zijn (27-11-2026):"
        f" Huisarts bellen. Klaar? Typ /actie klaar {action}."
    ]
    chat.clock.set(TUESDAY_0900)
    sent = chat.deliver()
    assert [(m.user_id, m.text) for m in sent] == [
        (
            "procesmanager",
            f"Escalatie: actie #{action} in casus VH-2026-0001 (Huisarts bellen) van Lotte Bakker is twee"
            " werkdagen over de deadline van 27-11-2026 en nog niet afgerond.",
        )
    ]


def test_an_action_done_in_time_is_neither_reminded_nor_escalated(chat: Chat):
    action = add_action(chat)
    chat.deliver()
    assert "is afgerond" in chat.say(f"/actie klaar {action}", user="ggz")
    chat.clock.set(FRIDAY_0900)
    assert chat.deliver() == []
    chat.clock.set(TUESDAY_0900)
    assert chat.deliver() == []


def test_mijn_herinneringen_lists_what_is_coming_for_me(chat: Chat):
    assert chat.say("/mijn herinneringen", user="ggz") == "Je hebt geen komende herinneringen."
    add_action(chat, "04-12-2026")
    reply = chat.say("/mijn herinneringen", user="ggz")
    assert reply.splitlines()[0] == "Jouw komende herinneringen (1):"
    assert reply.splitlines()[1].startswith("- 04-12-2026 09:00: Herinnering: actie #")
    escalation = chat.say("/mine reminders", user="procesmanager")
    assert "08-12-2026 09:00: Escalatie: actie #" in escalation  # Friday + 2 working days
    assert "Gebruik: /mijn of /mijn herinneringen" in chat.say("/mijn iets", user="ggz")
