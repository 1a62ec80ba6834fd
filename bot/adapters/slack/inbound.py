"""Slack requests -> neutral ``Incoming``: slash commands, button presses, modal submissions, events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.forms import FormContext, submitted_values
from bot.adapters.slack.markup import our_action_id
from bot.core.types import ChatKind, Incoming

PLATFORM = "slack"
ROOT_COMMAND = "/ketenbot"
DEFAULT_SUBCOMMAND = "help"
MESSAGE_SUBTYPES = (None, "file_share")  # a plain message, or one with files shared


@dataclass(frozen=True)
class MessageRef:
    """A message the bot posted (channel + ts), so a press can update it in place."""

    channel: str
    ts: str

    def encode(self) -> str:
        return f"{self.channel}:{self.ts}"


def chat_kind(channel_id: str, channel_type: str | None = None) -> ChatKind:
    """Direct for IM channels (ids start with D, or Slack says channel_type im); group otherwise."""
    if channel_type == "im" or channel_id.startswith("D"):
        return ChatKind.DIRECT
    return ChatKind.GROUP


def command_text(command: str, text: str, root: str = ROOT_COMMAND) -> str:
    """``/ketenbot ik`` -> ``/ik``; ``/signaal args`` -> ``/signaal args``; a bare ``/ketenbot`` -> help."""
    text = text.strip()
    if command.lower() == root.lower():
        if not text:
            return f"/{DEFAULT_SUBCOMMAND}"
        sub, _, rest = text.partition(" ")
        sub = sub.lstrip("/")
        return f"/{sub} {rest.strip()}".rstrip()
    return f"{command} {text}".rstrip()


def from_command(body: Mapping[str, Any], root: str = ROOT_COMMAND) -> Incoming:
    channel = str(body.get("channel_id") or "")
    user = str(body.get("user_id") or "")
    kind = ChatKind.DIRECT if body.get("channel_name") == "directmessage" else chat_kind(channel)
    return Incoming(
        platform=PLATFORM,
        chat_id=channel or user,
        user_id=user,
        chat_kind=kind,
        user_name=str(body.get("user_name") or user),
        text=command_text(str(body.get("command") or root), str(body.get("text") or ""), root),
        chat_title=body.get("channel_name") if kind == ChatKind.GROUP else None,
    )


def _user_id(body: Mapping[str, Any]) -> str:
    user = body.get("user") or {}
    return str(user.get("id") or "") if isinstance(user, Mapping) else str(user)


def _user_name(body: Mapping[str, Any]) -> str | None:
    user = body.get("user") or {}
    if isinstance(user, Mapping):
        name = user.get("name") or user.get("username")
        return str(name) if name else None
    return None


def press_location(body: Mapping[str, Any]) -> tuple[str, MessageRef | None]:
    """The channel of the pressed message and the message itself; a press on the App Home has neither,
    and the answer goes to the user's direct chat (the user id stands for it until it is opened)."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    if not channel:
        return _user_id(body), None
    return channel, MessageRef(channel, str(ts)) if ts and not container.get("is_ephemeral") else None


def from_action(body: Mapping[str, Any]) -> Incoming | None:
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    value = action.get("value")
    if value is None and isinstance(action.get("selected_option"), Mapping):
        value = action["selected_option"].get("value")
    channel, ref = press_location(body)
    return Incoming(
        platform=PLATFORM,
        chat_id=channel,
        user_id=_user_id(body),
        chat_kind=chat_kind(channel) if ref is not None else ChatKind.DIRECT,
        user_name=_user_name(body),
        action_id=our_action_id(str(action.get("action_id") or "")),
        value=str(value or ""),
        message_ref=ref.encode() if ref else None,
    )


def from_submission(body: Mapping[str, Any]) -> tuple[Incoming, FormContext]:
    view = body.get("view") or {}
    where = FormContext.decode(str(view.get("private_metadata") or ""))
    values = submitted_values((view.get("state") or {}).get("values") or {})
    incoming = Incoming(
        platform=PLATFORM,
        chat_id=where.chat_id,
        user_id=_user_id(body),
        chat_kind=where.chat_kind,
        user_name=_user_name(body),
        form_id=where.form_id,
        form_values=values,
    )
    return incoming, where


def from_message_event(event: Mapping[str, Any]) -> Incoming | None:
    """A direct message typed to the bot (or a file shared with it, ``file_share``: the adapter fetches the
    file); the bot's own and edited/system messages are ignored."""
    if event.get("bot_id") or event.get("subtype") not in MESSAGE_SUBTYPES or not event.get("user"):
        return None
    channel = str(event.get("channel") or "")
    if chat_kind(channel, event.get("channel_type")) != ChatKind.DIRECT:
        return None
    return Incoming(
        platform=PLATFORM,
        chat_id=channel,
        user_id=str(event["user"]),
        chat_kind=ChatKind.DIRECT,
        text=str(event.get("text") or ""),
    )


def home_incoming(event: Mapping[str, Any], command: str) -> Incoming:
    user = str(event.get("user") or "")
    return Incoming(
        platform=PLATFORM,
        chat_id=str(event.get("channel") or user),
        user_id=user,
        chat_kind=ChatKind.DIRECT,
        text=command,
    )


def joined_incoming(event: Mapping[str, Any], command: str) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        chat_id=str(event.get("channel") or ""),
        user_id=str(event.get("user") or ""),
        chat_kind=ChatKind.GROUP,
        text=command,
    )


def event_id(body: bytes) -> str | None:
    """The ``event_id`` of an Events API envelope (JSON); None for anything else (slash commands and
    interactions are form-encoded)."""
    if body.lstrip()[:1] != b"{":
        return None
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    found = envelope.get("event_id") if isinstance(envelope, dict) else None
    return found if isinstance(found, str) and 0 < len(found) <= 64 else None
