"""Buttons of the stale-case digest (schedules/stale.py): plan an MDO or add an action for a case. *MDO
plannen* opens the ``/overleg plan`` form with the kind and the case filled in (a chair's; others are told
who can); *actie* says how. The digest keeps every button, so the other cases in it can still be pressed."""

from __future__ import annotations

from dataclasses import replace

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.casework import parse_case_code, visible_case
from handlers.overleg.plan import PLAN_FORM, require_chair_role
from storage.meetings.tables import MeetingKind

group = CommandGroup("stale")


@group.action("stale.action")
def press_action(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.action")
        uow.commit()
    return Reply(t("stale.how_action", code=case.code), keeps_buttons=True)


@group.action("stale.mdo")
def press_mdo(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.mdo")
        require_chair_role(ctx)
        replies = ctx.forms.start(PLAN_FORM, ctx, initial={"kind": MeetingKind.MDO.value, "cases": [case.id]})
        uow.commit()
    return [replace(reply, keeps_buttons=True) for reply in replies]
