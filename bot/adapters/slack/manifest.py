"""``ketenbot slack manifest``: a ready Slack app manifest (YAML) for installing ketenbot in a workspace.

YAML is written by a small emitter (no YAML library is installed): mappings, lists, and scalars, with
every string double-quoted (JSON escapes are valid YAML), so nothing in a description can break it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.slack.app import EVENTS_PATH
from bot.adapters.slack.inbound import ROOT_COMMAND

BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "files:write",
    "files:read",  # download what a user shares with the bot in a direct message (CSV imports)
    "users:read",
    "channels:read",
    "groups:read",
    "app_mentions:read",
)
BOT_EVENTS = ("app_home_opened", "member_joined_channel", "message.im")
DESCRIPTION = "Chat-ops for the partner network of a Zorg- en Veiligheidshuis"
ROOT_USAGE = "help | ik | aanmelden CODE | ..."
DESCRIPTION_LIMIT = 100


def manifest(
    base_url: str | None,
    *,
    socket_mode: bool = False,
    name: str = "ketenbot",
    commands: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The manifest as a dict. ``base_url`` is where the bot's HTTP server is reachable (HTTP mode);
    ``commands`` adds a slash command per (name, description) next to the always-present /ketenbot."""
    url = None if socket_mode or not base_url else base_url.rstrip("/") + EVENTS_PATH
    slash: list[dict[str, Any]] = [_command(ROOT_COMMAND, DESCRIPTION, url, ROOT_USAGE)]
    slash += [_command(f"/{n.lstrip('/')}", d or n, url, None) for n, d in commands]
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if url:
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "display_information": {"name": name, "description": DESCRIPTION},
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": slash,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def _command(command: str, description: str, url: str | None, usage: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"command": command, "description": description[:DESCRIPTION_LIMIT]}
    if url:
        out["url"] = url
    if usage:
        out["usage_hint"] = usage
    out["should_escape"] = False
    return out


def to_yaml(data: Mapping[str, Any]) -> str:
    return "\n".join(_lines(data, 0)) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)


def _lines(value: Any, indent: int) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, Mapping | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_lines(item, indent + 1))
            else:
                shown = _empty(item) if isinstance(item, Mapping | list) else _scalar(item)
                lines.append(f"{pad}{key}: {shown}")
        return lines
    for item in value:
        if isinstance(item, Mapping) and item:
            nested = _lines(item, indent + 1)
            lines.append(f"{pad}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def _empty(value: Mapping[str, Any] | list[Any]) -> str:
    return "{}" if isinstance(value, Mapping) else "[]"
