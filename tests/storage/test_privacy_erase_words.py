"""After an erase the timeline still reads: only personal values become ``[verwijderd]``; choices shown as
words (a huisverbod decision), refs and dates stay (black-box finding: "huisverbod:
huisverbod.decision.[verwijderd]", "vrijlatingsdatum gewijzigd: [verwijderd] → [verwijderd]")."""

from __future__ import annotations

from storage.cases.tables import EVENT_KEY_PARAMS
from storage.privacy.copies import SAFE_EVENT_PARAMS, blank_event_params
from storage.privacy.retention import REMOVED, erase_subject
from tests.harness import Chat
from tests.storage.test_privacy_copies import CODE, jan


def test_an_erased_timeline_keeps_its_choices_and_dates_readable(chat: Chat) -> None:
    pm = "procesmanager"
    assert chat.say(f"/huisverbod {CODE} 24-11-2026", user=pm).startswith("Huisverbod vastgelegd")
    assert chat.say(f"/huisverbod {CODE} verlengd", user=pm).startswith("Verlenging vastgelegd")
    chat.say(f"/huisverbod {CODE} niet-verlengd corrigeren", user=pm)
    chat.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user=pm)
    assert "naar 10-12-2026" in chat.say(f"/detentie {CODE} datum 10-12-2026", user=pm)
    with chat.app.uow() as uow:
        erase_subject(uow.session, jan(chat), chat.clock.now(), force=True)
        uow.commit()
    shown = chat.say(f"/casus {CODE}", user=pm)
    assert "huisverbod: verlengd" in shown
    assert "huisverbod gecorrigeerd: niet verlengd (was verlengd)" in shown
    assert "vrijlatingsdatum gewijzigd: 28-01-2027 → 10-12-2026" in shown
    assert "huisverbod.decision" not in shown and "{" not in shown
    assert f"status aangemeld → actief: {REMOVED}" in shown  # a status reason is free text: it goes
    assert "Jan" not in shown and "J.d.V." not in shown


def test_every_parameter_the_timeline_turns_into_words_survives_an_erase() -> None:
    assert set(EVENT_KEY_PARAMS) <= SAFE_EVENT_PARAMS
    params = {**{key: "value" for key in EVENT_KEY_PARAMS}, "reason": "Jan", "initials": "J.d.V."}
    blanked = blank_event_params(params)
    assert all(blanked[key] == "value" for key in EVENT_KEY_PARAMS)
    assert blanked["reason"] == blanked["initials"] == REMOVED
