"""Forms as Slack modals: one input block per field (block_id = field name), errors on the field.

The core validates (``FormEngine.submit_all``); this module only maps field kinds to Block Kit inputs and
the submitted ``view.state.values`` back to raw strings per field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.adapters.slack.markup import plain
from bot.core.types import ChatKind, FieldView, FormView

CALLBACK_ID = "ketenbot.form"
ACTION_ID = "value"
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
OPTIONS_LIMIT = 100

# field kind -> widget. Kinds not listed get a plain_text_input (integer, organisation, case, datetime:
# typed like in every other chat, parsed by the core's date/number parsers).
SELECT_KINDS = {"choice": "static_select", "multichoice": "multi_static_select", "yesno": "radio_buttons"}
MEMBER_KIND = "member"
DATE_KIND = "date"
LONGTEXT_KIND = "longtext"

Hint = Callable[[str], str]  # field kind -> placeholder text in the user's language


@dataclass(frozen=True)
class FormContext:
    """Where the form was started; travels in the modal's ``private_metadata``."""

    form_id: str
    chat_id: str
    chat_kind: ChatKind

    def encode(self) -> str:
        return json.dumps({"f": self.form_id, "c": self.chat_id, "k": self.chat_kind.value})

    @staticmethod
    def decode(metadata: str) -> FormContext:
        data = json.loads(metadata or "{}")
        return FormContext(str(data["f"]), str(data["c"]), ChatKind(data.get("k", ChatKind.DIRECT.value)))


def modal_view(form: FormView, where: FormContext, *, submit: str, close: str, hint: Hint) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": where.encode(),
        "notify_on_close": True,
        "title": plain(form.title, TITLE_LIMIT),
        "submit": plain(submit, TITLE_LIMIT),
        "close": plain(close, TITLE_LIMIT),
        "blocks": [input_block(field, hint) for field in form.fields],
    }


def input_block(field: FieldView, hint: Hint) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": field.name,
        "optional": not field.required,
        "label": plain(field.label, LABEL_LIMIT),
        "element": element(field, hint),
    }


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def element(field: FieldView, hint: Hint) -> dict[str, Any]:
    kind = field.kind
    widget = SELECT_KINDS.get(kind)
    if widget is not None and field.options:
        options = [_option(value, label) for value, label in list(field.options)[:OPTIONS_LIMIT]]
        out: dict[str, Any] = {"type": widget, "action_id": ACTION_ID, "options": options}
        initial = _initial_options(field, options)
        if initial and widget == "multi_static_select":
            out["initial_options"] = initial
        elif initial:
            out["initial_option"] = initial[0]
        return out
    if kind == DATE_KIND:
        out = {"type": "datepicker", "action_id": ACTION_ID}
        if isinstance(field.value, str) and _is_iso_date(field.value):
            out["initial_date"] = field.value
        return out
    if kind == MEMBER_KIND:
        return {"type": "users_select", "action_id": ACTION_ID}
    out = {
        "type": "plain_text_input",
        "action_id": ACTION_ID,
        "multiline": kind == LONGTEXT_KIND,
        "placeholder": plain(hint(kind), 150),
    }
    if isinstance(field.value, str | int) and not isinstance(field.value, bool):
        out["initial_value"] = str(field.value)
    return out


def _initial_options(field: FieldView, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    value = field.value
    if isinstance(value, bool):
        wanted = {"ja" if value else "nee"}
    elif isinstance(value, list):
        wanted = {str(v) for v in value}
    elif value is None:
        return []
    else:
        wanted = {str(value)}
    return [option for option in options if option["value"] in wanted]


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def submitted_values(state_values: dict[str, Any]) -> dict[str, str]:
    """``view.state.values`` -> {field name: the raw string the core parses}."""
    values: dict[str, str] = {}
    for block_id, actions in state_values.items():
        if not isinstance(actions, dict) or not actions:
            continue
        raw = actions.get(ACTION_ID) or next(iter(actions.values()))
        values[block_id] = raw_value(raw if isinstance(raw, dict) else {})
    return values


def raw_value(state: dict[str, Any]) -> str:
    kind = state.get("type")
    if kind in ("static_select", "radio_buttons"):
        selected = state.get("selected_option") or {}
        return str(selected.get("value") or "")
    if kind == "multi_static_select":
        return ",".join(str(o.get("value", "")) for o in state.get("selected_options") or [])
    if kind == "datepicker":
        return str(state.get("selected_date") or "")
    if kind == "users_select":
        return str(state.get("selected_user") or "")
    if kind == "multi_users_select":
        return ",".join(str(u) for u in state.get("selected_users") or [])
    return str(state.get("value") or "")
