"""Code rood: an acute huiselijk-geweld signal offers every procesmanager a one-tap same-day HG-overleg.

The acute alert of ``/signaal`` carries the button when the signal is ``acuut`` and has the category
huiselijk geweld. One tap plans an HG-overleg at the next sensible slot (``same_day_slot``) with every
active member of the Veilig Thuis, politie and gemeente organisations, through the usual meeting planning
(invites with RSVP buttons and an .ics, reminders). A second tap, by anyone, plans nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_date, format_datetime
from bot.core.hygiene import is_id
from handlers.overleg.plan import plan_meeting
from handlers.privacy.targets import code_rood_signal_in_value
from schedules.rules import add_working_days, is_working_day, local_at
from storage.cases.tables import Signal, SignalCategory, Urgency
from storage.meetings.tables import MeetingKind, Recurrence
from storage.models import OrganisationKind, Role
from storage.network.escalation import CodeRood

group = CommandGroup("code_rood")

PLAN = "coderood.plan"
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)
MINUTES = 60
LEAD_TIME = timedelta(hours=1)
INVITED_KINDS = frozenset(
    {OrganisationKind.VEILIG_THUIS, OrganisationKind.POLITIE, OrganisationKind.GEMEENTE}
)


def is_code_rood(signal: Signal) -> bool:
    return signal.urgency == Urgency.ACUUT and SignalCategory.HUISELIJK_GEWELD in (signal.categories or [])


SLOT_FORMAT = "%Y%m%d%H%M"  # the offered slot in the button value, UTC: "12@202611261000"
MIN_NOTICE = timedelta(minutes=30)  # an offered slot still this far ahead at the press is booked as offered


def offer(
    signal: Signal, now: datetime | None = None, tz: ZoneInfo | None = None
) -> tuple[list[Text], list[Button]]:
    """The extra line and button for the acute alert (nothing when the signal is not code rood). With the
    clock, the button names the slot it books ("HG-overleg plannen: vandaag 11:00", or "morgen 09:00" after
    office hours) and carries it, so the press books what the button said."""
    if not is_code_rood(signal) or signal.id is None:
        return [], []
    if now is None or tz is None:
        return [t("coderood.offer")], [Button(PLAN, t("coderood.b_plan"), value=str(signal.id))]
    slot = same_day_slot(now, tz)
    value = f"{signal.id}@{slot.astimezone(UTC).strftime(SLOT_FORMAT)}"
    label = t("coderood.b_plan_at", when=slot_words(slot, now, tz))
    return [t("coderood.offer_at", when=slot_words(slot, now, tz))], [Button(PLAN, label, value=value)]


def slot_words(slot: datetime, now: datetime, tz: ZoneInfo) -> Text:
    local, today = slot.astimezone(tz), now.astimezone(tz).date()
    at = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == today:
        return t("coderood.today_at", time=at)
    if local.date() == today + timedelta(days=1):
        return t("coderood.tomorrow_at", time=at)
    return t("coderood.day_at", day=f"{format_date(local.date())}", time=at)


def _parse_value(value: str) -> tuple[int | None, datetime | None]:
    head, _, slot = value.partition("@")
    if not is_id(head):
        return None, None
    try:
        offered = datetime.strptime(slot, SLOT_FORMAT).replace(tzinfo=UTC) if slot else None
    except ValueError:
        offered = None
    return int(head), offered


def same_day_slot(now: datetime, tz: ZoneInfo) -> datetime:
    """The next whole hour at least an hour ahead, within office hours (09:00-17:00, ending by 17:00) on a
    working day; otherwise 09:00 on the next working day. Aware UTC."""
    local = now.astimezone(tz)
    earliest = local + LEAD_TIME
    slot = earliest.replace(minute=0, second=0, microsecond=0)
    if slot < earliest:
        slot += timedelta(hours=1)
    today = local.date()
    if is_working_day(today) and slot.date() == today:
        opens = datetime.combine(today, OFFICE_OPENS, tzinfo=tz)
        slot = max(slot, opens)
        if slot + timedelta(minutes=MINUTES) <= datetime.combine(today, OFFICE_CLOSES, tzinfo=tz):
            return slot.astimezone(now.tzinfo)
    return local_at(add_working_days(today, 1), OFFICE_OPENS, tz)


def invitee_ids(ctx: Context) -> list[int]:
    uow = ctx.uow
    organisations = {o.id for o in uow.organisations.list_all() if o.kind in INVITED_KINDS}
    return [
        m.id
        for m in uow.members.list_all(include_revoked=False)
        if m.organisation_id in organisations and m.id is not None
    ]


@group.action(PLAN, roles=[Role.PROCESMANAGER], target=code_rood_signal_in_value)
def plan_code_rood(msg: Incoming, ctx: Context) -> Sequence[Reply]:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        signal_id, offered = _parse_value(msg.value)
        signal = uow.signals.get(signal_id) if signal_id is not None else None
        if signal is None or signal.id is None or not is_code_rood(signal):
            raise UserError("core.stale_button")
        if (existing := uow.code_rood.for_signal(signal.id)) is not None:
            return [already(ctx, existing)]
        row = CodeRood(signal_id=signal.id, planned_by=member.id, planned_at=now)
        try:
            with uow.session.begin_nested():
                uow.code_rood.add(row)
        except IntegrityError:  # a second tap at the same moment: the first one plans it
            raise UserError("coderood.busy") from None
        # the slot the button named, while it is still ahead enough; else the next one (the reply says which)
        start = (
            offered
            if offered is not None and offered - now >= MIN_NOTICE
            else same_day_slot(now, ctx.clock.tz)
        )
        invited = [i for i in invitee_ids(ctx) if i != member.id]
        planned = plan_meeting(
            ctx,
            kind=MeetingKind.HG,
            start=start,
            minutes=MINUTES,
            place=ctx.render(t("coderood.place")),
            case_ids=[],
            invitee_ids=invited,
            recurrence=Recurrence.NONE,
            until=None,
            chair_id=member.id,
        )
        uow.code_rood.link_meeting(row, member.id)
        ctx.audit("coderood.plan", kind="write", detail=f"signal {signal.id}")
        uow.commit()
    head = t("coderood.planned", ref=f"S-{signal.id}", when=format_datetime(start, ctx.clock.tz))
    return [Reply(head), planned]


def already(ctx: Context, row: CodeRood) -> Reply:
    uow = ctx.uow
    meeting = uow.meetings.get(row.meeting_id) if row.meeting_id is not None else None
    planner = uow.members.get(row.planned_by)
    when = format_datetime(meeting.start_at, ctx.clock.tz) if meeting else "?"
    return Reply(t("coderood.already", name=planner.name if planner else "?", when=when))
