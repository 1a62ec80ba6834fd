"""Writing a reminder ladder (``schedules.rules``) into the outbox, in the handler's transaction: queue it,
or rebuild it after a date changed. Keys are ``kind:id:offset@member`` so ``cancel_prefix("kind:id:")``
reaches the whole ladder."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from bot.core import t
from bot.core.clock import Clock
from bot.core.context import encode_reply
from bot.core.dates import format_date
from bot.core.types import Reply
from handlers.cases.plan_words import fallback_line
from handlers.release.alerts import release_reply
from schedules.rules import (
    Step,
    action_ladder,
    dedupe_key,
    huisverbod_ends_on,
    huisverbod_ladder,
    key_prefix,
    offset_of,
    plan_rebuild,
    release_ladder,
)
from storage.cases.tables import Action, Case, RegieKind
from storage.models import Role
from storage.outbox.repository import ALREADY_SENT
from storage.release.detention import Detention, Huisverbod
from storage.uow import UnitOfWork


def rebuild_ladder(
    uow: UnitOfWork,
    kind: str,
    entity_id: int,
    steps: Sequence[Step],
    recipients: Sequence[int] | Callable[[Step], Sequence[int]],
    reply_for: Callable[[Step], Reply],
    now: datetime,
    *,
    cases: Collection[int] | None,
) -> list[str]:
    """Cancel what is pending of this ladder and queue ``steps`` anew: future rungs as computed, the rung
    whose window holds ``now`` once (not when that recipient already got it), passed rungs never.
    Returns the keys queued. Also right for a new ladder (nothing to cancel). ``cases``: the ids of the
    cases the rungs are about (a deputy receives them only when they may know all; ``()`` for none)."""
    prefix = key_prefix(kind, entity_id)
    uow.outbox.cancel_prefix(prefix)
    statuses = uow.outbox.statuses(prefix)

    def recipients_of(step: Step) -> Sequence[int]:
        return recipients(step) if callable(recipients) else recipients

    everyone = dict.fromkeys(member for step in steps for member in recipients_of(step))
    queued = []
    for member_id in everyone:
        sent = {
            offset_of(key)
            for key, status in statuses.items()
            if status in ALREADY_SENT and key.endswith(f"@{member_id}")
        }
        mine = [step for step in steps if member_id in recipients_of(step)]
        for step in plan_rebuild(mine, now, sent):
            key = dedupe_key(kind, entity_id, step.offset, member_id)
            written = uow.outbox.schedule(
                key,
                encode_reply(reply_for(step)),
                due_at=step.due_at,
                now=now,
                member_id=member_id,
                expires_at=step.expires_at,
                case_ids=cases,
            )
            if written:
                queued.append(key)
    return queued


def cancel_ladder(uow: UnitOfWork, kind: str, entity_id: int) -> int:
    """Cancel every pending rung (the detention ended, the action was closed)."""
    return uow.outbox.cancel_prefix(key_prefix(kind, entity_id))


# -- the ladders of the capabilities ----------------------------------------------------------------------

DEADLINE_KIND = "deadline"


def procesregie_of(uow: UnitOfWork, case: Case) -> list[int]:
    """Who procesregie alerts go to: the case's procesregie holder, else every procesmanager."""
    assert case.id is not None
    holder = uow.regie.current(case.id).get(RegieKind.PROCESREGIE)
    if holder is not None:
        return [holder.member_id]
    return [m.id for m in uow.members.with_role(Role.PROCESMANAGER) if m.id is not None]


