"""Issue 17: detention, an unexpected release and its pickup appear in /casus and in the case timeline."""

from __future__ import annotations

from tests.harness import Chat

CODE = "VH-2026-0001"


def test_detention_release_and_pickup_show_in_casus_and_its_timeline(chat: Chat) -> None:
    chat.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager")
    summary = chat.say(f"/casus {CODE}", user="wijkagent")
    assert "Detentie: verwachte vrijlating 28-01-2027" in summary
    assert "detentie vastgelegd, verwachte vrijlating 28-01-2027 (Anouk de Wit)" in summary
    chat.say(f"/detentie {CODE} datum 21-01-2027", user="procesmanager")
    assert "vrijlatingsdatum gewijzigd: 28-01-2027 → 21-01-2027" in chat.say(
        f"/casus {CODE}", user="wijkagent"
    )
    chat.deliver()
    chat.say(f"/detentie {CODE} vrij", user="reclassering")
    summary = chat.say(f"/casus {CODE}", user="wijkagent")
    assert "Detentie: vrijgelaten op 26-11-2026" in summary
    assert "Onverwachte vrijlating; opgepakt door: nog niemand." in summary
    assert "onverwachte vrijlating gemeld: 26-11-2026 (Joost van Leeuwen)" in summary
    [alert] = [m for m in chat.deliver() if m.user_id == "regisseur" and m.text.startswith("ONVERWACHTE")]
    chat.press(alert.buttons[0].id, alert.buttons[0].value, user="regisseur")
    summary = chat.say(f"/casus {CODE}", user="wijkagent")
    assert "Onverwachte vrijlating; opgepakt door: Fatima el Idrissi." in summary
    assert "onverwachte vrijlating opgepakt (Fatima el Idrissi)" in summary
    english = chat.say(f"/case {CODE}", user="wijkagent")  # the same keys exist in English (catalogue test)
    assert "case.event." not in english and "casus.detention" not in english
