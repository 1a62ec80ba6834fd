"""/huisverbod: a tijdelijk huisverbod on a case subject and its reminders.

``/huisverbod CODE DATUM`` records one imposed on DATUM (day 1): reminders to the regie holders on day 8
(extension decision due) and day 10 (ends unless extended), follow-ups at 3, 6 and 12 months.
``/huisverbod CODE verlengd`` or ``niet-verlengd`` records the extension decision and adjusts the ladder
(extended: the hard end on day 28); the other decision later is a correction, confirmed with
``/huisverbod CODE verlengd|niet-verlengd corrigeren`` and kept on the case's timeline.
``/huisverbod CODE`` shows it. A case has one running huisverbod:
registering another while it runs is refused with the way to correct the date instead,
``/huisverbod CODE datum DATUM``, which moves the day imposed and rebuilds the reminders (as ``/detentie``).
"""

from __future__ import annotations

from datetime import date

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_date, parse_date
from handlers.casework import holds_regie, regie_somewhere_or, require_open, split_code, visible_case
from handlers.privacy.need_to_know import answer_in_direct
from handlers.privacy.policy import case_label
from handlers.privacy.targets import case_in_args
from handlers.reminders import queue_huisverbod_reminders
from schedules.rules import huisverbod_ends_on
from storage.cases.tables import CaseEventKind
from storage.models import Role
from storage.release.detention import Huisverbod

group = CommandGroup("huisverbod")

DATE_WORDS = ("datum", "date")
DECISIONS = {"verlengd": True, "extended": True, "niet-verlengd": False, "not-extended": False}
CORRECT_WORDS = ("corrigeren", "correct")  # a decision that differs from the recorded one is confirmed
MAX_AGE_DAYS = 28  # a huisverbod that ended longer ago needs no reminders


@group.command(
    "huisverbod",
    usage=t("huisverbod.usage"),
    needs_args=True,
    target=case_in_args,
    may_use=regie_somewhere_or(Role.PROCESMANAGER),  # /help: recording one needs regie on the case
)
def huisverbod(msg: Incoming, ctx: Context) -> list[Reply]:
    # detention and huisverbod are justice data: from a group, one line there and the answer in the
    # direct chat (docs/privacy.md)
    return answer_in_direct(ctx, [_huisverbod(msg, ctx)])


def _huisverbod(msg: Incoming, ctx: Context) -> Reply:
    code, rest = split_code(msg.args)
    word = rest.strip().lower()
    if not word:
        return show(ctx, code)
    if word in DECISIONS:
        return decide(ctx, code, DECISIONS[word])
    parts = word.split()
    if len(parts) == 2 and parts[0] in DECISIONS and parts[1] in CORRECT_WORDS:
        return decide(ctx, code, DECISIONS[parts[0]], correct=True)
    if parts[0] in DATE_WORDS:
        if len(parts) != 2:
            raise UserError("huisverbod.usage")
        return correct_date(ctx, code, parts[1])
    if len(parts) != 1:
        raise UserError("huisverbod.usage")
    return register(ctx, code, word)


def _start_date(ctx: Context, start_text: str) -> date:
    today = ctx.clock.today()
    started_on = parse_date(start_text, today)
    if started_on > today:
        raise UserError("huisverbod.in_future", date=format_date(started_on))
    if (today - started_on).days >= MAX_AGE_DAYS:
        raise UserError("huisverbod.too_old", date=format_date(started_on))
    return started_on


def running(record: Huisverbod | None, today: date) -> bool:
    """Whether ``record`` still runs today: until day 10 when not extended, else (extended or not yet
    decided) until day 28."""
    if record is None:
        return False
    return today <= huisverbod_ends_on(record.started_on, record.extended is not False)


def register(ctx: Context, code: str, start_text: str) -> Reply:
    member = ctx.require_member()
    started_on = _start_date(ctx, start_text)
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "huisverbod")
        assert case.id is not None
        require_open(case)
        if not holds_regie(uow, case, member):
            raise UserError("huisverbod.regie_only", code=case.code)
        if not uow.cases.subjects(case.id):
            raise UserError("huisverbod.no_subject", code=case.code)
        current = uow.huisverboden.latest(case.id)
        if current is not None and running(current, ctx.clock.today()):
            raise UserError(
                "huisverbod.exists",
                code=case.code,
                start=format_date(current.started_on),
                ends=format_date(huisverbod_ends_on(current.started_on, current.extended)),
            )
        record = uow.huisverboden.add(
            Huisverbod(case_id=case.id, started_on=started_on, created_by=member.id, created_at=now)
        )
        keys = queue_huisverbod_reminders(uow, record, case, ctx.clock)
        ctx.audit("huisverbod", kind="write", case_id=case.id, detail=f"huisverbod {record.id}")
        uow.commit()
    ends = huisverbod_ends_on(started_on, None)
    return Reply(
        t(
            "huisverbod.registered",
            code=case_label(case),
            start=format_date(started_on),
            ends=format_date(ends),
            alerts=len(keys),
        )
    )


