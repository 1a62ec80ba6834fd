"""Slack mrkdwn and Block Kit for neutral messages: user text escaped, buttons as actions blocks.

Slack reads ``&``, ``<`` and ``>`` as control characters (``<@U123>``, ``<!channel>``, ``<https://x|y>``);
escaping them means nobody can inject a mention, a broadcast or a disguised link through text we echo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.mentions import render_mentions, slack_mention
from bot.core.types import RenderedButton

Block = dict[str, Any]

SECTION_LIMIT = 3000  # characters of text in one section block
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_PER_BLOCK = 25
MAX_BLOCKS = 50  # blocks in one message
ACTION_SUFFIX = "#"  # our action id + "#<index>" when the same id appears twice in a message


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup in message text; then a member's mention (from
    ``bot.core.mentions``, never from user text) becomes Slack's own ``<@U910>``."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return render_mentions(escaped, slack_mention)


def plain(text: str, limit: int = BUTTON_TEXT_LIMIT) -> dict[str, Any]:
    """A plain_text object (Slack does not parse mentions in plain_text, but it has length limits)."""
    shortened = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": shortened or " ", "emoji": True}


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split on line breaks so that no piece exceeds ``limit`` (a very long line is cut hard)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def text_blocks(text: str) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece or " ", "verbatim": True}}
        for piece in chunks(escape(text))
    ]


def action_ids(buttons: Sequence[RenderedButton]) -> list[str]:
    """Our action ids, with an index suffix where an id repeats (Slack wants them unique per block)."""
    seen: dict[str, int] = {}
    for button in buttons:
        seen[button.id] = seen.get(button.id, 0) + 1
    return [f"{b.id}{ACTION_SUFFIX}{index}" if seen[b.id] > 1 else b.id for index, b in enumerate(buttons)]


def our_action_id(slack_action_id: str) -> str:
    """Undo :func:`action_ids`' suffix."""
    head, sep, tail = slack_action_id.rpartition(ACTION_SUFFIX)
    return head if sep and tail.isdigit() else slack_action_id


def button_blocks(buttons: Sequence[RenderedButton], block_prefix: str = "actions") -> list[Block]:
    elements: list[Block] = []
    for button, action_id in zip(buttons, action_ids(buttons), strict=True):
        element: Block = {"type": "button", "action_id": action_id, "text": plain(button.label)}
        if button.value:
            element["value"] = button.value[:BUTTON_VALUE_LIMIT]
        elements.append(element)
    size = ACTIONS_PER_BLOCK
    return [
        {"type": "actions", "block_id": f"{block_prefix}-{n}", "elements": elements[s : s + size]}
        for n, s in enumerate(range(0, len(elements), size))
    ]


def message_blocks(text: str, buttons: Sequence[RenderedButton] = ()) -> list[Block]:
    return text_blocks(text) + button_blocks(buttons)


def answered_blocks(
    pressed: Mapping[str, Any], label: str, reply: str, buttons: Sequence[RenderedButton]
) -> tuple[list[Block], str]:
    """The pressed message (``pressed``: Slack's copy of it in the interaction) kept, without its buttons
    (no double taps), plus "→ *label*" and the reply: as Telegram keeps the question and what was chosen.
    Returns the blocks and the fallback text (the reply first gives way to nothing: the original is cut)."""
    kept = [b for b in pressed.get("blocks") or [] if b.get("type") != "actions"]
    chosen: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": f"→ *{escape(label)}*"}]}
    tail = [chosen, *message_blocks(reply, buttons)] if reply or buttons else [chosen]
    kept = kept[: max(0, MAX_BLOCKS - len(tail))]
    ending = f"\n\n→ {escape(label)}" + (f"\n\n{escape(reply)}" if reply else "")
    original = str(pressed.get("text") or "")[: max(0, SECTION_LIMIT - len(ending))]
    return [*kept, *tail], (original + ending)[:SECTION_LIMIT]


def fallback_text(text: str) -> str:
    """The ``text`` Slack shows in notifications next to blocks (escaped the same way)."""
    return escape(text)[:SECTION_LIMIT]


def home_view(title: str, sections: Sequence[tuple[str, Sequence[RenderedButton]]]) -> dict[str, Any]:
    """The App Home tab: a header, then each reply's text (and buttons), separated by dividers."""
    blocks: list[Block] = [{"type": "header", "text": plain(title, 150)}]
    for index, (text, buttons) in enumerate(sections):
        if index:
            blocks.append({"type": "divider"})
        blocks.extend(text_blocks(text))
        blocks.extend(button_blocks(buttons, f"home-{index}"))
    return {"type": "home", "blocks": blocks[:100]}
