"""Bot API wire format for :mod:`tests.fakes.telegram_api`: builders for realistic JSON objects
(users, chats, messages, updates - plain dicts as in https://core.telegram.org/bots/api, which
python-telegram-bot deserialises) and decoding of request bodies.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JSON = dict[str, Any]
ChatId = int | str
# Parameters that are plain strings; every other form value is JSON-decoded when possible.
_STRING_PARAMS = frozenset(
    {"text", "caption", "data", "url", "secret_token", "callback_query_id", "language_code", "parse_mode"}
    | {"inline_message_id", "document", "file_id", "description", "short_description", "name", "title"}
)


class ApiError(Exception):
    """Raised inside the fake; answered as ``{"ok": false, "error_code": status, ...}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters
        self.violation: str | None = None


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str | None
    mime_type: str | None
    data: bytes


def parse_chat_id(value: Any) -> ChatId:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int | str):
        return value
    raise ApiError(400, "Bad Request: chat_id is empty")


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def parse_body(request: web.Request) -> tuple[JSON, dict[str, UploadedFile], str]:
    """(params, files, encoding) from a query string, JSON, urlencoded or multipart request."""
    params: JSON = {k: _decode(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return params, files, "empty"
    if request.content_type == "application/json":
        params.update(await request.json())
        return params, files, "json"
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[key] = UploadedFile(key, value.filename, value.content_type, value.file.read())
        else:
            params[key] = _decode(key, str(value))
    return params, files, "multipart" if request.content_type.startswith("multipart/") else "form"


def now_ts() -> int:
    """Unix timestamp as Telegram sends it (whole seconds, wall clock)."""
    return int(time.time())


def bot_user(bot_id: int, username: str, first_name: str) -> JSON:
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def user(
    user_id: int,
    *,
    first_name: str = "Test",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "nl",
) -> JSON:
    out: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        out["last_name"] = last_name
    if username:
        out["username"] = username
    if language_code:
        out["language_code"] = language_code
    return out


def chat(
    chat_id: int, chat_type: str = "private", *, title: str | None = None, first_name: str = "Test"
) -> JSON:
    """A ``Chat``: private chats carry the user's name, groups a title."""
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": first_name}
    return {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}


def guess_chat(chat_id: int | str) -> JSON:
    """A plausible ``Chat`` for an id the fake has never seen: >0 private, <-10^12 supergroup."""
    if isinstance(chat_id, str):  # "@channelusername"
        return {"id": -1001000000000, "type": "channel", "title": chat_id, "username": chat_id.lstrip("@")}
    if chat_id > 0:
        return chat(chat_id, "private", first_name=f"User{chat_id}")
    return chat(chat_id, "supergroup" if chat_id < -1_000_000_000_000 else "group")


def chat_full_info(chat_obj: JSON) -> JSON:
    """``ChatFullInfo`` as returned by getChat (PTB 22 requires the gift/colour fields)."""
    return {
        **chat_obj,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entity for a leading ``/command`` (or ``/command@botname``)."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0]) if text.strip() else 0
    return [{"type": "bot_command", "offset": 0, "length": length}] if length > 1 else []


def message(
    message_id: int,
    chat_obj: JSON,
    sender: JSON | None,
    *,
    text: str | None = None,
    **extra: Any,
) -> JSON:
    out: JSON = {"message_id": message_id, "date": now_ts(), "chat": chat_obj}
    if sender is not None:
        out["from"] = sender
    if text is not None:
        out["text"] = text
        entities = command_entities(text)
        if entities:
            out["entities"] = entities
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def callback_query(query_id: str, sender: JSON, msg: JSON, data: str) -> JSON:
    return {
        "id": query_id,
        "from": sender,
        "message": msg,
        "chat_instance": f"ci{msg['chat']['id']}",
        "data": data,
    }


def document(file_id: str, filename: str | None, mime_type: str | None, size: int) -> JSON:
    out: JSON = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}
    if filename:
        out["file_name"] = filename
    if mime_type:
        out["mime_type"] = mime_type
    return out
