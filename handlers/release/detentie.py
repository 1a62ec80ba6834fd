"""/detentie (/detention): a detention of a case subject and its release alerts.

``/detentie CODE START VRIJ SOORT INRICHTING`` registers one (dates ``dd-mm-jjjj``); the procesregie and
casusregie holders get release alerts 28, 14, 7 and 1 day(s) before and on the release day at 09:00.
``/detentie CODE datum NIEUWE-DATUM`` moves the release date and rebuilds the ladder (passed alerts are not
re-sent, the one now in its window goes out once). ``/detentie CODE`` shows the detention.
"""

from __future__ import annotations

import difflib

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_date, format_datetime, parse_date
from bot.core.hygiene import echo
from handlers.casework import (
    deelnemer_somewhere_or,
    holds_regie,
    member_name,
    regie_somewhere_or,
    require_open,
    split_code,
    visible_case,
)
from handlers.privacy.need_to_know import answer_in_direct
from handlers.privacy.policy import case_label
from handlers.privacy.targets import case_in_args
from handlers.release.alerts import check_dates
from handlers.release.unexpected import prompt_trajectberaad, record_unexpected
from handlers.reminders import RELEASE_KIND, queue_release_alerts
from storage.cases.tables import Case, CaseEventKind
from storage.models import Role
from storage.release.detention import Detention, DetentionKind

group = CommandGroup("detentie")

DATE_WORDS = ("datum", "date")
RELEASED_WORDS = ("vrij", "released", "release")
MAX_FACILITY = 120


@group.command(
    "detentie",
    aliases=["detention"],
    usage=t("detentie.usage"),
    needs_args=True,
    target=case_in_args,
    may_use=deelnemer_somewhere_or(Role.PROCESMANAGER),  # /help: any deelnemer views it and reports vrij
    more_help=[(regie_somewhere_or(Role.PROCESMANAGER), t("help.detentie_regie"))],  # recording: regie
)
def detentie(msg: Incoming, ctx: Context) -> list[Reply]:
    # detention and huisverbod are justice data: from a group, one line there and the answer in the
    # direct chat (docs/privacy.md); a refusal too (a typo in the kind echoes justice data)
    ctx.refuse_in_direct()
    return answer_in_direct(ctx, [_detentie(msg, ctx)])


def _detentie(msg: Incoming, ctx: Context) -> Reply:
    code, rest = split_code(msg.args)
    words = rest.split()
    if not words:
        return show(ctx, code)
    if words[0].lower() in DATE_WORDS:
        if len(words) != 2:
            raise UserError("detentie.usage")
        return move_release(ctx, code, words[1])
    if words[0].lower() in RELEASED_WORDS:
        if len(words) > 2:
            raise UserError("detentie.usage")
        return record_unexpected(ctx, code, words[1] if len(words) == 2 else None)
    if len(words) < 4:
        raise UserError("detentie.usage")
    return register(ctx, code, words[0], words[1], words[2], " ".join(words[3:]))


def parse_kind(word: str) -> DetentionKind:
    """The kind by its name (``voorlopige_hechtenis``, ``voorlopige-hechtenis``) or the one kind it is the
    start of (``voorlopige``, ``gevangenis``; three letters or more); else a refusal naming the kinds, with
    the closest one when a typo is near one (``gevangenistraf``)."""
    typed = word.lower().replace("-", "_")
    for kind in DetentionKind:
        if typed == kind.value:
            return kind
    starts = [kind for kind in DetentionKind if len(typed) >= 3 and kind.value.startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    close = difflib.get_close_matches(typed, [k.value for k in DetentionKind], n=1, cutoff=0.6)
    options = ", ".join(k.value for k in DetentionKind)
    hint = t("form.did_you_mean", name=close[0]) if close else ""
    raise UserError("detentie.bad_kind", kind=echo(word, 30), options=options, hint=hint)


def register(ctx: Context, code: str, start: str, release: str, kind_word: str, facility: str) -> Reply:
    member = ctx.require_member()
    started_on = parse_date(start, ctx.clock.today())
    release_on = parse_date(release, ctx.clock.today())
    kind = parse_kind(kind_word)
    if len(facility) > MAX_FACILITY:
        raise UserError("form.too_long", limit=MAX_FACILITY, length=len(facility))
    check_dates(ctx, started_on, release_on)
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "detentie")
        assert case.id is not None
        require_open(case)
        if not holds_regie(uow, case, member):
            raise UserError("detentie.regie_only", code=case.code)
        uow.detentions.settle_released(case.id, ctx.clock.today())  # a past release ended the detention
        if uow.detentions.current(case.id) is not None:
            raise UserError("detentie.exists", code=case.code)
        detention = uow.detentions.add(
            Detention(
                case_id=case.id,
                facility=facility,
                kind=kind,
                started_on=started_on,
                release_on=release_on,
                created_by=member.id,
                created_at=now,
                updated_at=now,
            )
        )
        assert detention.id is not None
        uow.nazorg.create_checklist(detention.id, now)
        keys = queue_release_alerts(uow, detention, case, ctx.clock)
        prompt_trajectberaad(ctx, case, detention)
        uow.cases.add_event(case.id, CaseEventKind.DETENTION, now, member.id, release=format_date(release_on))
        ctx.audit("detentie", kind="write", case_id=case.id, detail=f"detention {detention.id}")
        uow.commit()
    return Reply(
        t(
            "detentie.registered",
            code=case_label(case),
            facility=facility,
            release=format_date(release_on),
            alerts=len(keys),
        )
    )


