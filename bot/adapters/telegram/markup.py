"""Telegram text and button data: HTML escaping, splitting under 4,096 characters, compact callback_data.

Every text the core hands over is plain (it may contain what users typed), so all of it is escaped and
sent with ``parse_mode=HTML``: nobody can inject markup or links.
"""

from __future__ import annotations

import html

from bot.core.mentions import END, START, render_mentions, telegram_mention

MAX_TEXT = 4096  # characters per message, after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
SEPARATOR = "|"
TEXT_ANSWER = "="  # a button that answers as if the member typed its value (date picker, member picker)

# The form engine's action ids (bot.core.forms; importing it would pull storage into the adapter, which
# the import contracts forbid: tests/adapters/telegram/test_telegram_markup.py checks they are the same).
FORM_CHOOSE, FORM_DONE, FORM_SKIP = "form.choose", "form.done", "form.skip"
FORM_SUBMIT, FORM_CANCEL = "form.submit", "form.cancel"
# Short codes for the form engine's actions. Handler action ids are ``capability.verb`` and always hold a
# dot, so they never clash with these codes and are sent as they are.
_SHORT = {FORM_CHOOSE: "c", FORM_DONE: "d", FORM_SKIP: "s", FORM_SUBMIT: "S", FORM_CANCEL: "x"}
_LONG = {code: action for action, code in _SHORT.items()}


class CallbackDataTooLong(ValueError):
    """A button's action id and value do not fit Telegram's 64 bytes: values must be ids, not payloads."""


def escape(text: str) -> str:
    """HTML-escape the text; then a member's mention (``bot.core.mentions``, never user text) becomes
    Telegram's mention by id."""
    return render_mentions(html.escape(text, quote=False), telegram_mention)


def encode_callback(action_id: str, value: str) -> str:
    if SEPARATOR in action_id:
        raise ValueError(f"action id {action_id!r} must not contain {SEPARATOR!r}")
    data = f"{_SHORT.get(action_id, action_id)}{SEPARATOR}{value}"
    size = len(data.encode("utf-8"))
    if size > MAX_CALLBACK_DATA:
        raise CallbackDataTooLong(
            f"callback_data for {action_id!r} is {size} bytes (max {MAX_CALLBACK_DATA}); value {value!r}"
        )
    return data


def decode_callback(data: str) -> tuple[str, str]:
    """(action id, value); a pressed button that answers with text has the action id ``TEXT_ANSWER``."""
    head, _, value = data.partition(SEPARATOR)
    return _LONG.get(head, head), value


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escaped chunks of at most ``limit`` characters, cut at line boundaries where possible.

    Cutting happens on the plain text, before escaping, so no chunk ends inside an HTML entity."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(escape(candidate)) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        for piece in _hard_split(line, limit):
            if current:
                chunks.append(current)
            current = piece
    if current or not chunks:
        chunks.append(current)
    return [escape(chunk) for chunk in chunks]


def _hard_split(line: str, limit: int) -> list[str]:
    """A single line longer than ``limit`` (escaped): cut at spaces where possible, else anywhere."""
    pieces: list[str] = []
    rest = line
    while len(escape(rest)) > limit:
        low, high = 1, min(limit, len(rest))  # the longest prefix that fits, escaped (binary search)
        while low < high:
            middle = (low + high + 1) // 2
            if len(escape(rest[:middle])) <= limit:
                low = middle
            else:
                high = middle - 1
        cut = low
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space + 1
        opened = rest.rfind(START, 0, cut)
        if opened > 0 and rest.find(END, opened, cut) == -1:
            cut = opened  # never inside a member's mention: it would show as stray characters
        pieces.append(rest[:cut].rstrip(" "))
        rest = rest[cut:]
    pieces.append(rest)
    return pieces
