"""Helpers for the overleg tests: plan a meeting in one go, read outbox rows and parse delivered invites."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from icalendar import Calendar
from sqlmodel import col, select

from storage.meetings.tables import Meeting
from storage.models import OutboxMessage, OutboxStatus
from tests.harness import Chat

PLAN = {
    "kind": "mdo",
    "start": "01-12-2026 10:00",
    "duration": "90",
    "place": "Stadhuis Waterdam, kamer 2",
    "cases": "VH-2026-0001",
    "invitees": "@ggz",
    "recurrence": "weekly",
    "until": "22-12-2026",
}


def plan(chat: Chat, user: str = "procesmanager", **overrides: str) -> str:
    """Submit the planning form whole (as a modal would); the reply text."""
    return "\n".join(o.text for o in chat.submit("overleg.plan", {**PLAN, **overrides}, user=user))


DEMO_MEETINGS = 2  # bot/demo/meetings.py: the triage series (#1) and the MDO (#2); tests plan #3 on


def meetings(chat: Chat) -> list[Meeting]:
    """The meetings a test planned (the demo's are left out)."""
    with chat.app.uow() as uow:
        statement = select(Meeting).where(col(Meeting.id) > DEMO_MEETINGS).order_by(col(Meeting.id))
        return list(uow.session.exec(statement).all())


def rows(chat: Chat, prefix: str, status: str | None = OutboxStatus.PENDING) -> list[OutboxMessage]:
    with chat.app.uow() as uow:
        statement = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith(prefix))
        if status is not None:
            statement = statement.where(OutboxMessage.status == status)
        return list(uow.session.exec(statement.order_by(col(OutboxMessage.id))).all())


def member_id(chat: Chat, handle: str) -> int:
    with chat.app.uow() as uow:
        member = uow.members.by_handle("@" + handle)
        assert member is not None and member.id is not None
        return member.id


def calendar_of(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def local(text: str) -> datetime:
    """``2026-12-01 10:00`` as an aware Amsterdam time."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))


def event_of(data: bytes, index: int = 0) -> Any:
    """The ``index``-th VEVENT of an .ics file (typed loosely: icalendar's property types are a union)."""
    events: list[Any] = list(Calendar.from_ical(data).walk("VEVENT"))
    return events[index]


def method_of(data: bytes) -> str:
    calendar: Any = Calendar.from_ical(data)
    return str(calendar["METHOD"])
