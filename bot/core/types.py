"""Neutral message types: what adapters translate to and from. No platform knows more than these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.i18n import Text

TextLike = Text | str | Sequence[Text | str]


class ChatKind(StrEnum):
    DIRECT = "direct"
    GROUP = "group"


OPEN_DIRECT = "core.open_direct"  # a button that opens the direct chat with the bot (bot/core/direct.py)


class Target(StrEnum):
    SAME_CHAT = "same"  # answer where the message came from
    DIRECT = "direct"  # the sender's direct chat (details offered privately from a group)


MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # uploads larger than this are refused (CoreConfig.max_upload_bytes)


@dataclass(frozen=True)
class FileAttachment:
    name: str
    data: bytes
    mime: str
    size: int | None = None  # an upload's size as the platform declared it, when it was not fetched

    @property
    def byte_size(self) -> int:
        return len(self.data) if self.size is None else max(self.size, len(self.data))


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: a command or text, a button press, or a whole form submitted at once."""

    platform: str
    chat_id: str
    user_id: str
    chat_kind: ChatKind = ChatKind.DIRECT
    user_name: str | None = None
    text: str | None = None
    action_id: str | None = None
    value: str = ""
    form_id: str | None = None
    form_values: dict[str, str] | None = None
    form_lists: frozenset[str] = frozenset()  # the fields of form_values given as a list (a JSON array)
    language_hint: str | None = None
    chat_title: str | None = None
    message_ref: str | None = None  # the platform message a button sat on (to update in place)
    migrated_to: str | None = None  # the group chat moved to this id (Telegram group -> supergroup)
    file: FileAttachment | None = None  # a document the user uploaded with (or as) this message

    @property
    def is_command(self) -> bool:
        return self.text is not None and self.text.startswith("/")

    @property
    def command(self) -> str | None:
        if not self.is_command or self.text is None:
            return None
        head = self.text[1:].split(maxsplit=1)[0] if self.text[1:].strip() else ""
        return head.split("@", 1)[0].lower()

    @property
    def args(self) -> str:
        if self.text is None:
            return ""
        if not self.is_command:
            return self.text.strip()
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True)
class Button:
    id: str
    label: Text | str
    value: str = ""


@dataclass(frozen=True)
class Reply:
    text: TextLike
    buttons: Sequence[Button] = ()
    file: FileAttachment | None = None
    target: Target = Target.SAME_CHAT
    form_id: str | None = None  # set on a form's prompt, so modal platforms can show the whole form
    in_place: bool = False  # replaces the message whose button was pressed (a checklist ticked off)
    refused: bool = False  # nothing happened (a refusal or an error): a pressed message stays as it was
    # a hint, not a decision: the pressed message keeps its buttons (a digest's other cases stay pressable)
    keeps_buttons: bool = False


# --- what the core hands to adapters, already rendered in the recipient's language ---------------------


@dataclass(frozen=True)
class RenderedButton:
    id: str
    label: str
    value: str


@dataclass(frozen=True)
class FieldView:
    """One field of a form, for adapters that show a whole form at once (Slack modals)."""

    name: str
    label: str
    kind: str
    required: bool
    options: Sequence[tuple[str, str]] = ()
    value: Any = None
    suggestions: Sequence[tuple[str, str]] = ()  # typed answers offered as buttons (value, label)


@dataclass(frozen=True)
class FormView:
    form_id: str
    title: str
    fields: Sequence[FieldView]
    step: int
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """A message to put on a platform. ``chat_id`` if known; otherwise the direct chat with ``user_id``."""

    platform: str
    text: str
    chat_id: str | None = None
    user_id: str | None = None
    buttons: Sequence[RenderedButton] = ()
    file: FileAttachment | None = None
    form: FormView | None = None
    is_group: bool = False
    dedupe_key: str | None = None
    language: str | None = None  # the recipient's language, for platform chrome (modal buttons, titles)
    in_place: bool = False  # update the pressed message (``Incoming.message_ref``) instead of a new one
    refused: bool = False  # the press changed nothing: leave the pressed message and its buttons alone
    keeps_buttons: bool = False  # the press only asked something: leave the pressed message, post the reply
