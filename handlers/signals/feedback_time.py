"""When the aanmelder of a mutatie hears it was taken up: never sooner than a triage would have told them.

A signal about a person already in an open case goes to that case's procesregie as a mutatie and can be
handled within minutes; a signal about an unknown person waits for the triage-overleg. If the terugkoppeling
"in behandeling genomen" went out as soon as procesregie pressed a button, its timing alone would tell the
aanmelder the person was known (docs/privacy.md, section 2 "Timing"). So it is due at the end of the first
triage-overleg whose agenda the signal would have made (agenda cut-off after the signal came in), or, with no
triage-overleg planned, a week after the signal came in; never before now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import Context
from handlers.overleg.times import occurrences, triage_cutoff
from storage.cases.tables import Signal

NO_TRIAGE_PLANNED_WAIT = timedelta(days=7)  # the weekly triage rhythm, when no triage-overleg is planned


def taken_up_due(ctx: Context, signal: Signal) -> datetime:
    """The moment the aanmelder's "in behandeling genomen" about a handled mutatie may go out."""
    tz, received = ctx.clock.tz, signal.created_at
    ends = []
    for meeting in ctx.uow.meetings.triage_series():
        assert meeting.id is not None
        length = timedelta(minutes=meeting.duration_minutes)
        for occurrence in occurrences(meeting, ctx.uow.meetings.changes(meeting.id), tz):
            if not occurrence.cancelled and triage_cutoff(occurrence.start, tz) > received:
                ends.append(occurrence.start + length)
                break  # sorted by start: the first one the signal would have been on
    moment = min(ends) if ends else received + NO_TRIAGE_PLANNED_WAIT
    return max(moment, ctx.clock.now())
