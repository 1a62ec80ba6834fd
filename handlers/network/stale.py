"""Buttons of the stale-case digest (schedules/stale.py): plan an MDO or add an action for a case. A press
only says how; the digest keeps every button, so the other cases in it can still be pressed."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.casework import parse_case_code, visible_case

group = CommandGroup("stale")


@group.action("stale.action")
def press_action(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.action")
        uow.commit()
    return Reply(t("stale.how_action", code=case.code), keeps_buttons=True)


@group.action("stale.mdo")
def press_mdo(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.mdo")
        uow.commit()
    return Reply(t("stale.how_mdo", code=case.code), keeps_buttons=True)
