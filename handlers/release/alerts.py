"""The text of a release alert, built from the nazorg checklist *when the alert is sent*.

A release alert is queued weeks ahead, so its stored payload would name what was open back then. The
dispatcher asks ``refresh_release_alert`` for a fresh payload when it claims the row (``bot/app.py`` wires
it in); the stored payload is only the fallback. The alert carries a "geregeld" button per open item.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from bot.core import Context, Reply, UserError, t
from bot.core.context import encode_reply
from bot.core.dates import format_date
from handlers.release.nazorg_text import open_line, tick_buttons
from schedules.rules import offset_of
from storage.cases.tables import Case
from storage.models import OutboxMessage
from storage.release.detention import Detention
from storage.uow import UnitOfWork

MAX_YEARS = 30  # a release or detention start further from today than this is a typo (01-01-2200)

def release_reply(
    uow: UnitOfWork, detention: Detention, case: Case, offset: str, today: date | None = None
) -> Reply:
    """The alert of rung ``offset`` (``T-7``) as the checklist stands now; sent on ``today`` it names the
    real distance (a T-7 sent late on T-5 says 5 days)."""
    assert detention.id is not None
    items = uow.nazorg.checklist(detention.id)
    release = format_date(detention.release_on)
    days = int(offset.removeprefix("T-"))
    if today is not None:
        days = max(0, (detention.release_on - today).days)
    if days == 0:
        head = t("reminder.release_today", code=case.code, facility=detention.facility, release=release)
    else:
        head = t(
            "reminder.release_before", days=days, code=case.code, facility=detention.facility, release=release
        )
    return Reply([head, open_line(items)], buttons=tick_buttons(detention.id, items))


def refresh_release_alert(
    uow: UnitOfWork, row: OutboxMessage, today: date | None = None
) -> dict[str, Any] | None:
    """The payload of a claimed ``release:<detention>:<offset>@<member>`` row, rendered from today's
    checklist; None (keep the stored one) when the detention is gone."""
    detention = uow.session.get(Detention, int(row.dedupe_key.split(":")[1]))
    case = uow.cases.get(detention.case_id) if detention is not None else None
    if detention is None or case is None:
        return None
    return encode_reply(release_reply(uow, detention, case, offset_of(row.dedupe_key), today))


def check_dates(ctx: Context, started_on: date, release_on: date) -> None:
    """Start before release, release not in the past, and both within a plausible window: a release at most
    ``MAX_YEARS`` years ahead, a start at most ``MAX_YEARS`` back (a typo such as 2200 is refused)."""
    today = ctx.clock.today()
    if release_on > today + relativedelta(years=MAX_YEARS):
        raise UserError(
            "detentie.release_too_far",
            release=format_date(release_on),
            years=MAX_YEARS,
            latest=format_date(today + relativedelta(years=MAX_YEARS)),
        )
    if started_on < today - relativedelta(years=MAX_YEARS):
        raise UserError(
            "detentie.start_too_old",
            start=format_date(started_on),
            years=MAX_YEARS,
            earliest=format_date(today - relativedelta(years=MAX_YEARS)),
        )
    if release_on < started_on:
        raise UserError(
            "detentie.release_before_start", release=format_date(release_on), start=format_date(started_on)
        )
    if release_on < ctx.clock.today():
        raise UserError("detentie.release_in_past", release=format_date(release_on))
