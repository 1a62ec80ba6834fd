"""The plan van aanpak of a case: actions per track (and per subject), and the drang/dwang fallback.

``/casus CODE acties`` (or ``plan``) shows the plan; ``/casus CODE drang`` shows and
``/casus CODE drang TEKST`` records what happens when agreements are not kept (regie holders, open cases).
The fallback is stored encrypted, appears in the plan view and in the escalation to procesregie when an
action is overdue; recording it updates the escalations still waiting in the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import Context, Reply, Text, UserError, t
from bot.core.dates import format_date
from handlers.cases.casus_people import group_label, require_regie
from handlers.cases.plan_words import fallback_line, role_text, track_text
from handlers.casework import member_name, require_open
from handlers.privacy.policy import case_label, present
from handlers.reminders import DEADLINE_KIND, queue_action_deadline
from schedules.rules import key_prefix
from storage.cases.plan import PlanEventKind, PlanTrack
from storage.cases.tables import Action, Case, Subject
from storage.models import OutboxStatus
from storage.uow import UnitOfWork

MAX_FALLBACK = 1000


def show_plan(ctx: Context, case: Case) -> list[Reply]:
    """Actions grouped by track (when any has one), within a track by subject; then the fallback."""
    uow = ctx.uow
    assert case.id is not None
    actions = uow.actions.of_case(case.id)
    subjects = uow.plan.subjects(case.id)
    lines: list[Text | str] = [t("casus.actions_title", code=case.code)]
    if not actions:
        lines.append(t("casus.no_actions"))
    elif not any(a.track for a in actions):
        lines.extend(_by_subject(uow, actions, subjects))
    else:
        for track in [*PlanTrack, None]:
            in_track = [a for a in actions if a.track == track]
            if in_track:
                lines.append(t("plan.track_heading", track=track_text(track)))
                lines.extend(_by_subject(uow, in_track, subjects))
    lines.append(fallback_line(case))
    return present(ctx, lines, group_line=group_label(ctx, case, subjects))


def _by_subject(uow: UnitOfWork, actions: Sequence[Action], subjects: Sequence[Subject]) -> list[Text]:
    """Actions for the whole case first, then a heading per subject with theirs."""
    lines = [_action_line(uow, a) for a in actions if a.subject_id is None]
    for subject in subjects:
        theirs = [a for a in actions if a.subject_id == subject.id]
        if theirs:
            role = role_text(subject.role)
            lines.append(
                t("plan.subject_heading_role", initials=subject.initials, role=role)
                if role
                else t("plan.subject_heading", initials=subject.initials)
            )
            lines.extend(_action_line(uow, a) for a in theirs)
    return lines


def _action_line(uow: UnitOfWork, action: Action) -> Text:
    return t(
        "casus.action_done_line" if action.done_at else "casus.action_line",
        id=action.id,
        text=action.text,
        owner=member_name(uow, action.owner_id),
        deadline=format_date(action.deadline),
    )


def fallback(ctx: Context, case: Case, text: str) -> list[Reply]:
    """Show the drang/dwang fallback (direct chat only: it is free text about the subject), or set it."""
    uow = ctx.uow
    assert case.id is not None
    if not text:
        subjects = uow.plan.subjects(case.id)
        lines: list[Text | str] = [t("plan.fallback_title", code=case.code), fallback_line(case)]
        uow.commit()  # the read is audited (visible_case)
        return present(ctx, lines, group_line=group_label(ctx, case, subjects))
    return [set_fallback(ctx, case, text)]


def set_fallback(ctx: Context, case: Case, text: str) -> Reply:
    member = ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    require_regie(ctx, case)
    require_open(case)
    if len(text) > MAX_FALLBACK:
        raise UserError("form.too_long", limit=MAX_FALLBACK, length=len(text))
    uow.plan.set_fallback(case, text)
    updated = refresh_escalations(uow, ctx, case)
    uow.cases.add_event(case.id, PlanEventKind.FALLBACK_SET, ctx.clock.now(), member.id)
    ctx.audit("casus.drang", kind="write", case_id=case.id, detail=f"{updated} escalations updated")
    uow.commit()
    return Reply(t("plan.fallback_set", code=case_label(case), count=updated))


def refresh_escalations(uow: UnitOfWork, ctx: Context, case: Case) -> int:
    """Rebuild the deadline ladders that still wait in the outbox, so an escalation carries the fallback
    agreed now (ladders already sent or never queued are left alone: nothing is sent because of this)."""
    assert case.id is not None
    count = 0
    for action in uow.actions.of_case(case.id):
        if action.done_at is not None or action.id is None:
            continue
        statuses = uow.outbox.statuses(key_prefix(DEADLINE_KIND, action.id))
        if OutboxStatus.PENDING not in statuses.values():
            continue
        queue_action_deadline(uow, action, case, member_name(uow, action.owner_id), ctx.clock)
        count += 1
    return count
