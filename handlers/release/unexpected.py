"""Unexpected release (``/detentie CODE vrij [datum]``) and a minor in detention.

An unexpected release (schorsing voorlopige hechtenis, early release) alerts procesregie, the casusregisseur
and the deelnemers at once with the case's scenario and the nazorg items still open. The first to press
"ik pak dit op" takes it (one conditional UPDATE: of two presses at once exactly one wins); the others are
told who did, and a press after that only shows who. Without a pickup within an hour procesregie is alerted
again (an outbox row due at +1 h, cancelled by the pickup). The release ladder is rebuilt for the new date;
its rung that would go out now is left out, the alert covers it.

The case's scenario is personal free text, stored encrypted: the queued payload only points to
``/scenario``; the dispatcher fills the scenario in when it sends (``refreshers``, wired in ``bot/app.py``).

A detention of a minor (date of birth known, under 18 on the start date) prompts procesregie to plan a
trajectberaad jeugd within 5 working days, with a button that opens ``/overleg plan`` prefilled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.context import encode_reply
from bot.core.dates import format_date, format_datetime, parse_date
from bot.core.hygiene import is_id
from handlers.casework import member_name, require_open, visible_case
from handlers.overleg.plan import PLAN_FORM
from handlers.privacy.policy import case_label
from handlers.privacy.targets import case_id_in_value, may_pick_up, release_in_value
from handlers.release.alerts import check_dates, refresh_release_alert
from handlers.release.nazorg_text import open_line
from handlers.release.scenario import scenario_text
from handlers.reminders import RELEASE_KIND, procesregie_of, queue_release_alerts, regie_holders
from schedules.rules import add_working_days, offset_of
from storage.cases.tables import Case, CaseEventKind, Subject
from storage.meetings.tables import MeetingKind
from storage.models import OutboxMessage, Role
from storage.release.detention import Detention, DetentionKind
from storage.release.nazorg import UnexpectedRelease
from storage.uow import UnitOfWork

group = CommandGroup("release")

UNEXPECTED_KIND = "unexpected"  # keys unexpected:<release id>:now@<member> and :H1@<member>
PICKUP = "release.pickup"  # value: the unexpected release's id
PLAN_TRAJECTBERAAD = "release.trajectberaad"  # value: the case id
REALERT_AFTER = timedelta(hours=1)
TRAJECTBERAAD_WORKING_DAYS = 5
ADULT_AGE = 18
Refresher = Callable[[UnitOfWork, OutboxMessage], dict[str, Any] | None]  # as schedules.dispatcher's


# -- unexpected release -----------------------------------------------------------------------------------


def alert_recipients(uow: UnitOfWork, case: Case) -> list[int]:
    """Procesregie (the holder, else every procesmanager), the casusregisseur and the deelnemers in person."""
    assert case.id is not None
    people = [*procesregie_of(uow, case), *regie_holders(uow, case)]
    people += [m.id for m in uow.cases.member_participants(case.id) if m.id is not None]
    return list(dict.fromkeys(people))


def record_unexpected(ctx: Context, code: str, when: str | None) -> Reply:
    """Any deelnemer may report it (the news often comes from a partner); it is audited. The same release
    reported again alarms nobody a second time: the reporter hears who reported it and who picked it up; a
    different date corrects the first report and tells the colleagues who were alarmed."""
    member = ctx.require_member()
    release_on = parse_date(when, ctx.clock.today()) if when else ctx.clock.today()
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "detentie.vrij")
        assert case.id is not None
        require_open(case)
        uow.detentions.settle_released(case.id, ctx.clock.today())
        detention = uow.detentions.latest(case.id)
        earlier = list(uow.nazorg.releases_of(detention.id)) if detention and detention.id else []
        if detention is not None and earlier:
            return _reported_again(ctx, case, detention, earlier[-1], release_on)
        if detention is None or detention.id is None or detention.released:
            raise UserError("detentie.none", code=case_label(case))
        check_dates(ctx, detention.started_on, release_on)
        old = detention.release_on
        detention.release_on, detention.updated_at = release_on, now
        detention.released = release_on <= ctx.clock.today()  # out today: no longer in detention
        uow.session.add(detention)
        release = uow.nazorg.add_release(
            UnexpectedRelease(
                detention_id=detention.id, release_on=release_on, recorded_by=member.id, recorded_at=now
            )
        )
        assert release.id is not None
        queue_release_alerts(uow, detention, case, ctx.clock, future_only=True)
        queued = encode_reply(unexpected_reply(uow, release, detention, case, None, offset="now"))
        recipients = alert_recipients(uow, case)
        for member_id in recipients:
            key = f"{UNEXPECTED_KIND}:{release.id}:now@{member_id}"
            uow.outbox.add(key, queued, due_at=now, now=now, member_id=member_id, case_ids=[case.id])
        again = encode_reply(unexpected_reply(uow, release, detention, case, None, offset="H1"))
        for member_id in procesregie_of(uow, case):
            uow.outbox.add(
                f"{UNEXPECTED_KIND}:{release.id}:H1@{member_id}",
                again,
                due_at=now + REALERT_AFTER,
                now=now,
                member_id=member_id,
                case_ids=[case.id],
            )
        uow.cases.add_event(
            case.id, CaseEventKind.UNEXPECTED_RELEASE, now, member.id, release=format_date(release_on)
        )
        ctx.audit("detentie.vrij", kind="write", case_id=case.id, detail=f"{old} -> {release_on} unexpected")
        uow.commit()
    return Reply(
        t("release.recorded", code=case_label(case), release=format_date(release_on), count=len(recipients))
    )


def _reported_again(
    ctx: Context, case: Case, detention: Detention, release: UnexpectedRelease, release_on: date
) -> Reply:
    """A second ``/detentie CODE vrij`` for a release already reported: no new alarm and no new re-alert.
    Only a different date changes anything: the report, the detention and its ladder are corrected, and
    the colleagues who were alarmed are told the new date (not alarmed again)."""
    uow = ctx.uow
    assert case.id is not None and release.id is not None and detention.id is not None
    first = t(
        "release.already_reported",
        code=case_label(case),
        release=format_date(release.release_on),
        by=member_name(uow, release.recorded_by),
        at=format_datetime(release.recorded_at, ctx.clock.tz),
    )
    taken: Text = (
        t(
            "release.picked_up_by",
            name=member_name(uow, release.picked_up_by),
            at=format_datetime(release.picked_up_at, ctx.clock.tz),
        )
        if release.picked_up_by is not None and release.picked_up_at is not None
        else t("release.not_picked_up_yet")
    )
    if release_on == release.release_on:
        ctx.audit("detentie.vrij", case_id=case.id, detail=f"release {release.id} reported again")
        uow.commit()
        return Reply([first, taken, t("release.nobody_alarmed_again")])
    check_dates(ctx, detention.started_on, release_on)
    old = release.release_on
    release.release_on = release_on
    detention.release_on, detention.updated_at = release_on, ctx.clock.now()
    detention.released = release_on <= ctx.clock.today()
    uow.session.add(release)
    uow.session.add(detention)
    uow.session.flush()
    queue_release_alerts(uow, detention, case, ctx.clock, future_only=True)
    member = ctx.require_member()
    uow.cases.add_event(
        case.id,
        CaseEventKind.RELEASE_DATE,
        ctx.clock.now(),
        member.id,
        previous=format_date(old),
        release=format_date(release_on),
    )
    told = 0
    for key in uow.outbox.statuses(f"{UNEXPECTED_KIND}:{release.id}:now@"):
        told += ctx.notify(
            int(key.rsplit("@", 1)[1]),
            t(
                "release.date_corrected",
                code=case.code,
                old=format_date(old),
                release=format_date(release_on),
            ),
            key=f"unexpected-note:{release.id}:{release_on.isoformat()}@{key.rsplit('@', 1)[1]}",
            cases=[case.id],
        )
    ctx.audit(
        "detentie.vrij", kind="write", case_id=case.id, detail=f"release {release.id} {old} -> {release_on}"
    )
    uow.commit()
    return Reply(
        [
            t(
                "release.corrected",
                code=case_label(case),
                old=format_date(old),
                release=format_date(release_on),
                count=told,
            ),
            taken,
        ]
    )


def unexpected_reply(
    uow: UnitOfWork,
    release: UnexpectedRelease,
    detention: Detention,
    case: Case,
    scenario: Text | str | None,
    *,
    offset: str,
    tz: ZoneInfo | None = None,
) -> Reply:
    """The alert (``offset`` ``now``) or the repeat (``H1``); ``scenario`` None points to ``/scenario``
    instead (what is queued: no personal free text in the outbox)."""
    assert release.id is not None and detention.id is not None
    release_text = format_date(release.release_on)
    if offset == "H1":
        head = t("release.alert_again", code=case.code, release=release_text)
    else:
        by = member_name(uow, release.recorded_by)
        head = t("release.alert", code=case.code, release=release_text, facility=detention.facility, by=by)
    lines: list[Text | str] = [head]
    lines.append(
        t("release.scenario_elsewhere", code=case.code)
        if scenario is None
        else t("release.scenario", scenario=scenario)
    )
    lines.append(open_line(uow.nazorg.checklist(detention.id)))
    if release.picked_up_by is not None and release.picked_up_at is not None:
        at = format_datetime(release.picked_up_at, tz) if tz is not None else format_date(release.release_on)
        lines.append(t("release.picked_up_by", name=member_name(uow, release.picked_up_by), at=at))
        return Reply(lines)
    return Reply(lines, buttons=[Button(PICKUP, t("release.pickup_button"), str(release.id))])


def refreshers(
    default_scenario: str | None, tz: ZoneInfo, today: Callable[[], date] | None = None
) -> dict[str, Refresher]:
    """Send-time payloads: release alerts with today's checklist, unexpected-release alerts with the
    scenario (decrypted only now) and whether someone picked it up."""

    def refresh_unexpected(uow: UnitOfWork, row: OutboxMessage) -> dict[str, Any] | None:
        offset = offset_of(row.dedupe_key)
        release = uow.nazorg.release(int(row.dedupe_key.split(":")[1])) if offset in ("now", "H1") else None
        detention = uow.session.get(Detention, release.detention_id) if release is not None else None
        case = uow.cases.get(detention.case_id) if detention is not None else None
        if release is None or detention is None or case is None or case.id is None:
            return None
        scenario, _ = scenario_text(uow, case.id, default_scenario)
        return encode_reply(unexpected_reply(uow, release, detention, case, scenario, offset=offset, tz=tz))

    def refresh_release(uow: UnitOfWork, row: OutboxMessage) -> dict[str, Any] | None:
        return refresh_release_alert(uow, row, today() if today is not None else None)

    return {RELEASE_KIND: refresh_release, UNEXPECTED_KIND: refresh_unexpected}


@group.action(PICKUP, target=release_in_value)
def pick_up(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    if not is_id(msg.value):
        raise UserError("release.not_found")
    now = ctx.clock.now()
    with ctx.uow as uow:
        release = uow.nazorg.release(int(msg.value))
        detention = uow.session.get(Detention, release.detention_id) if release is not None else None
        case = uow.cases.get(detention.case_id) if detention is not None else None
        ctx.concerns(case.id if case else None)  # a refusal below is audited with the case
        if (
            release is None
            or release.id is None
            or detention is None
            or case is None
            or case.id is None
            or not may_pick_up(ctx, case)
        ):
            denied = case.id if case else None
            ctx.audit("detentie.oppakken", case_id=denied, outcome="denied", detail=msg.value)
            uow.commit()
            raise UserError("release.not_found")
        require_open(case)
        won = uow.nazorg.pick_up(release.id, member.id, now)
        release = uow.nazorg.release(release.id)
        assert release is not None and release.id is not None and release.picked_up_at is not None
        if won:
            uow.outbox.cancel_prefix(f"{UNEXPECTED_KIND}:{release.id}:H1@")
            alerted = uow.outbox.statuses(f"{UNEXPECTED_KIND}:{release.id}:now@")
            for key in alerted:
                other = int(key.rsplit("@", 1)[1])
                if other != member.id:
                    ctx.notify(
                        other,
                        t("release.told_picked_up", name=member.name, code=case.code),
                        key=f"pickup:{release.id}:told@{other}",
                        cases=[case.id],
                    )
            uow.cases.add_event(case.id, CaseEventKind.RELEASE_PICKED_UP, now, member.id)
            ctx.audit("detentie.oppakken", kind="write", case_id=case.id, detail=f"release {release.id}")
            outcome = t("release.you_picked_up", code=case.code)
        else:
            ctx.audit("detentie.oppakken", case_id=case.id, detail=f"release {release.id} taken")
            outcome = t(
                "release.already_picked_up",
                name=member_name(uow, release.picked_up_by),
                code=case.code,
                at=format_datetime(release.picked_up_at, ctx.clock.tz),
            )
        scenario, _ = scenario_text(uow, case.id, ctx.config.release_scenario)
        alert = unexpected_reply(uow, release, detention, case, scenario, offset="now", tz=ctx.clock.tz)
        uow.commit()
    return Reply([*_lines(alert), outcome], in_place=True)


def _lines(reply: Reply) -> list[Text | str]:
    return list(reply.text) if isinstance(reply.text, list) else [reply.text]  # type: ignore[list-item]


# -- a minor in detention ---------------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def detained_minors(subjects: list[Subject], detention: Detention) -> list[Subject]:
    """Subjects under 18 on the detention's start date. A detention belongs to the case, not to one
    subject: in a household case it only counts as a minor's when it is a jeugddetentie."""
    start = detention.started_on
    young = [s for s in subjects if s.birth_date is not None and age_on(s.birth_date, start) < ADULT_AGE]
    if len(subjects) > 1 and detention.kind != DetentionKind.JEUGDDETENTIE:
        return []
    return young


