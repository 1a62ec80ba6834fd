"""Fictional demo meetings: an upcoming weekly triage-overleg series and an MDO on a demo case.

Called from ``bot.demo.loader.load_demo`` after the cases exist. The rows are written directly and no invites
go out (loading demo data sends nobody anything now); the reminders, the chair's warnings and the triage
cut-offs are queued as for a planned meeting (``handlers.overleg.notify.rebuild_schedule``), so the demo
sends them when they are due. An RSVP, a move or a cancellation rebuilds them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import FixedClock
from bot.core.context import Context, CoreConfig
from bot.core.forms import FormEngine
from bot.core.types import Incoming
from handlers.overleg.notify import rebuild_schedule
from storage.meetings.tables import Meeting, MeetingKind, Recurrence, Rsvp
from storage.models import Member
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")


def _next_weekday(now: datetime, weekday: int, at: time) -> datetime:
    """The first ``weekday`` (0 = Monday) after today at ``at`` local time, in UTC."""
    day = now.astimezone(TZ).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)


def load_demo_meetings(
    uow: UnitOfWork, members: dict[str, Member], now: datetime, *, reminders: bool = True
) -> None:
    def mid(handle: str) -> int:
        member_id = members[handle].id
        assert member_id is not None
        return member_id

    triage_start = _next_weekday(now, 1, time(10, 0))  # Tuesdays 10:00, cut-off Monday 12:00
    triage = uow.meetings.add(
        Meeting(
            uid=f"{uuid.uuid4()}@ketenbot",
            kind=MeetingKind.TRIAGE,
            start_at=triage_start,
            duration_minutes=90,
            place="Zorg- en Veiligheidshuis Rivierland, zaal 1",
            chair_id=mid("procesmanager2"),
            recurrence=Recurrence.WEEKLY,
            until=(triage_start + timedelta(weeks=12)).astimezone(TZ).date(),
            created_at=now,
            updated_at=now,
        )
    )
    assert triage.id is not None
    invited = uow.meetings.invite(
        triage.id,
        [mid(h) for h in ("procesmanager2", "procesmanager", "wijkagent", "veiligthuis", "reclassering")],
    )
    for invitee in invited:
        if invitee.member_id in (mid("procesmanager2"), mid("wijkagent")):
            uow.meetings.answer(invitee, Rsvp.JA, now)
    hg_case = uow.cases.by_code(f"VH-{now.astimezone(TZ).year}-0002")
    mdo = uow.meetings.add(
        Meeting(
            uid=f"{uuid.uuid4()}@ketenbot",
            kind=MeetingKind.MDO,
            start_at=_next_weekday(now, 3, time(13, 30)),
            duration_minutes=60,
            place="https://video.example/mdo-rivierland",
            chair_id=mid("procesmanager2"),
            created_at=now,
            updated_at=now,
        )
    )
    assert mdo.id is not None
    if hg_case is not None and hg_case.id is not None:
        uow.meetings.add_agenda(mdo.id, [hg_case.id])
    for invitee in uow.meetings.invite(mdo.id, [mid("procesmanager2"), mid("veiligthuis"), mid("wijkagent")]):
        if invitee.member_id == mid("procesmanager2"):
            uow.meetings.answer(invitee, Rsvp.JA, now)
        elif invitee.member_id == mid("veiligthuis"):
            uow.meetings.answer(invitee, Rsvp.NEE, now)
    if reminders:
        queue_demo_reminders(uow, [triage, mdo], now)


def queue_demo_reminders(uow: UnitOfWork, demo_meetings: list[Meeting], now: datetime) -> int:
    """The reminders of the demo meetings, written as a planned meeting's are (no invites: the demo's
    invitees were invited "before" the demo started)."""
    ctx = Context(
        incoming=Incoming("console", "demo", "demo"),
        member=None,
        uow=uow,
        clock=FixedClock(now, TZ),
        language="nl",
        config=CoreConfig(),
        forms=FormEngine({}),
        correlation_id="demo",
    )
    return sum(rebuild_schedule(ctx, meeting) for meeting in demo_meetings)
