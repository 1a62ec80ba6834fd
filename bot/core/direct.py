"""Details in privé: a neutral button kind that opens the member's direct chat with the bot.

In a group chat a case shows only its code and initials. ``offer_direct`` adds a button whose value is a
short token standing for the command as it was typed there (kept server-side, bound to the member, for
an hour). Adapters render the kind as they can: Telegram as a URL button to ``t.me/<bot>?start=<token>``
(opening the direct chat sends ``/start <token>``), the console as a numbered button with a hint.
``expand_direct`` turns ``/start <token>`` (or a press on the button, where a platform shows it as an
ordinary one) back into the command, run as in the direct chat: the handler repeats its need-to-know
checks on current data, and the answer goes to the direct chat only.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import timedelta

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.types import OPEN_DIRECT, Button, ChatKind, Incoming

__all__ = ["OPEN_DIRECT", "TOKEN_PATTERN", "direct_token", "expand_direct", "offer_direct"]
TOKEN_PREFIX = "d-"
TOKEN_PATTERN = re.compile(r"^d-[A-Za-z0-9_-]{16}$")  # fits Telegram's start parameter (64 of [A-Za-z0-9_-])
REQUEST_TTL = timedelta(hours=1)


def offer_direct(ctx: Context) -> Button | None:
    """A "details in privé" button for a command typed in a group chat (None elsewhere)."""
    incoming = ctx.incoming
    if ctx.member is None or incoming.chat_kind != ChatKind.GROUP or not incoming.is_command:
        return None
    token = TOKEN_PREFIX + secrets.token_urlsafe(12)
    now = ctx.clock.now()
    command = incoming.text or ""
    ctx.uow.direct_requests.add(token, ctx.member.id, command, now=now, expires_at=now + REQUEST_TTL)
    return Button(OPEN_DIRECT, t("core.details_button"), token)


def direct_token(incoming: Incoming) -> str | None:
    """The token when ``incoming`` asks for details offered in a group; None otherwise."""
    if incoming.action_id == OPEN_DIRECT:
        return incoming.value
    if incoming.command == "start" and TOKEN_PATTERN.match(incoming.args):
        return incoming.args
    return None


def expand_direct(incoming: Incoming, ctx: Context) -> Incoming | None:
    """The stored command as if typed in the member's direct chat; None when ``incoming`` is not such a
    request. An unknown, expired or someone else's token is refused the same way."""
    token = direct_token(incoming)
    if token is None:
        return None
    member = ctx.require_member()
    command = ctx.uow.direct_requests.command_for(token, member.id, ctx.clock.now())
    if command is None:
        raise UserError("core.details_expired")
    return replace(incoming, text=command, action_id=None, value="", chat_kind=ChatKind.DIRECT)
