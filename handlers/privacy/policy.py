"""What may be shown where: the one place that decides how case data appears in a group or a direct chat.

In a group chat a case is only its code and the subjects' initials (``VH-2026-0042 (J.d.V.)``); every
detail goes to the asker's direct chat instead. Every handler that shows case or signal data uses this.
``may_show`` is the rule table: who (deelnemer or not, procesregie) sees which item where (group or
direct). Special categories of personal data (health, addiction, domestic violence, crime, radicalisation)
stay out of group chats unless the deployment relaxes it (``KETENBOT_SHOW_SPECIAL_CATEGORIES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from bot.core import Button, ChatKind, Context, Reply, Target, Text, t
from bot.core.dates import format_date
from bot.core.direct import offer_direct
from storage.cases.tables import Case, SignalCategory, Subject


class Item(StrEnum):
    CASE_CODE = "case_code"
    INITIALS = "initials"
    NAME = "name"
    BIRTH_DATE = "birth_date"
    DESCRIPTION = "description"
    CATEGORY = "category"
    SPECIAL_CATEGORY = "special_category"
    DETAILS = "details"  # regie holders, deelnemers, actions, timeline
    ACCESS_LOG = "access_log"


SPECIAL_CATEGORIES = frozenset(
    {
        SignalCategory.PSYCHISCH,
        SignalCategory.VERSLAVING,
        SignalCategory.HUISELIJK_GEWELD,
        SignalCategory.CRIMINALITEIT,
        SignalCategory.RADICALISERING,
    }
)
GROUP_SAFE = frozenset({Item.CASE_CODE, Item.INITIALS, Item.CATEGORY})


def may_show(
    item: Item,
    *,
    group: bool,
    deelnemer: bool,
    procesregie: bool = False,
    special_categories: bool = False,
) -> bool:
    """The rule table. Nothing for someone outside the case; in a group only code, initials and ordinary
    categories (special ones only when the deployment allows it); the access log to procesregie, direct."""
    if not deelnemer:
        return False
    if item == Item.ACCESS_LOG:
        return procesregie and not group
    if item == Item.SPECIAL_CATEGORY:
        return special_categories or not group
    return item in GROUP_SAFE or not group


def shown_categories(ctx: Context, categories: Sequence[str], *, deelnemer: bool = True) -> list[str]:
    """The categories this chat may see (special categories drop out of group chats by default)."""
    group = in_group(ctx)
    relax = ctx.config.show_special_categories
    return [
        c
        for c in categories
        if may_show(
            Item.SPECIAL_CATEGORY if c in SPECIAL_CATEGORIES else Item.CATEGORY,
            group=group,
            deelnemer=deelnemer,
            special_categories=relax,
        )
    ]


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
    """Details in a direct chat; from a group, a short line there and the details sent privately, with a
    button that opens the direct chat (for whoever has not started one with the bot yet)."""
    if not in_group(ctx):
        return [Reply(list(details), buttons=buttons)]
    offer = offer_direct(ctx)
    return [
        Reply([group_line, t("privacy.details_in_direct")], buttons=[offer] if offer else []),
        Reply(list(details), buttons=buttons, target=Target.DIRECT),
    ]
