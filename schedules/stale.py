"""The stale-case watchdog: every working morning one message per procesregie holder listing their active
cases with nothing planned (no open action) for more than ``weeks`` weeks.

``run_stale_watchdog`` is what the runtime's scheduler calls; it writes outbox rows with the dedupe key
``stale:<member id>:<date>``, so a second run on the same day sends nothing twice. Overleg (issue 6) is not
in the schema yet: until it lands, only actions count as "something planned".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.types import Button, Reply
from storage.cases.tables import Case
from storage.uow import UnitOfWork

MAX_LISTED = 20


def is_working_day(moment: datetime, tz: ZoneInfo) -> bool:
    """Monday to Friday (public holidays come with the reminder engine's working-day rules)."""
    return moment.astimezone(tz).weekday() < 5


def stale_by_member(uow: UnitOfWork, now: datetime, weeks: int) -> dict[int, list[Case]]:
    """procesregie member id -> their stale cases (the pure query, grouped)."""
    grouped: dict[int, list[Case]] = defaultdict(list)
    for member_id, case in uow.stale.stale_cases(now - timedelta(weeks=weeks), now):
        grouped[member_id].append(case)
    return dict(grouped)


def digest(cases: list[Case], weeks: int) -> Reply:
    listed = cases[:MAX_LISTED]
    lines = [t("stale.header", count=len(cases), weeks=weeks)]
    lines += [t("stale.line", code=c.code, initials=c.initials) for c in listed]
    if len(cases) > len(listed):
        lines.append(t("stale.more", count=len(cases) - len(listed)))
    buttons = [Button("stale.mdo", t("stale.b_mdo"), value=c.code) for c in listed[:5]]
    buttons += [Button("stale.action", t("stale.b_action"), value=c.code) for c in listed[:5]]
    return Reply(lines, buttons=buttons)


def run_stale_watchdog(uow_factory: Callable[[], UnitOfWork], now: datetime, tz: ZoneInfo, weeks: int) -> int:
    """Queue today's digest for every procesregie holder with stale cases; returns rows written."""
    if not is_working_day(now, tz):
        return 0
    day = now.astimezone(tz).date().isoformat()
    written = 0
    with uow_factory() as uow:
        for member_id, cases in stale_by_member(uow, now, weeks).items():
            row = uow.outbox.add(
                f"stale:{member_id}:{day}",
                encode_reply(digest(cases, weeks)),
                due_at=now,
                now=now,
                member_id=member_id,
                expires_at=now + timedelta(hours=12),
                case_ids=[c.id for c in cases if c.id is not None],  # the whole list, also the unlisted
            )
            written += row is not None
        uow.commit()
    return written
