"""Inline keyboards for replies and form steps: choices and yes/no as buttons, a small date picker, member
pickers when the core offers members, and the form's controls (done, skip, submit, cancel) on one row.

A new form needs no change here; a new field kind that offers typed answers as buttons only needs the core
to fill ``FieldView.suggestions``.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram.markup import (
    FORM_CANCEL,
    FORM_DONE,
    FORM_SKIP,
    FORM_SUBMIT,
    TEXT_ANSWER,
    encode_callback,
)
from bot.core.types import OPEN_DIRECT, FieldView, Outgoing, RenderedButton

CONTROLS = (FORM_DONE, FORM_SKIP, FORM_SUBMIT, FORM_CANCEL)
PICKER_COLUMNS = 3
MAX_LABEL = 60  # long labels are cut; the button still carries the full value


def current_field(message: Outgoing) -> FieldView | None:
    """The field a form prompt asks for (None for the summary step and for plain replies)."""
    view = message.form
    if view is None or not 0 <= view.step < len(view.fields):
        return None
    return view.fields[view.step]


def keyboard(message: Outgoing, bot_username: str = "") -> InlineKeyboardMarkup | None:
    """The inline keyboard for ``message``, or None when it has no buttons. A button that opens the direct
    chat becomes a URL button (a deep link with its start token); without the bot's username it is left
    out."""
    rows: list[list[InlineKeyboardButton]] = []
    main = [b for b in message.buttons if b.id not in CONTROLS and b.id != OPEN_DIRECT]
    controls = [b for b in message.buttons if b.id in CONTROLS]
    rows += [[_button(b)] for b in main]
    if bot_username:
        rows += [[_direct_link(b, bot_username)] for b in message.buttons if b.id == OPEN_DIRECT]
    field = current_field(message)
    if field is not None and field.suggestions:
        picks = [_text_answer(value, label) for value, label in field.suggestions]
        rows += [picks[i : i + PICKER_COLUMNS] for i in range(0, len(picks), PICKER_COLUMNS)]
    if controls:
        rows.append([_button(b) for b in controls])
    return InlineKeyboardMarkup(rows) if rows else None


def button_signature(markup: InlineKeyboardMarkup | None) -> tuple[str, ...]:
    """The buttons' callback data in order, ignoring labels: the same prompt shown again has the same."""
    if markup is None:
        return ()
    return tuple(str(b.callback_data) for row in markup.inline_keyboard for b in row)


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _button(button: RenderedButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(_short(button.label), callback_data=encode_callback(button.id, button.value))


def _direct_link(button: RenderedButton, bot_username: str) -> InlineKeyboardButton:
    """Opens the direct chat with the bot; Telegram then sends ``/start <token>`` from there."""
    return InlineKeyboardButton(_short(button.label), url=deep_link(bot_username, button.value))


def deep_link(bot_username: str, start: str) -> str:
    return f"https://t.me/{bot_username}?start={start}"


def _text_answer(value: str, label: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(_short(label), callback_data=encode_callback(TEXT_ANSWER, value))


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
