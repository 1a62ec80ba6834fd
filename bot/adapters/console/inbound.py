"""Console input: JSON lines (scripted) or typed lines (interactive) -> Incoming."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from bot.core.types import ChatKind, Incoming, RenderedButton

PLATFORM = "console"


class BadLine(ValueError):
    """A JSONL line that is not one of the contract's shapes."""


def parse_jsonl(line: str) -> Incoming:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"no valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise BadLine("not a JSON object")
    user = data.get("user")
    if not isinstance(user, str) or not user.strip():
        raise BadLine('"user" is missing')
    chat = data.get("chat")
    if chat is not None and not isinstance(chat, str):
        raise BadLine('"chat" must be a string')
    handle = user.strip().lstrip("@")
    language = data.get("language")
    base = Incoming(
        platform=PLATFORM,
        user_id=handle,
        user_name=str(data.get("name") or handle),
        chat_id=chat or handle,
        chat_kind=ChatKind.GROUP if chat else ChatKind.DIRECT,
        chat_title=chat,
        language_hint=language if isinstance(language, str) else None,
    )
    if isinstance(data.get("text"), str):
        return replace(base, text=data["text"])
    if isinstance(data.get("press"), str):
        return replace(base, action_id=data["press"], value=str(data.get("value", "")))
    if isinstance(data.get("form"), str) and isinstance(data.get("values"), dict):
        values = {str(k): str(v) for k, v in data["values"].items()}
        return replace(base, form_id=data["form"], form_values=values)
    raise BadLine('expected "text", "press" or "form" with "values"')


def parse_typed(line: str, user: str, last_buttons: Sequence[RenderedButton], chat: str | None) -> Incoming:
    """A typed line; a bare number presses that button of the last message."""
    text = line.rstrip("\n")
    base = Incoming(
        platform=PLATFORM,
        user_id=user,
        user_name=user,
        chat_id=chat or user,
        chat_kind=ChatKind.GROUP if chat else ChatKind.DIRECT,
        chat_title=chat,
    )
    stripped = text.strip()
    if stripped.isdigit() and last_buttons and 1 <= int(stripped) <= len(last_buttons):
        button = last_buttons[int(stripped) - 1]
        return replace(base, action_id=button.id, value=button.value)
    return replace(base, text=text)
