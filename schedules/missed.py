"""Reminders that could not do their job: expired before they went out (the bot was down, the platform
kept failing) or undeliverable. They are summarised in ONE message to procesregie (every member with the
role procesmanager gets that one summary), written in the same transaction that marks them. Each item is
named in words with its case (``schedules/missed_words.py``), and the casusregisseur of a case with missed
items gets a summary of the items of their cases too."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.context import encode_reply
from bot.core.dates import format_datetime
from bot.core.i18n import Text, t
from bot.core.types import Reply
from schedules.missed_words import describe
from storage.cases.tables import RegieKind
from storage.models import OutboxMessage, Role
from storage.uow import UnitOfWork

log = logging.getLogger("ketenbot.dispatcher")

SUMMARY_KIND = "missed"
MAX_ITEMS = 20  # a longer list is cut, with the number left out


@dataclass(frozen=True)
class MissedItem:
    dedupe_key: str
    due_at: datetime
    member_id: int | None
    group_purpose: str | None
    failed: bool  # False: expired before it went out; True: could not be delivered

    @classmethod
    def of(cls, row: OutboxMessage, *, failed: bool = False) -> MissedItem:
        return cls(row.dedupe_key, row.due_at, row.member_id, row.group_purpose, failed)

    @property
    def is_summary(self) -> bool:
        return self.dedupe_key.startswith(f"{SUMMARY_KIND}:")


def summary_text(
    uow: UnitOfWork, items: Sequence[MissedItem], tz: ZoneInfo, *, lead: Text | None = None
) -> list[Text]:
    parts: list[Text] = [lead] if lead is not None else []
    for failed, header in ((False, "outbox.missed_summary"), (True, "outbox.failed_summary")):
        chosen = [item for item in items if item.failed is failed]
        if not chosen:
            continue
        parts.append(t(header, count=len(chosen)))
        for item in chosen[:MAX_ITEMS]:
            parts.append(
                t(
                    "outbox.missed_item",
                    what=describe(uow, item.dedupe_key).what,
                    due=format_datetime(item.due_at, tz),
                    to=_recipient_name(uow, item),
                )
            )
        if len(chosen) > MAX_ITEMS:
            parts.append(t("outbox.missed_more", count=len(chosen) - MAX_ITEMS))
    return parts


def queue_summary(uow: UnitOfWork, items: Sequence[MissedItem], now: datetime, tz: ZoneInfo) -> int:
    """Queue one summary per procesmanager (inside the caller's transaction); returns how many."""
    relevant = [item for item in items if not item.is_summary]
    for item in items:
        if item.is_summary:
            log.error("a missed-reminders summary itself could not be delivered: %s", item.dedupe_key)
    if not relevant:
        return 0
    payload = encode_reply(Reply(summary_text(uow, relevant, tz)))
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    token = secrets.token_hex(4)  # two sweeps in the same instant still get their own keys
    queued = 0
    managers: set[int] = set()
    for member in uow.members.with_role(Role.PROCESMANAGER):
        if member.id is None or not member.active:
            continue
        managers.add(member.id)
        key = f"{SUMMARY_KIND}:{stamp}:{token}@{member.id}"
        if uow.outbox.add(key, payload, due_at=now, now=now, member_id=member.id) is not None:
            queued += 1
    if queued == 0:
        log.error("%d reminders missed and no procesmanager to tell: %s", len(relevant), relevant[:5])
    for member_id, theirs in _by_casusregisseur(uow, relevant).items():
        if member_id in managers:
            continue  # already has the whole summary
        lead = t("missed.for_your_cases")
        mine = encode_reply(Reply(summary_text(uow, theirs, tz, lead=lead)))
        key = f"{SUMMARY_KIND}:{stamp}:{token}:casus@{member_id}"
        if uow.outbox.add(key, mine, due_at=now, now=now, member_id=member_id) is not None:
            queued += 1
    return queued


def _by_casusregisseur(uow: UnitOfWork, items: Sequence[MissedItem]) -> dict[int, list[MissedItem]]:
    """The missed items per active casusregisseur of the case they are about."""
    holders: dict[int, int | None] = {}
    result: dict[int, list[MissedItem]] = {}
    for item in items:
        case_id = describe(uow, item.dedupe_key).case_id
        if case_id is None:
            continue
        if case_id not in holders:
            holder = uow.regie.current(case_id).get(RegieKind.CASUSREGIE)
            member = uow.members.get(holder.member_id) if holder is not None else None
            holders[case_id] = member.id if member is not None and member.active else None
        member_id = holders[case_id]
        if member_id is not None:
            result.setdefault(member_id, []).append(item)
    return result


def _recipient_name(uow: UnitOfWork, item: MissedItem) -> str:
    if item.member_id is not None:
        member = uow.members.get(item.member_id)
        return member.name if member else f"#{item.member_id}"
    return item.group_purpose or "?"
