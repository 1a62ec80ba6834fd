"""What may be shown where: the one place that decides how case data appears in a group or a direct chat.

In a group chat a case is only its code and the subjects' initials (``VH-2026-0042 (J.d.V.)``); every
detail goes to the asker's direct chat instead. Every handler that shows case or signal data uses this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core import Button, ChatKind, Context, Reply, Target, Text, t
from bot.core.dates import format_date
from storage.cases import Case, Subject


def in_group(ctx: Context) -> bool:
    return ctx.incoming.chat_kind == ChatKind.GROUP


def case_label(case: Case) -> str:
    """The only form in which a case may appear in a group chat."""
    return f"{case.code} ({case.initials})"


def subject_line(subjects: Sequence[Subject], *, full: bool) -> str:
    """Names (and dates of birth) for a direct chat (``full``); initials only for a group."""
    if not full:
        return ", ".join(s.initials for s in subjects)
    return ", ".join(_name_with_birth(s.name, s.birth_date) for s in subjects)


def _name_with_birth(name: str, birth_date: date | None) -> str:
    return f"{name} ({format_date(birth_date)})" if birth_date else name


def present(
    ctx: Context,
    details: Sequence[Text | str],
    *,
    group_line: Text | str,
    buttons: Sequence[Button] = (),
) -> list[Reply]:
    """Details in a direct chat; from a group, a short line there and the details sent privately."""
    if not in_group(ctx):
        return [Reply(list(details), buttons=buttons)]
    return [
        Reply([group_line, t("privacy.details_in_direct")]),
        Reply(list(details), buttons=buttons, target=Target.DIRECT),
    ]
