"""What reaches the aanmelder of a signal about a person the network already works with: only that it was
received, and later a terugkoppeling in words an unknown person's signal can get too (docs/privacy.md
section 2; black-box finding: "Het gaat over iemand voor wie het netwerk al iets doet" and
"terugkoppeling: overgedragen aan een partner")."""

from __future__ import annotations

import re

import pytest

from tests.handlers.cases.cases_helpers import delivered_to, last_signal_id, submit_signal
from tests.handlers.signals.test_mutatie_feedback_time import FIRST_TRIAGE_END
from tests.harness import Chat

JAN = {"name": "Jan de Vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}
UNKNOWN = {"name": "Karel Onbekend", "birth_date": "01-02-1990", "description": "Fictief: overlast."}


def taken_up(signal_id: int) -> str:
    return (
        f"Terugkoppeling op je signaal S-{signal_id}: het Veiligheidshuis heeft het in behandeling genomen."
    )


def test_the_receipt_is_the_same_for_a_known_and_an_unknown_person(chat: Chat) -> None:
    known = submit_signal(chat, user="woonstede", **JAN)
    unknown = submit_signal(chat, user="woonstede", **UNKNOWN)
    assert re.sub(r"S-\d+", "S-?", known) == re.sub(r"S-\d+", "S-?", unknown)
    assert "netwerk" not in known and "VH-" not in known


@pytest.mark.parametrize("how", ["note", "partner"])
def test_the_terugkoppeling_on_a_mutatie_does_not_say_the_person_was_known(chat: Chat, how: str) -> None:
    chat.deliver()
    submit_signal(chat, user="woonstede", **JAN)
    chat.deliver()
    signal_id = last_signal_id(chat)
    if how == "note":
        chat.press("mutatie.note", str(signal_id), user="procesmanager")
    else:
        assert "overgedragen" in chat.say(f"/mutatie S-{signal_id} @regisseur", user="procesmanager")
    chat.clock.set(FIRST_TRIAGE_END)  # no sooner than a triage would tell (test_mutatie_feedback_time.py)
    assert taken_up(signal_id) in delivered_to(chat, "woonstede")


def test_a_mutatie_sent_to_triage_is_reported_once_triage_decides_in_the_same_words(chat: Chat) -> None:
    chat.deliver()
    submit_signal(chat, user="woonstede", **JAN)
    chat.deliver()
    signal_id = last_signal_id(chat)
    chat.press("mutatie.triage", str(signal_id), user="procesmanager")
    assert delivered_to(chat, "woonstede") == []  # "naar de volgende triage" would tell as much
    chat.press("triage.decide", f"{signal_id}:topx", user="procesmanager")
    assert delivered_to(chat, "woonstede") == [taken_up(signal_id)]