def queue_action_deadline(
    uow: UnitOfWork, action: Action, case: Case, owner_name: str, clock: Clock
) -> list[str]:
    """A reminder to the owner on the deadline morning; an escalation to procesregie when the action is
    still open two working days later, naming the case's drang/dwang fallback. Rebuilt when called again;
    cancelled when the action is done."""
    assert action.id is not None
    escalate_to = procesregie_of(uow, case)
    params = {
        "id": action.id,
        "code": case.code,
        "text": action.text,
        "deadline": format_date(action.deadline),
    }

    def recipients(step: Step) -> list[int]:
        return [action.owner_id] if step.offset == "due" else escalate_to

    def reply_for(step: Step) -> Reply:
        if step.offset == "due":
            return Reply(t("reminder.action_due", **params))
        return Reply([t("reminder.action_overdue", owner=owner_name, **params), fallback_line(case)])

    steps = action_ladder(action.deadline, clock.tz)
    return rebuild_ladder(
        uow, DEADLINE_KIND, action.id, steps, recipients, reply_for, clock.now(), cases=[action.case_id]
    )


RELEASE_KIND = "release"


def queue_release_alerts(
    uow: UnitOfWork, detention: Detention, case: Case, clock: Clock, *, future_only: bool = False
) -> list[str]:
    """Release alerts for the procesregie and casusregie holders, 28/14/7/1/0 days before at 09:00;
    rebuilt from the current release date every time it is called. ``future_only``: leave out every rung
    due today or earlier (an unexpected-release alert goes out instead, also before 09:00 on the day)."""
    assert detention.id is not None and case.id is not None
    current = uow.regie.current(case.id)
    holders = [
        a.member_id
        for kind, a in sorted(current.items())
        if kind in (RegieKind.PROCESREGIE, RegieKind.CASUSREGIE)
    ]
    recipients = holders or procesregie_of(uow, case)

    def reply_for(step: Step) -> Reply:
        # the day it goes out: a catch-up rung sent today names the real distance (10 days, not "14")
        sent_on = max(step.due_at.astimezone(clock.tz).date(), clock.today())
        return release_reply(uow, detention, case, step.offset, sent_on)

    steps = release_ladder(detention.release_on, clock.tz)
    if future_only:  # the unexpected-release alert covers today, the release day's own rung included
        steps = [step for step in steps if step.due_at.astimezone(clock.tz).date() > clock.today()]
    return rebuild_ladder(
        uow, RELEASE_KIND, detention.id, steps, recipients, reply_for, clock.now(), cases=[case.id]
    )


HUISVERBOD_KIND = "huisverbod"


def regie_holders(uow: UnitOfWork, case: Case) -> list[int]:
    """The procesregie and casusregie holders (procesmanagers when nobody holds regie)."""
    assert case.id is not None
    current = uow.regie.current(case.id)
    holders = [
        current[kind].member_id for kind in (RegieKind.PROCESREGIE, RegieKind.CASUSREGIE) if kind in current
    ]
    return list(dict.fromkeys(holders)) or procesregie_of(uow, case)


def queue_huisverbod_reminders(
    uow: UnitOfWork, huisverbod: Huisverbod, case: Case, clock: Clock
) -> list[str]:
    """Day 8 (extension decision due), day 10 (ends unless extended) or day 28 (extended: hard end), and
    follow-ups at 3, 6 and 12 months, to the regie holders; rebuilt when the decision is recorded."""
    assert huisverbod.id is not None
    ends = format_date(huisverbod_ends_on(huisverbod.started_on, huisverbod.extended))

    def reply_for(step: Step) -> Reply:
        key = {"D8": "decision", "D10": "ends", "D28": "ends"}.get(step.offset, "follow_up")
        if key == "ends" and huisverbod.extended is None:
            key = "ends_unless"
        return Reply(t(f"reminder.huisverbod_{key}", code=case.code, ends=ends, offset=step.offset))

    steps = huisverbod_ladder(huisverbod.started_on, clock.tz, extended=huisverbod.extended)
    return rebuild_ladder(
        uow,
        HUISVERBOD_KIND,
        huisverbod.id,
        steps,
        regie_holders(uow, case),
        reply_for,
        clock.now(),
        cases=[huisverbod.case_id],
    )
