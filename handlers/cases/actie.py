"""/actie (/action): the plan van aanpak. ``/actie CODE <text> @owner <deadline>`` · ``/actie klaar ID``.

``spoor:zorg`` puts the action on a track of the plan, ``voor:2`` (or ``voor:M.J.``) on one betrokkene.

A deadline queues a reminder to the owner on the deadline morning and an escalation to procesregie two
working days later (``handlers/reminders.py``); marking the action done cancels both.
"""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.dates import format_date, parse_date
from bot.core.hygiene import echo, is_id
from handlers.cases.plan_words import find_subject, take_plan_options, track_text
from handlers.casework import holds_regie, require_open, split_code, visible_case
from handlers.privacy.policy import case_label
from handlers.privacy.targets import action_or_case_in_args
from handlers.reminders import DEADLINE_KIND, cancel_ladder, queue_action_deadline
from storage.cases.tables import Action, CaseEventKind

group = CommandGroup("actie")

MAX_TEXT = 500


@group.command(
    "actie", aliases=["action"], usage=t("actie.usage"), needs_args=True, target=action_or_case_in_args
)
def actie(msg: Incoming, ctx: Context) -> Reply:
    head, _, rest = msg.args.partition(" ")
    if head.lower() in ("klaar", "done"):
        return mark_done(ctx, rest.strip())
    return add_action(ctx, msg.args)


def add_action(ctx: Context, args: str) -> Reply:
    member = ctx.require_member()
    code, rest = split_code(args)
    words, track, subject_ref = take_plan_options(rest.split())
    at = [i for i, word in enumerate(words) if word.startswith("@")]
    if not at:
        raise UserError("actie.usage")
    text = " ".join(words[: at[-1]]).strip()
    handle = words[at[-1]]
    deadline_text = " ".join(words[at[-1] + 1 :]).strip()
    if not text or not deadline_text:
        raise UserError("actie.usage")
    if len(text) > MAX_TEXT:
        raise UserError("form.too_long", limit=MAX_TEXT, length=len(text))
    deadline = parse_date(deadline_text, ctx.clock.today())
    if deadline < ctx.clock.today():
        raise UserError("actie.deadline_past", date=format_date(deadline))
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "actie")
        assert case.id is not None
        require_open(case)
        owner = uow.members.by_handle(handle)
        if owner is None or owner.id is None or not owner.active:
            raise UserError("actie.owner_not_participant", who=handle, code=case.code)
        if not uow.cases.is_participant(case.id, owner.id, owner.organisation_id):
            raise UserError("actie.owner_not_participant", who=owner.name, code=case.code)
        subject = find_subject(case, uow.plan.subjects(case.id), subject_ref) if subject_ref else None
        action = uow.actions.add(
            Action(
                case_id=case.id,
                text=text,
                owner_id=owner.id,
                deadline=deadline,
                created_by=member.id,
                created_at=now,
                track=track,
                subject_id=subject.id if subject else None,
            )
        )
        uow.cases.add_event(case.id, CaseEventKind.ACTION_ADDED, now, member.id, id=action.id, who=owner.name)
        queue_action_deadline(uow, action, case, owner.name, ctx.clock)
        if owner.id != member.id:
            ctx.notify(
                owner.id,
                t(
                    "actie.assigned",
                    id=action.id,
                    code=case.code,
                    text=text,
                    deadline=format_date(deadline),
                    by=member.name,
                ),
                key=f"action:{action.id}:assigned",
                cases=[case.id],
            )
        ctx.audit("actie", kind="write", case_id=case.id, detail=f"action {action.id}")
        uow.commit()
    added = t(
        "actie.added", id=action.id, code=case_label(case), who=owner.name, deadline=format_date(deadline)
    )
    if track is None:
        return Reply(added)
    return Reply([added, t("plan.action_track", track=track_text(track))])


def mark_done(ctx: Context, raw_id: str) -> Reply:
    member = ctx.require_member()
    word = raw_id.strip().lstrip("#")
    if not is_id(word):
        raise UserError("actie.usage")
    with ctx.uow as uow:
        action = uow.actions.get(int(word))
        case = uow.cases.get(action.case_id) if action else None
        ctx.concerns(case.id if case else None)  # a refusal below is audited with the case
        if (
            action is None
            or case is None
            or case.id is None
            or not uow.cases.is_participant(case.id, member.id, member.organisation_id)
        ):
            ctx.audit("actie.done", case_id=case.id if case else None, outcome="denied", detail=word)
            uow.commit()
            raise UserError("actie.not_found", id=echo(word))
        if action.owner_id != member.id and not holds_regie(uow, case, member):
            raise UserError("actie.not_yours", id=action.id)
        require_open(case)
        if not uow.actions.mark_done(action, member.id, ctx.clock.now()):
            raise UserError("actie.already_done", id=action.id)
        uow.cases.add_event(case.id, CaseEventKind.ACTION_DONE, ctx.clock.now(), member.id, id=action.id)
        cancel_ladder(uow, DEADLINE_KIND, action.id or 0)
        ctx.audit("actie.done", kind="write", case_id=case.id, detail=f"action {action.id}")
        uow.commit()
    return Reply(t("actie.done", id=action.id, code=case_label(case)))
