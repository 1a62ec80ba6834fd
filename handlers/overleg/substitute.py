"""*Ik stuur een vervanger*: the button opens a small form that asks who goes instead (the member picker),
for the series or for the one date the button belongs to, rather than telling the invitee what to type.
Typing ``/overleg ID vervanger @lid [dd-mm-jjjj]`` still works (``rsvp.send_substitute``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core import Context, Field, Form, Reply, UserError, t
from bot.core.dates import format_date
from handlers.overleg.occurrence import pick_occurrence
from handlers.overleg.rsvp import answer, load_meeting, require_planned
from handlers.privacy.targets import meeting_in_values
from storage.meetings.tables import Rsvp

SUBSTITUTE_FORM = "overleg.substitute"


def substitute_form() -> Form:
    return Form(
        id=SUBSTITUTE_FORM,
        title=t("overleg.substitute_title"),
        fields=[
            Field.server_set("meeting", t("overleg.f_meeting")),
            Field.server_set("day", t("overleg.f_occurrence")),
            Field.member("substitute", t("overleg.f_substitute")),
        ],
        on_submit=lambda values, ctx: submit_substitute(values, ctx),
        confirm=False,
        target=meeting_in_values("meeting"),
        follow_up_only=True,
    )


def start_substitute(ctx: Context, raw_id: str, day: date | None) -> list[Reply]:
    """The button: check the meeting (and the date) now, then ask for the member."""
    with ctx.uow as uow:
        meeting = load_meeting(ctx, raw_id)
        require_planned(meeting)
        if day is not None:
            pick_occurrence(ctx, meeting, day)
        initial = {"meeting": str(meeting.id), "day": day.isoformat() if day else None}
        started = ctx.forms.start(SUBSTITUTE_FORM, ctx, initial=initial)
        uow.commit()
    which = (
        t("overleg.substitute_for_day", id=meeting.id, day=format_date(day))
        if day is not None
        else t("overleg.substitute_for_series", id=meeting.id)
    )
    return [Reply(which), *started[1:]]


def submit_substitute(values: dict[str, Any], ctx: Context) -> Reply:
    substitute = values.get("substitute")
    if substitute is None:
        raise UserError("form.required")
    if int(substitute) == ctx.require_member().id:
        raise UserError("overleg.substitute_self")
    raw_day = values.get("day")
    day = date.fromisoformat(str(raw_day)) if raw_day else None
    return answer(ctx, str(values["meeting"]), Rsvp.VERVANGER, int(substitute), day=day)
