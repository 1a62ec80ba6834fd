"""/afwezig (/away): while I am away my reminders go to a deputy.

``/afwezig VAN TOT @vervanger`` (dates ``dd-mm-jjjj``, both days included) · ``/afwezig uit`` ends it now.
The dispatcher routes at send time: a reminder due while I am away reaches the deputy, marked as mine, when
the deputy may know every case it is about; anything else still comes to me (storage/outbox/forwarding.py).
The confirmation names my cases the deputy will not receive messages about.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from bot.core import CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.context import MemberView
from bot.core.dates import format_date, parse_date
from bot.core.hygiene import echo
from handlers.privacy.need_to_know import answer_in_direct
from handlers.privacy.targets import NO_TARGET
from storage.cases.deelnemers import known_cases
from storage.models import Member
from storage.outbox.absence import Absence
from storage.outbox.forwarding import PERSONAL

group = CommandGroup("afwezig")

MAX_AHEAD_YEARS = 1  # an absence ends at most a year from today

END_WORDS = ("uit", "off", "stop")
BETWEEN = ("tot", "t/m", "tm", "tot en met", "-", "to", "until")  # /afwezig vandaag t/m 31-12-2026 @x
MAX_CODES = 20


@group.command("afwezig", aliases=["away"], usage=t("afwezig.usage"), needs_args=True, target=NO_TARGET)
def afwezig(msg: Incoming, ctx: Context) -> Reply | list[Reply]:
    words = msg.args.split()
    if len(words) == 1 and words[0].lower() in END_WORDS:
        return end_absence(ctx)
    if len(words) < 3 or not words[-1].startswith("@"):
        raise UserError("afwezig.usage")
    dates = words[:-1]
    if len(dates) > 2 and " ".join(dates[1:-1]).lower() in BETWEEN:
        dates = [dates[0], dates[-1]]
    if len(dates) != 2:
        raise UserError("afwezig.usage")
    return set_absence(ctx, dates[0], dates[1], words[-1])


def set_absence(ctx: Context, start: str, end: str, handle: str) -> list[Reply]:
    member = ctx.require_member()
    today = ctx.clock.today()
    from_on, to_on = parse_date(start, today), parse_date(end, today)
    if to_on < from_on:
        raise UserError("afwezig.bad_range", start=format_date(from_on), end=format_date(to_on))
    if to_on < today:
        raise UserError("afwezig.in_past", end=format_date(to_on))
    latest = today + relativedelta(years=MAX_AHEAD_YEARS)
    if to_on > latest:  # 06-12-2200 is a typo; a longer absence is a matter for the beheerder
        raise UserError("afwezig.too_far", end=format_date(to_on), latest=format_date(latest))
    with ctx.uow as uow:
        deputy = uow.members.by_handle(handle)
        if deputy is None or deputy.id is None or not deputy.active:
            raise UserError("afwezig.unknown_deputy", who=echo(handle, 40))
        if deputy.id == member.id:
            raise UserError("afwezig.self")
        uow.absences.add(
            Absence(
                member_id=member.id,
                deputy_id=deputy.id,
                from_on=from_on,
                to_on=to_on,
                created_at=ctx.clock.now(),
            )
        )
        ctx.notify(
            deputy.id,
            t("afwezig.deputy_told", who=member.name, start=format_date(from_on), end=format_date(to_on)),
            key=f"absence:{member.id}:{from_on.isoformat()}@{deputy.id}",
            cases=PERSONAL,  # about the deputy themselves: never on to the deputy's own deputy
        )
        ctx.audit("afwezig", kind="write", detail=f"deputy {deputy.id} {from_on}..{to_on}")
        withheld = withheld_from(ctx, member, deputy)
        uow.commit()
    lines = [t("afwezig.set", start=format_date(from_on), end=format_date(to_on), deputy=deputy.name)]
    if not withheld:
        return [Reply(lines)]
    # case codes: only in the member's own direct chat (they are a deelnemer of these cases)
    shown = ", ".join(withheld[:MAX_CODES]) + (" …" if len(withheld) > MAX_CODES else "")
    lines.append(t("afwezig.withheld", count=len(withheld), deputy=deputy.name, codes=shown))
    return answer_in_direct(ctx, [Reply(lines)])


def withheld_from(ctx: Context, member: MemberView, deputy: Member) -> list[str]:
    """The codes of the member's open cases the deputy may not know: messages about them are not forwarded
    (storage/outbox/forwarding.py) and reach the member themselves."""
    assert deputy.id is not None
    mine = ctx.uow.cases.open_known_to(member.id, member.organisation_id)
    ids = [case.id for case in mine if case.id is not None]
    known = known_cases(ctx.uow.session, ids, deputy.id, deputy.organisation_id)
    return [case.code for case in mine if case.id not in known]


def end_absence(ctx: Context) -> Reply:
    member = ctx.require_member()
    with ctx.uow as uow:
        absences = uow.absences.current_and_future(member.id, ctx.clock.today())
        for absence in absences:
            absence.ended_at = ctx.clock.now()
            uow.session.add(absence)
        uow.session.flush()
        ctx.audit("afwezig.uit", kind="write", detail=f"{len(absences)} ended")
        uow.commit()
    return Reply(t("afwezig.ended" if absences else "afwezig.none"))