def correct_date(ctx: Context, code: str, start_text: str) -> Reply:
    """A typo in the day imposed: the running huisverbod gets the right date and its reminders are rebuilt
    (none twice, none for the wrong day)."""
    member = ctx.require_member()
    started_on = _start_date(ctx, start_text)
    with ctx.uow as uow:
        case = visible_case(ctx, code, "huisverbod")
        assert case.id is not None
        require_open(case)
        if not holds_regie(uow, case, member):
            raise UserError("huisverbod.regie_only", code=case.code)
        record = uow.huisverboden.latest(case.id)
        if record is None or not running(record, ctx.clock.today()):
            raise UserError("huisverbod.none", code=case.code)
        old = record.started_on
        ends = format_date(huisverbod_ends_on(started_on, record.extended))
        if started_on == old:  # the date it already has: no reminder rebuilt, nothing to say but that
            ctx.audit("huisverbod.datum", case_id=case.id, detail=f"{old} unchanged")
            uow.commit()
            return Reply(
                t(
                    "huisverbod.date_same",
                    code=case_label(case),
                    start=format_date(old),
                    ends=t(f"huisverbod.ends.{str(record.extended).lower()}", ends=ends),
                )
            )
        record.started_on = started_on
        uow.session.add(record)
        uow.session.flush()
        keys = queue_huisverbod_reminders(uow, record, case, ctx.clock)
        ctx.audit("huisverbod.datum", kind="write", case_id=case.id, detail=f"{old} -> {started_on}")
        uow.commit()
    params = {"code": case_label(case), "old": format_date(old), "start": format_date(started_on)}
    if record.extended is None:  # undecided: it ends on day 10 unless extended
        return Reply(t("huisverbod.corrected", ends=ends, alerts=len(keys), **params))
    return Reply(
        t(
            "huisverbod.corrected_decided",
            ends=t(f"huisverbod.ends.{str(record.extended).lower()}", ends=ends),
            alerts=len(keys),
            **params,
        )
    )


def decide(ctx: Context, code: str, extended: bool, *, correct: bool = False) -> Reply:
    """Record the extension decision. The same decision again changes nothing ("was al ..."); a different
    one is a correction: refused with what was recorded and when, unless confirmed with ``corrigeren``. The
    timeline keeps the decision and every correction."""
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "huisverbod")
        assert case.id is not None
        require_open(case)
        if not holds_regie(uow, case, member):
            raise UserError("huisverbod.regie_only", code=case.code)
        record = uow.huisverboden.latest(case.id)
        if record is None:
            raise UserError("huisverbod.none", code=case.code)
        previous = record.extended
        decided_on = (
            format_date(record.decided_at.astimezone(ctx.clock.tz).date()) if record.decided_at else ""
        )
        if previous == extended:
            ctx.audit("huisverbod.besluit", case_id=case.id, detail=f"extended={extended} unchanged")
            uow.commit()
            return Reply(
                t(
                    "huisverbod.decision_same",
                    code=case_label(case),
                    decision=decision_word(extended),
                    on=decided_on,
                )
            )
        if previous is not None and not correct:
            raise UserError(
                "huisverbod.decision_differs",
                code=case.code,
                decision=decision_word(previous),
                on=decided_on,
                word=next(w for w, value in DECISIONS.items() if value == extended),
            )
        record.extended = extended
        record.decided_at = now
        uow.session.add(record)
        uow.session.flush()
        queue_huisverbod_reminders(uow, record, case, ctx.clock)
        if previous is None:
            uow.cases.add_event(
                case.id, CaseEventKind.HUISVERBOD_DECIDED, now, member.id, decision=str(extended).lower()
            )
        else:
            uow.cases.add_event(
                case.id,
                CaseEventKind.HUISVERBOD_CORRECTED,
                now,
                member.id,
                decision=str(extended).lower(),
                was=str(previous).lower(),
            )
        detail = f"extended={extended}" + ("" if previous is None else f" (was {previous})")
        ctx.audit("huisverbod.besluit", kind="write", case_id=case.id, detail=detail)
        uow.commit()
    ends = format_date(huisverbod_ends_on(record.started_on, extended))
    replies: list[Text] = [
        t("huisverbod.extended" if extended else "huisverbod.not_extended", code=case_label(case), ends=ends)
    ]
    if previous is not None:
        replies.append(t("huisverbod.decision_corrected", decision=decision_word(previous)))
    return Reply(replies)


def decision_word(extended: bool) -> Text:
    return t("huisverbod.is_extended" if extended else "huisverbod.is_not_extended")


def show(ctx: Context, code: str) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, code, "huisverbod")
        assert case.id is not None
        record = uow.huisverboden.latest(case.id)
        uow.commit()
    if record is None:
        return Reply(t("huisverbod.none", code=case_label(case)))
    decision = {
        None: "huisverbod.undecided",
        True: "huisverbod.is_extended",
        False: "huisverbod.is_not_extended",
    }
    return Reply(
        t(
            "huisverbod.show",
            code=case_label(case),
            start=format_date(record.started_on),
            ends=format_date(huisverbod_ends_on(record.started_on, record.extended)),
            decision=t(decision[record.extended]),
        )
    )
