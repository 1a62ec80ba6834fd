"""Console input: JSON lines (scripted) or typed lines (interactive) -> Incoming."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.core.i18n import Text, t
from bot.core.types import ChatKind, FileAttachment, Incoming, RenderedButton

PLATFORM = "console"


class BadLine(ValueError):
    """A JSONL line that is not one of the contract's shapes (or a typed ``/upload`` that cannot be read);
    ``text`` says why, rendered in the operator's language (locales/console.toml)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.key)
        self.text = text


def parse_jsonl(line: str) -> Incoming:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(t("console.bad_json", column=error.colno)) from None
    if not isinstance(data, dict):
        raise BadLine(t("console.not_object"))
    user = data.get("user")
    if not isinstance(user, str) or not user.strip():
        raise BadLine(t("console.no_user"))
    chat = data.get("chat")
    if chat is not None and not isinstance(chat, str):
        raise BadLine(t("console.chat_not_text"))
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
    if data.get("file") is not None:
        caption = data.get("text")
        text = caption if isinstance(caption, str) else None
        return replace(base, file=jsonl_file(data["file"]), text=text)
    if isinstance(data.get("text"), str):
        return replace(base, text=data["text"])
    if isinstance(data.get("press"), str):
        return replace(base, action_id=data["press"], value=str(data.get("value", "")))
    if isinstance(data.get("form"), str) and isinstance(data.get("values"), dict):
        values = {str(k): form_value(v) for k, v in data["values"].items()}
        lists = frozenset(str(k) for k, v in data["values"].items() if isinstance(v, list))
        return replace(base, form_id=data["form"], form_values=values, form_lists=lists)
    raise BadLine(t("console.no_content"))


def form_value(value: object) -> str:
    """A JSON value as the raw text the form engine parses: a list (a multichoice) as its items with commas
    in between, as a Slack modal sends them; true/false as ja/nee; null as empty."""
    if isinstance(value, list):
        return ", ".join(form_value(item) for item in value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return "" if value is None else str(value)


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
    if stripped.split(maxsplit=1)[:1] == ["/upload"]:
        return replace(base, **typed_upload(stripped))
    if stripped.isascii() and stripped.isdigit() and last_buttons and 1 <= int(stripped) <= len(last_buttons):
        button = last_buttons[int(stripped) - 1]
        return replace(base, action_id=button.id, value=button.value)
    return replace(base, text=text)


def jsonl_file(item: Any) -> FileAttachment:
    """``{"name": "lijst.csv", "data": "<base64>", "mime": "text/csv"}`` (mime optional)."""
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("name", "data")):
        raise BadLine(t("console.bad_file"))
    try:
        data = base64.b64decode(item["data"], validate=True)
    except (binascii.Error, ValueError):
        raise BadLine(t("console.bad_base64")) from None
    mime = item.get("mime") if isinstance(item.get("mime"), str) else None
    return FileAttachment(item["name"], data, mime or guess_mime(item["name"]))


def typed_upload(line: str) -> dict[str, Any]:
    """``/upload PATH [caption]``: the file at PATH, with the caption (for example ``/import politie``)."""
    parts = line.split(maxsplit=2)
    if len(parts) < 2:
        raise BadLine(t("console.upload_usage"))
    path = Path(parts[1]).expanduser()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadLine(unreadable(path, error)) from None
    caption = parts[2] if len(parts) > 2 else None
    return {"file": FileAttachment(path.name, data, guess_mime(path.name)), "text": caption}


def unreadable(path: Path, error: OSError) -> Text:
    """Why the file at ``path`` cannot be read, in words (the OS says it in English)."""
    if isinstance(error, FileNotFoundError):
        return t("console.file_missing", path=str(path))
    if isinstance(error, IsADirectoryError):
        return t("console.file_is_directory", path=str(path))
    if isinstance(error, PermissionError):
        return t("console.file_denied", path=str(path))
    return t("console.file_unreadable", path=str(path), reason=error.strerror or str(error))


def guess_mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
