"""The rendering policy, combination by combination: item x group/direct x deelnemer x procesregie x relax."""

from itertools import product

import pytest

from bot.core import ChatKind, CoreConfig, Incoming
from handlers.privacy.policy import Item, may_show, shown_categories

D, G = "direct", "group"
# item -> the (chat, procesregie, special categories relaxed) combinations a deelnemer may see it in;
# someone who is not a deelnemer sees nothing anywhere.
EVERYWHERE = {(chat, pr, relax) for chat in (D, G) for pr in (False, True) for relax in (False, True)}
DIRECT_ONLY = {(D, pr, relax) for pr in (False, True) for relax in (False, True)}
ALLOWED = {
    Item.CASE_CODE: EVERYWHERE,
    Item.INITIALS: EVERYWHERE,
    Item.CATEGORY: EVERYWHERE,
    Item.NAME: DIRECT_ONLY,
    Item.BIRTH_DATE: DIRECT_ONLY,
    Item.DESCRIPTION: DIRECT_ONLY,
    Item.DETAILS: DIRECT_ONLY,
    Item.SPECIAL_CATEGORY: DIRECT_ONLY | {(G, pr, True) for pr in (False, True)},
    Item.ACCESS_LOG: {(D, True, relax) for relax in (False, True)},
}
CASES = list(product(Item, (D, G), (False, True), (False, True), (False, True)))


def test_the_table_names_every_item():
    assert set(ALLOWED) == set(Item)


@pytest.mark.parametrize(("item", "chat", "deelnemer", "procesregie", "relax"), CASES)
def test_each_combination(item: Item, chat: str, deelnemer: bool, procesregie: bool, relax: bool):
    expected = deelnemer and (chat, procesregie, relax) in ALLOWED[item]
    shown = may_show(
        item, group=chat == G, deelnemer=deelnemer, procesregie=procesregie, special_categories=relax
    )
    assert shown is expected


class _Ctx:
    def __init__(self, kind: ChatKind, relax: bool) -> None:
        self.incoming = Incoming(platform="console", chat_id="c", user_id="u", user_name="u", chat_kind=kind)
        self.config = CoreConfig(show_special_categories=relax)


@pytest.mark.parametrize(
    ("kind", "relax", "expected"),
    [
        (ChatKind.DIRECT, False, ["overlast", "psychisch", "huiselijk_geweld"]),
        (ChatKind.GROUP, False, ["overlast"]),
        (ChatKind.GROUP, True, ["overlast", "psychisch", "huiselijk_geweld"]),
    ],
)
def test_special_categories_leave_group_chats_unless_relaxed(kind, relax, expected):
    ctx = _Ctx(kind, relax)
    assert shown_categories(ctx, ["overlast", "psychisch", "huiselijk_geweld"]) == expected  # type: ignore[arg-type]
    assert shown_categories(ctx, ["overlast"], deelnemer=False) == []  # type: ignore[arg-type]
