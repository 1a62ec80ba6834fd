"""Black-box findings on whole-form submissions (a JSONL ``{"user", "form", "values"}`` line, a Slack modal):
a multichoice given as a JSON list was refused ("'['overlast']' is geen van de keuzes"), unknown field names
were silently ignored, and field errors were worded for the step-by-step dialogue ("typ /stop", "klaar")."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.console.inbound import parse_jsonl
from bot.adapters.console.outbound import to_json
from tests.handlers.cases.cases_helpers import SIGNAL, signals
from tests.harness import Chat


def send_form(chat: Chat, values: dict[str, Any], form: str = "signaal.new") -> list[dict[str, Any]]:
    """One JSONL line as ``ketenbot console --jsonl`` reads it; the JSON lines it writes back."""
    line = json.dumps({"user": "wijkagent", "form": form, "values": values})
    return [to_json(message) for message in chat.app.router.handle(parse_jsonl(line))]


def test_a_multichoice_accepts_a_json_list_and_a_comma_separated_string(chat: Chat) -> None:
    before = len(signals(chat))
    listed = send_form(chat, {**SIGNAL, "categories": ["overlast", "schulden"]})
    assert "errors" not in listed[0] and "ontvangen" in listed[0]["text"]
    assert sorted(signals(chat)[-1].categories) == ["overlast", "schulden"]
    one = send_form(chat, {**SIGNAL, "name": "Piet Fictief", "categories": ["overlast"]})
    assert "ontvangen" in one[0]["text"] and signals(chat)[-1].categories == ["overlast"]
    commas = send_form(chat, {**SIGNAL, "name": "Kees Fictief", "categories": "schulden, overlast"})
    assert "ontvangen" in commas[0]["text"]
    assert len(signals(chat)) == before + 3


def test_unknown_field_names_are_refused_naming_the_fields(chat: Chat) -> None:
    before = len(signals(chat))
    [reply] = send_form(chat, {**SIGNAL, "naam": "Eva Smit", "urgentie": "hoog", "leeg": ""})
    assert reply["text"] == (
        "'naam', 'urgentie' zijn geen velden van dit formulier; er is niets verstuurd. De velden zijn: "
        "name, birth_date, others, gemeente, categories, urgency, description, informed."
    )
    assert len(signals(chat)) == before


def test_field_errors_name_the_field_and_the_problem_without_dialogue_steps(chat: Chat) -> None:
    before = len(signals(chat))
    [reply] = send_form(chat, {**SIGNAL, "description": "", "categories": [], "urgency": "zeer"})
    errors = reply["errors"]
    assert set(errors) == {"description", "categories", "urgency"}
    assert errors["description"] == "Dit veld is verplicht."
    assert errors["categories"] == "Kies minstens één mogelijkheid."
    assert errors["urgency"] == "'zeer' is geen van de keuzes; kies één van: normaal, hoog, acuut."
    text = reply["text"]
    assert text.startswith("Niet alle velden zijn goed ingevuld; er is nog niets verstuurd en je formulier")
    assert "(description): Dit veld is verplicht." in text
    assert "(urgency): 'zeer' is geen van de keuzes" in text
    for step_words in ("/stop", "klaar", "Kies een knop"):
        assert step_words not in text, step_words
    assert len(signals(chat)) == before


def test_a_list_is_refused_for_a_field_that_takes_one_value(chat: Chat) -> None:
    """Black-box finding: ``"name": ["Anna", "Smit"]`` was joined and sent as "Anna, Smit"."""
    before = len(signals(chat))
    [reply] = send_form(chat, {**SIGNAL, "name": ["Anna", "Smit"], "urgency": ["hoog"], "informed": [True]})
    assert reply["errors"] == {
        "name": "Geef hier één waarde, geen lijst.",
        "urgency": "Geef hier één waarde, geen lijst.",
        "informed": "Geef hier één waarde, geen lijst.",
    }
    assert len(signals(chat)) == before


def test_a_wrong_single_choice_names_the_choices_without_mentioning_lists(chat: Chat) -> None:
    [reply] = send_form(chat, {**SIGNAL, "urgency": "zeer"})
    assert reply["errors"]["urgency"] == "'zeer' is geen van de keuzes; kies één van: normaal, hoog, acuut."
    [several] = send_form(chat, {**SIGNAL, "categories": ["overlast", "circus"]})
    assert "bij meer keuzes een lijst" in several["errors"]["categories"]  # a multichoice may be a list