def prompt_trajectberaad(ctx: Context, case: Case, detention: Detention) -> int:
    """Notify procesregie (and the procesmanagers who are deelnemers) to plan a trajectberaad jeugd within
    5 working days; returns how many were told."""
    uow = ctx.uow
    assert case.id is not None and detention.id is not None
    if not detained_minors(list(uow.cases.subjects(case.id)), detention):
        return 0
    deadline = add_working_days(ctx.clock.today(), TRAJECTBERAAD_WORKING_DAYS)
    managers = [
        m.id
        for m in uow.members.with_role(Role.PROCESMANAGER)
        if m.id is not None and m.active and uow.cases.is_participant(case.id, m.id, m.organisation_id)
    ]
    told = list(dict.fromkeys([*procesregie_of(uow, case), *managers]))
    for member_id in told:
        ctx.notify(
            member_id,
            t("release.minor", code=case.code, initials=case.initials, deadline=format_date(deadline)),
            key=f"trajectberaad:{detention.id}:prompt@{member_id}",
            buttons=[Button(PLAN_TRAJECTBERAAD, t("release.plan_button"), str(case.id))],
            cases=[case.id],
        )
    return len(told)


@group.action(PLAN_TRAJECTBERAAD, roles=[Role.PROCESMANAGER], target=case_id_in_value("release.not_found"))
def plan_trajectberaad(msg: Incoming, ctx: Context) -> list[Reply]:
    """Start ``/overleg plan`` with the type and the case filled in; the form asks for the rest."""
    member = ctx.require_member()
    if not is_id(msg.value):
        raise UserError("release.not_found")
    with ctx.uow as uow:
        case = uow.cases.get(int(msg.value))
        if case is None or case.id is None:
            raise UserError("release.not_found")
        visible = visible_case(ctx, case.code, "detentie.trajectberaad")
        assert visible.id is not None and member.id is not None
        require_open(visible)
        replies = ctx.forms.start(
            PLAN_FORM, ctx, initial={"kind": MeetingKind.TRAJECTBERAAD.value, "cases": [visible.id]}
        )
        uow.commit()
    return replies
