"""The chat-neutral core: neutral types, router, forms, middleware, i18n, clock."""

from bot.core.clock import Clock, FixedClock, SystemClock
from bot.core.commands import CommandGroup
from bot.core.context import Context, CoreConfig, MemberView
from bot.core.errors import UserError
from bot.core.forms import Field, FieldKind, Form, Option
from bot.core.i18n import Text, t
from bot.core.types import Button, ChatKind, FileAttachment, Incoming, Outgoing, Reply, Target

__all__ = [
    "Button",
    "ChatKind",
    "Clock",
    "CommandGroup",
    "Context",
    "CoreConfig",
    "Field",
    "FieldKind",
    "FileAttachment",
    "FixedClock",
    "Form",
    "Incoming",
    "MemberView",
    "Option",
    "Outgoing",
    "Reply",
    "SystemClock",
    "Target",
    "Text",
    "UserError",
    "t",
]
