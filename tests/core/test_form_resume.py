"""Issue 17 (loose ends), item 4: starting a form again never throws a half-filled one away silently. The
same form asks "doorgaan of opnieuw beginnen?" (buttons and typed words); another form says which form is
open and how to stop it; a form nobody answered yet holds nothing to lose and is simply replaced."""

from __future__ import annotations

from tests.harness import Chat

QUESTION = (
    "Je was al bezig met Signaal melden. Doorgaan waar je was, of opnieuw beginnen? (Opnieuw beginnen gooit"
    " je antwoorden weg.) Kies een knop of typ 'doorgaan' of 'opnieuw'."
)
NAME_PROMPT = "(1/8) Naam van de betrokkene"
BIRTH_PROMPT = "(2/8) Geboortedatum (dd-mm-jjjj)"


def form_values(chat: Chat) -> dict[str, object]:
    with chat.app.uow() as uow:
        member = uow.members.by_handle("@procesmanager")
        assert member is not None and member.id is not None
        state = uow.forms.current("console", "procesmanager", member.id)
        return dict(state.values) if state is not None else {}


def test_the_same_form_again_asks_to_continue_or_start_over(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    pm.say("/signaal")
    assert pm.say("Eva Smit").startswith(BIRTH_PROMPT)
    asked = pm.send("/signaal")
    assert [o.text for o in asked] == [QUESTION]
    assert [(b.id, b.value) for b in asked[0].buttons] == [
        ("form.choose", "doorgaan"),
        ("form.choose", "opnieuw"),
        ("form.cancel", ""),
    ]
    assert form_values(chat)["name"] == "Eva Smit"  # nothing thrown away while the question is open
    assert pm.say("wat?") == QUESTION
    assert pm.say("doorgaan").startswith(BIRTH_PROMPT)  # typed, where it was
    assert form_values(chat)["name"] == "Eva Smit" and "_restart" not in form_values(chat)
    assert pm.say("/signaal") == QUESTION
    restarted = "\n".join(o.text for o in pm.press("form.choose", "opnieuw"))  # the button
    assert restarted.startswith("Signaal melden — typ /stop") and NAME_PROMPT in restarted
    assert "name" not in form_values(chat)


def test_another_form_says_which_form_is_open_and_how_to_stop_it(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    pm.say("/signaal")
    pm.say("Eva Smit")
    assert pm.say("/overleg plan") == (
        "Je bent nog bezig met Signaal melden. Maak dat eerst af, of stop het met /stop; start daarna"
        " Overleg plannen opnieuw."
    )
    assert form_values(chat)["name"] == "Eva Smit"
    assert pm.say("/stop") == "Signaal melden is geannuleerd. Er is niets opgeslagen."
    assert pm.say("/overleg plan").startswith("Overleg plannen — typ /stop")


def test_a_form_without_answers_is_replaced_without_asking(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    pm.say("/signaal")
    assert pm.say("/overleg plan").startswith("Overleg plannen — typ /stop")
    assert pm.say("/signaal").startswith("Signaal melden — typ /stop")
