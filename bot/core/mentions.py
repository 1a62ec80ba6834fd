"""A member's chat identity inside a text, shown the way the reader's platform can use it.

A handler puts ``mention(platform, external_id)`` in a text parameter (``/regie``: how to reach a regie
holder). The text stays neutral, also in the outbox; ``resolve`` (the renderer for replies, the dispatcher
for outbox rows: both know the reader's platform) turns each mention into words: ``@handle`` for a console
reader of a console member, where to find the member otherwise ("via Telegram"). For a Slack reader a Slack
member stays a mention, which only the Slack markup turns into ``<@U910>`` after escaping the text (so no
user text can forge one: the markers are private-use characters and the id must look like a Slack id). In
the same way a Telegram reader gets a Telegram member as a ``tg://user?id=`` link (the Telegram markup, after
HTML escaping; the id must be a positive number).
"""

from __future__ import annotations

import re
from collections.abc import Callable

START, MIDDLE, END = "\ue000", "\ue001", "\ue002"
MENTION = re.compile("\ue000([a-z]{1,20})\ue001([^\ue000-\ue002]{1,120})\ue002")
SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
TELEGRAM_ID = re.compile(r"[1-9][0-9]{0,15}")  # a user's id (groups are negative, never members)
PLATFORM_NAMES = {"slack": "Slack", "telegram": "Telegram", "console": "console"}


def mention(platform: str, external_id: str) -> str:
    return f"{START}{platform}{MIDDLE}{external_id}{END}"


def elsewhere(platform: str) -> str:
    """Where to find a member the reader cannot mention ("via" reads the same in Dutch and English)."""
    return f"via {PLATFORM_NAMES.get(platform, platform)}"


def resolve(text: str, reader: str) -> str:
    """``text`` with every mention as ``reader``'s platform shows it (Slack mentions of Slack users kept)."""

    def one(found: re.Match[str]) -> str:
        platform, ident = found[1], found[2]
        if platform == reader == "console":
            return f"@{ident}"
        if platform == reader == "slack" and SLACK_ID.fullmatch(ident):
            return found[0]
        if platform == reader == "telegram" and TELEGRAM_ID.fullmatch(ident):
            return found[0]
        return elsewhere(platform)

    return MENTION.sub(one, text) if START in text else text


def render_mentions(text: str, render: Callable[[str, str], str]) -> str:
    """Each mention left in ``text`` replaced by ``render(platform, external_id)`` (for adapters)."""
    return MENTION.sub(lambda found: render(found[1], found[2]), text) if START in text else text


def slack_mention(platform: str, ident: str) -> str:
    return f"<@{ident}>" if platform == "slack" and SLACK_ID.fullmatch(ident) else elsewhere(platform)


def telegram_mention(platform: str, ident: str) -> str:
    """Telegram's mention by id (HTML): "via Telegram" as a link that opens the member's chat, also for
    members without a username. Telegram shows it as a link to members who have written to the bot."""
    if platform == "telegram" and TELEGRAM_ID.fullmatch(ident):
        return f'<a href="tg://user?id={ident}">{elsewhere(platform)}</a>'
    return elsewhere(platform)
