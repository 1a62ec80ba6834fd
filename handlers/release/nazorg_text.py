"""How a nazorg checklist reads in chat (``/nazorg``, release alerts, unexpected-release alerts) and the
buttons that tick its items off. No commands here: ``handlers/release/nazorg.py`` and the alerts share
this."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import Button, Text, UserError, t
from bot.core.hygiene import echo
from storage.release.nazorg import NazorgItem, NazorgItemKind, NazorgStatus

TICK = "nazorg.tick"  # value: "<detention id>:<item>"; sets the item to geregeld
ITEM_WORDS = {
    NazorgItemKind.ID_BEWIJS: ("id_bewijs", "id-bewijs", "id", "idbewijs", "identiteitsbewijs"),
    NazorgItemKind.ONDERDAK: ("onderdak", "housing", "wonen"),
    NazorgItemKind.INKOMEN: ("inkomen", "income", "werk"),
    NazorgItemKind.SCHULDEN: ("schulden", "debts", "debt"),
    NazorgItemKind.ZORG: ("zorg", "care"),
    NazorgItemKind.DAGBESTEDING: ("dagbesteding", "daytime"),
}
STATUS_WORDS = {
    NazorgStatus.GEREGELD: ("geregeld", "done", "klaar"),
    NazorgStatus.NVT: ("nvt", "n.v.t.", "n.v.t", "na", "n/a"),
    NazorgStatus.OPEN: ("open",),
}


def parse_item(word: str) -> NazorgItemKind:
    lowered = word.strip().lower()
    for kind, words in ITEM_WORDS.items():
        if lowered in words:
            return kind
    options = ", ".join(k.value for k in NazorgItemKind)
    raise UserError("nazorg.bad_item", item=echo(word, 30), options=options)


def parse_status(word: str) -> NazorgStatus:
    lowered = word.strip().lower()
    for status, words in STATUS_WORDS.items():
        if lowered in words:
            return status
    raise UserError("nazorg.bad_status", status=echo(word, 30))


def item_label(kind: str) -> Text:
    return t(f"nazorg.item.{kind}")


def open_items(items: Sequence[NazorgItem]) -> list[NazorgItem]:
    return [item for item in items if item.status == NazorgStatus.OPEN]


def open_line(items: Sequence[NazorgItem]) -> Text:
    """The open items ("Nog open: ID-bewijs, onderdak."), or that all are done; or that there is no list."""
    if not items:
        return t("nazorg.no_checklist")
    still = open_items(items)
    if not still:
        return t("nazorg.all_done")
    return t("nazorg.still_open", items=[item_label(item.item) for item in still])


def checklist_lines(items: Sequence[NazorgItem], owners: dict[int, str]) -> list[Text]:
    lines = []
    for item in items:
        status = t(f"nazorg.status.{item.status}")
        if item.owner_id is not None:
            owner = owners.get(item.owner_id, "?")
            lines.append(t("nazorg.line_owner", item=item_label(item.item), status=status, owner=owner))
        else:
            lines.append(t("nazorg.line", item=item_label(item.item), status=status))
    return lines


def tick_buttons(detention_id: int, items: Sequence[NazorgItem]) -> list[Button]:
    """One "geregeld" button per open item (values are ids plus the item code: well under 64 bytes)."""
    return [
        Button(TICK, t("nazorg.tick_button", item=item_label(item.item)), f"{detention_id}:{item.item}")
        for item in open_items(items)
    ]
