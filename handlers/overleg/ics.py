"""The ``.ics`` invite of a meeting (RFC 5545 / iTIP RFC 5546), built with ``icalendar``.

One file carries the whole series: the master VEVENT with RRULE (UNTIL in UTC, as RFC 5545 requires when
DTSTART has a TZID) and EXDATE for cancelled occurrences, plus one VEVENT per moved occurrence with the same
UID and a RECURRENCE-ID. SEQUENCE is the meeting's, raised on every change. A cancelled meeting (or one
cancelled occurrence) is METHOD:CANCEL with STATUS:CANCELLED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from handlers.overleg.times import Occurrence
from storage.meetings.tables import Meeting, MeetingStatus, Recurrence

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//ketenbot//overleg//NL"
MIME = "text/calendar"

_FREQ: dict[str, dict[str, str | int]] = {
    Recurrence.WEEKLY: {"FREQ": "WEEKLY"},
    Recurrence.BIWEEKLY: {"FREQ": "WEEKLY", "INTERVAL": 2},
    Recurrence.MONTHLY: {"FREQ": "MONTHLY"},
}


@dataclass(frozen=True)
class IcsText:
    summary: str
    description: str


def file_name(meeting: Meeting) -> str:
    return f"overleg-{meeting.id}.ics"


def _event(meeting: Meeting, text: IcsText, start: datetime, tz: ZoneInfo, stamp: datetime) -> Event:
    from icalendar import Event  # imported when an invite is built: ~3 MB a running bot rarely needs

    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", (start + timedelta(minutes=meeting.duration_minutes)).astimezone(tz))
    event.add("summary", text.summary)
    event.add("description", text.description)
    event.add("location", meeting.place)
    event.add("sequence", meeting.sequence)
    return event


def build_ics(
    meeting: Meeting,
    occurrences: Sequence[Occurrence],
    text: IcsText,
    tz: ZoneInfo,
    stamp: datetime,
    *,
    cancel_occurrence: Occurrence | None = None,
    only: Occurrence | None = None,
) -> bytes:
    """REQUEST for a planned meeting; CANCEL for a cancelled one or (``cancel_occurrence``) one date;
    a REQUEST for one date only (``only``: a substitute for that date) is that instance's VEVENT with its
    RECURRENCE-ID."""
    from icalendar import Calendar, vRecur  # see _event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled or cancel_occurrence else "REQUEST")
    if only is not None and not cancelled:
        event = _event(meeting, text, only.start, tz, stamp)
        event.add("recurrence-id", only.original.astimezone(tz))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())
    if cancel_occurrence is not None:
        event = _event(meeting, text, cancel_occurrence.original, tz, stamp)
        event.add("recurrence-id", cancel_occurrence.original.astimezone(tz))
        event.add("status", "CANCELLED")
        calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())
    master = _event(meeting, text, meeting.start_at, tz, stamp)
    master.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.recurrence != Recurrence.NONE and occurrences:
        rule: dict[str, object] = dict(_FREQ[meeting.recurrence])
        rule["UNTIL"] = max(o.original for o in occurrences)
        master.add("rrule", vRecur(rule))
        for occurrence in occurrences:
            if occurrence.cancelled:
                master.add("exdate", occurrence.original.astimezone(tz))
    calendar.add_component(master)
    if not cancelled:
        for occurrence in occurrences:
            if occurrence.moved and not occurrence.cancelled:
                moved = _event(meeting, text, occurrence.start, tz, stamp)
                moved.add("recurrence-id", occurrence.original.astimezone(tz))
                calendar.add_component(moved)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