def move_release(ctx: Context, code: str, release: str) -> Reply:
    member = ctx.require_member()
    release_on = parse_date(release, ctx.clock.today())
    with ctx.uow as uow:
        case = visible_case(ctx, code, "detentie")
        assert case.id is not None
        require_open(case)
        if not holds_regie(uow, case, member):
            raise UserError("detentie.regie_only", code=case.code)
        uow.detentions.settle_released(case.id, ctx.clock.today())
        detention = uow.detentions.current(case.id)
        if detention is None:
            raise UserError("detentie.none", code=case.code)
        check_dates(ctx, detention.started_on, release_on)
        old = detention.release_on
        if old == release_on:  # nothing to rebuild, nothing for the timeline
            uow.commit()  # the audited read (visible_case)
            return Reply(t("detentie.unchanged", code=case_label(case), release=format_date(release_on)))
        detention.release_on = release_on
        detention.updated_at = ctx.clock.now()
        uow.session.add(detention)
        uow.session.flush()
        keys = queue_release_alerts(uow, detention, case, ctx.clock)
        uow.cases.add_event(
            case.id,
            CaseEventKind.RELEASE_DATE,
            ctx.clock.now(),
            member.id,
            previous=format_date(old),
            release=format_date(release_on),
        )
        ctx.audit("detentie.datum", kind="write", case_id=case.id, detail=f"{old} -> {release_on}")
        uow.commit()
    return Reply(
        t(
            "detentie.moved",
            code=case_label(case),
            old=format_date(old),
            release=format_date(release_on),
            alerts=len(keys),
        )
    )


def released_lines(ctx: Context, case: Case, detention: Detention) -> list[Text | str]:
    """A detention that ended: where and since when, and the release (unexpected: who reported it and who
    picked it up); a new detention can be registered."""
    assert detention.id is not None
    lines: list[Text | str] = [
        t(
            "detentie.released",
            code=case_label(case),
            kind=t(f"detentie.kind.{detention.kind}"),
            facility=detention.facility,
            start=format_date(detention.started_on),
            release=format_date(detention.release_on),
        )
    ]
    for release in ctx.uow.nazorg.releases_of(detention.id):
        lines.append(
            t(
                "detentie.released_unexpected",
                by=member_name(ctx.uow, release.recorded_by),
                at=format_datetime(release.recorded_at, ctx.clock.tz),
            )
        )
        if release.picked_up_by is not None and release.picked_up_at is not None:
            name = member_name(ctx.uow, release.picked_up_by)
            lines.append(
                t("release.picked_up_by", name=name, at=format_datetime(release.picked_up_at, ctx.clock.tz))
            )
    return lines


def show(ctx: Context, code: str) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, code, "detentie")
        assert case.id is not None
        uow.detentions.settle_released(case.id, ctx.clock.today())
        detention = uow.detentions.latest(case.id)
        if detention is None or detention.id is None:
            uow.commit()
            return Reply(t("detentie.none", code=case_label(case)))
        if detention.released:
            uow.commit()
            return Reply(released_lines(ctx, case, detention))
        pending = [row for row in uow.outbox.pending_for_prefix(f"{RELEASE_KIND}:{detention.id}:")]
        lines = [
            t(
                "detentie.show",
                code=case_label(case),
                facility=detention.facility,
                kind=t(f"detentie.kind.{detention.kind}"),
                start=format_date(detention.started_on),
                release=format_date(detention.release_on),
            )
        ]
        due_times = list(dict.fromkeys(format_datetime(row.due_at, ctx.clock.tz) for row in pending))
        lines.append(t("detentie.alerts", times=due_times or "-"))
        uow.commit()
    return Reply(lines)
