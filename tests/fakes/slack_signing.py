"""Slack request signing and realistic inbound payload builders for end-to-end tests.

Signing follows Slack's "Verifying requests from Slack": the basestring is
``v0:{timestamp}:{raw body}``, HMAC-SHA256'd with the app's signing secret and sent as
``X-Slack-Signature: v0=<hex>`` next to ``X-Slack-Request-Timestamp``.

The payload builders return the raw bytes Slack would POST: slash commands are
form-encoded fields, interactivity (block_actions / view_submission) is a form-encoded
``payload=<json>``, and Events API deliveries are a JSON ``event_callback`` envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

# Identities shared with tests.fakes.slack_api.FakeSlack (auth.test answers with these).
TEAM_ID = "T0001"
TEAM_DOMAIN = "ketentest"
APP_ID = "A0001"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
VERIFICATION_TOKEN = "legacy-verification-token"
# Port 9 (discard) on loopback: a handler that calls respond() without the test having minted a
# response_url via FakeSlack.mint_response_url() fails fast instead of reaching the internet.
UNSET_RESPONSE_URL = "http://127.0.0.1:9/response/unset"

_seq = itertools.count(1)


def sign(signing_secret: str, timestamp: int, body: bytes) -> str:
    """Return Slack's ``v0=<hex>`` signature for ``body`` sent at ``timestamp``."""
    basestring = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), basestring, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    signing_secret: str,
    body: bytes,
    timestamp: int | None = None,
    content_type: str | None = None,
) -> dict[str, str]:
    """Headers Slack sends with ``body``; the timestamp defaults to now (wall clock, as Bolt checks)."""
    ts = int(time.time()) if timestamp is None else timestamp
    if content_type is None:
        is_json = body.lstrip().startswith(b"{")
        content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(signing_secret, ts, body),
    }


def _trigger_id() -> str:
    n = next(_seq)
    return f"{1000000000 + n}.{47445629121}.{n:032x}"


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def slash_command_body(
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str = UNSET_RESPONSE_URL,
    channel_name: str = "general",
) -> bytes:
    """Form-encoded slash command, field order as Slack sends it."""
    fields = [
        ("token", VERIFICATION_TOKEN),
        ("team_id", team_id),
        ("team_domain", TEAM_DOMAIN),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", APP_ID),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id or _trigger_id()),
    ]
    return urlencode(fields).encode()


def _form_payload(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


def block_actions_body(
    user_id: str,
    channel_id: str,
    action_id: str,
    value: str,
    message_ts: str = "1700000000.000100",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
    block_id: str = "actions",
    response_url: str = UNSET_RESPONSE_URL,
    message_text: str = "",
    message_blocks: list[dict[str, Any]] | None = None,
    label: str | None = None,
) -> bytes:
    """A button click on a bot message, as ``payload=<json>`` (interactivity request)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "message": {
            "type": "message",
            "subtype": "bot_message",
            "text": message_text,
            "ts": message_ts,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "blocks": message_blocks or [],
        },
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": value if label is None else label, "emoji": True},
                "value": value,
                "action_ts": _action_ts(),
            }
        ],
    }
    return _form_payload(payload)


def view_submission_body(
    user_id: str,
    callback_id: str,
    private_metadata: str,
    state_values: dict[str, Any],
    team_id: str = TEAM_ID,
    view_id: str = "V0000000001",
) -> bytes:
    """A modal submit, as ``payload=<json>``.

    ``state_values`` is ``{block_id: {action_id: {"type": ..., "value": ...}}}`` like Slack's
    ``view.state.values``.
    """
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values},
            "hash": f"{int(time.time())}.abcdef12",
            "title": {"type": "plain_text", "text": "Ketenbot", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Annuleren", "emoji": True},
            "submit": {"type": "plain_text", "text": "Opslaan", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _form_payload(payload)


def event_body(event: dict[str, Any], team_id: str = TEAM_ID) -> bytes:
    """Events API ``event_callback`` envelope (JSON) around ``event``."""
    n = next(_seq)
    envelope: dict[str, Any] = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{n:09d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{n:016x}",
    }
    return json.dumps(envelope, separators=(",", ":")).encode()
