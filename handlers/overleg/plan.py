"""``/overleg plan``: the planning form, its field parsers and what submitting it writes.

An ambiguous date or time (``dinsdag 14:00`` on a Tuesday morning, a bare ``14:00``, a DST-doubled hour) is
not taken silently: the answer is refused with what was understood ("ik begrijp: di 01-12-2026 14:00 —
klopt dat?"), the candidate is kept in the form's stored state, and ``ja`` takes it; anything else is parsed
anew. A whole form submitted at once (a modal) cannot ask back, so there an ambiguous date must be typed in
full.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.core import Context, Field, FieldKind, Form, MemberView, Option, Reply, Text, UserError, t
from bot.core.dates import format_date, format_datetime, parse_datetime, parse_time
from bot.core.hygiene import echo
from handlers.casework import CASE_CODE
from handlers.overleg.agenda_request import request_cases
from handlers.overleg.notify import ics_file, kind_label, rebuild_schedule, send_invites, when_text
from handlers.overleg.times import MAX_OCCURRENCES, count_starts, default_until
from handlers.privacy.targets import NO_TARGET
from storage.meetings.tables import Meeting, MeetingKind, Recurrence, Rsvp
from storage.models import Role
from storage.uow import UnitOfWork

PLAN_FORM = "overleg.plan"
CHAIR_ROLES = (Role.VOORZITTER, Role.PROCESMANAGER)
YES = {"ja", "j", "yes", "y", "klopt", "ok"}
MAX_MINUTES = 600


def _state_values(ctx: Context) -> tuple[Any, dict[str, Any]]:
    member = ctx.member
    if member is None:
        return None, {}
    state = ctx.uow.forms.current(ctx.incoming.platform, ctx.incoming.chat_id, member.id)
    if state is None or state.form_id != PLAN_FORM:
        return None, {}
    return state, dict(state.values)


def parse_start(text: str, ctx: Context) -> datetime:
    state, values = _state_values(ctx)
    pending = values.get("_start_pending")
    if pending and text.strip().lower() in YES:
        return datetime.fromisoformat(pending)
    parsed = parse_datetime(text, ctx.clock.now(), ctx.clock.tz)
    if not parsed.ambiguous:
        return parsed.value
    if state is None:
        raise UserError("overleg.start_ambiguous_full", understood=parsed.understood)
    values["_start_pending"] = parsed.value.isoformat()
    ctx.uow.forms.save(
        state.platform, state.chat_id, state.member_id, state.form_id, state.step, values, ctx.clock.now()
    )
    ctx.uow.commit()  # keep the candidate: the refusal below rolls back what is not committed
    raise UserError("overleg.start_confirm", understood=parsed.understood)


def check_future(value: datetime, ctx: Context) -> None:
    if value <= ctx.clock.now():
        raise UserError("overleg.start_past", when=format_datetime(value, ctx.clock.tz))


def show_start(value: Any, ctx: Context) -> str:
    return parse_datetime(
        format_datetime(datetime.fromisoformat(value), ctx.clock.tz), ctx.clock.now(), ctx.clock.tz
    ).understood


def parse_duration(text: str, ctx: Context) -> int:
    """Minutes (``90``) or an end time (``11:30``); an end at or before the start is refused."""
    word = text.strip().lower().removesuffix("min").strip()
    if re.fullmatch(r"-?[0-9]{1,4}", word):
        minutes = int(word)
        if minutes <= 0:
            raise UserError("overleg.end_before_start")
    else:
        end = parse_time(text)
        _, values = _state_values(ctx)
        if "start" not in values:
            raise UserError("overleg.bad_duration", text=echo(text, 20))
        start = datetime.fromisoformat(values["start"]).astimezone(ctx.clock.tz)
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if minutes <= 0:
            raise UserError("overleg.end_before_start")
    if minutes > MAX_MINUTES:
        raise UserError("overleg.too_long", limit=MAX_MINUTES)
    return minutes


def _words(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,;\n]", text) if w.strip()]


def parse_cases(text: str, ctx: Context) -> list[int | str]:
    """Case codes, comma-separated: the ids of the cases the member may see. Any other code a chair
    (voorzitter, procesmanager) names is kept as the code itself, a request to that case's regie holders
    (``handlers/overleg/agenda_request.py``), whether or not such a case exists: the chair cannot tell.
    Anyone else: unknown and not-visible are refused alike."""
    member = ctx.require_member()
    chair = member.has_role(*CHAIR_ROLES)
    chosen: list[int | str] = []
    for word in _words(text.replace(" ", ",")):
        code = word.upper()
        if CASE_CODE.match(code) is None:
            raise UserError("case.bad_code", text=echo(word, 30))
        case = ctx.uow.cases.visible_to(member.id, member.organisation_id, code)
        if case is not None and case.id is not None:
            chosen.append(case.id)
        elif chair:
            chosen.append(code)
        else:
            raise UserError("case.not_found", code=code)
    return list(dict.fromkeys(chosen))


def case_invitees(ctx: Context, case_id: int) -> list[int]:
    """Everyone a case's deelnemers stand for: members in person, and the active members of every
    organisation that is a deelnemer as a whole."""
    uow = ctx.uow
    people = [m.id for m in uow.cases.member_participants(case_id) if m.id is not None]
    organisations = {p.organisation_id for p in uow.cases.participants(case_id) if p.organisation_id}
    if organisations:
        people += [
            m.id
            for m in uow.members.list_all(include_revoked=False)
            if m.organisation_id in organisations and m.active and m.id is not None
        ]
    return list(dict.fromkeys(people))


def show_cases(value: Any, ctx: Context) -> str:
    """Visible cases by code; a requested code as typed, marked the same whether it exists or not."""
    shown = []
    for item in value:
        if isinstance(item, str):
            shown.append(ctx.render(t("overleg.agenda_to_request", code=item)))
        elif (case := ctx.uow.cases.get(int(item))) is not None:
            shown.append(case.code)
    return ", ".join(shown)


def parse_invitees(text: str, ctx: Context) -> list[int]:
    """``@handle`` of members, or organisation names (all their active members)."""
    ids: list[int] = []
    for word in _words(text):
        if word.startswith("@"):
            member = ctx.uow.members.by_handle(word)
            if member is None or member.id is None or not member.active:
                raise UserError("overleg.unknown_invitee", text=echo(word, 40))
            ids.append(member.id)
            continue
        organisation = ctx.uow.organisations.by_name(word)
        if organisation is None or organisation.id is None:
            raise UserError("overleg.unknown_invitee", text=echo(word, 40))
        ids.extend(
            m.id
            for m in ctx.uow.members.list_all(include_revoked=False)
            if m.organisation_id == organisation.id and m.id is not None
        )
    return list(dict.fromkeys(ids))


def show_invitees(value: Any, ctx: Context) -> str:
    members = ctx.uow.meetings.members(int(v) for v in value)
    return ", ".join(members[int(v)].name for v in value if int(v) in members)


def plan_form() -> Form:
    return Form(
        id=PLAN_FORM,
        title=t("overleg.form_title"),
        fields=[
            Field.choice("kind", t("overleg.f_kind"), [Option(k.value, kind_label(k)) for k in MeetingKind]),
            Field.custom(
                "start",
                t("overleg.f_start"),
                FieldKind.DATETIME,
                parse_start,
                show=show_start,
                check=check_future,
            ),
            Field.custom("duration", t("overleg.f_duration"), FieldKind.TEXT, parse_duration),
            Field.text("place", t("overleg.f_place"), max_length=300),
            Field.custom(
                "cases", t("overleg.f_cases"), FieldKind.TEXT, parse_cases, show=show_cases, required=False
            ),
            Field.custom(
                "invitees",
                t("overleg.f_invitees"),
                FieldKind.TEXT,
                parse_invitees,
                show=show_invitees,
                required=False,
            ),
            Field.choice(
                "recurrence",
                t("overleg.f_recurrence"),
                [Option(r.value, t(f"overleg.recurrence.{r.value}")) for r in Recurrence],
            ),
            replace(
                Field.date("until", t("overleg.f_until"), required=False),
                skip_when=lambda values: values.get("recurrence") == Recurrence.NONE.value,
            ),
        ],
        on_submit=lambda values, ctx: submit_plan(values, ctx),
        roles=frozenset(CHAIR_ROLES),
        target=NO_TARGET,  # the cases field checks each code against what the member may see (parse_cases)
    )


def chair_role(member: MemberView, uow: UnitOfWork) -> bool:
    """A ``may_use`` check (``/help``): whether the member may plan, move and cancel meetings."""
    return member.has_role(*CHAIR_ROLES)


def require_chair_role(ctx: Context) -> None:
    if not ctx.require_member().has_role(*CHAIR_ROLES):
        raise UserError("overleg.chair_role_only")


def submit_plan(values: dict[str, Any], ctx: Context) -> list[Reply]:
    require_chair_role(ctx)
    member = ctx.require_member()
    tz = ctx.clock.tz
    start: datetime = values["start"]
    check_future(start, ctx)
    recurrence = Recurrence(values["recurrence"])
    until: date | None = values.get("until")
    if recurrence == Recurrence.NONE:
        until = None
    elif until is None:
        until = default_until(recurrence, start, tz)
    elif until < start.astimezone(tz).date():
        raise UserError("overleg.until_before_start", until=format_date(until))
    if count_starts(recurrence, start, until, tz) > MAX_OCCURRENCES:
        raise UserError("overleg.too_many", limit=MAX_OCCURRENCES)
    return [
        plan_meeting(
            ctx,
            kind=MeetingKind(values["kind"]),
            start=start,
            minutes=int(values["duration"]),
            place=str(values["place"]),
            case_ids=[int(v) for v in values.get("cases") or [] if not isinstance(v, str)],
            requested=[v for v in values.get("cases") or [] if isinstance(v, str)],
            invitee_ids=[int(v) for v in values.get("invitees") or []],
            recurrence=recurrence,
            until=until,
            chair_id=member.id,
        )
    ]


def plan_meeting(
    ctx: Context,
    *,
    kind: MeetingKind,
    start: datetime,
    minutes: int,
    place: str,
    case_ids: list[int],
    invitee_ids: list[int],
    recurrence: Recurrence,
    until: date | None,
    chair_id: int,
    requested: Sequence[str] = (),
) -> Reply:
    """Save the meeting, agenda and invitees; queue invites, reminders and cut-offs; one transaction.
    ``case_ids`` are cases the chair may see; ``requested`` codes go to their regie holders."""
    now = ctx.clock.now()
    with ctx.uow as uow:
        meeting = uow.meetings.add(
            Meeting(
                uid=f"{uuid.uuid4()}@ketenbot",
                kind=kind,
                start_at=start.astimezone(now.tzinfo),
                duration_minutes=minutes,
                place=place,
                chair_id=chair_id,
                recurrence=recurrence,
                until=until,
                created_at=now,
                updated_at=now,
            )
        )
        assert meeting.id is not None
        uow.meetings.add_agenda(meeting.id, case_ids)
        people = [chair_id, *invitee_ids]
        for case_id in case_ids:
            people.extend(case_invitees(ctx, case_id))
        invitees = uow.meetings.invite(meeting.id, people)
        for invitee in invitees:
            if invitee.member_id == chair_id:
                uow.meetings.answer(invitee, Rsvp.JA, now)
        rebuild_schedule(ctx, meeting)
        send_invites(ctx, meeting, [i for i in invitees if i.member_id != chair_id], update=False)
        file = ics_file(ctx, meeting)
        asked = request_cases(ctx, meeting, requested)
        ctx.audit("overleg.plan", kind="write", detail=f"meeting {meeting.id}")
        uow.commit()
        lines: list[Text | str] = [
            t("overleg.planned", id=meeting.id, kind=kind_label(kind), count=len(invitees) - 1),
            when_text(ctx, meeting),
            *asked,
        ]
    return Reply(lines, file=file)
