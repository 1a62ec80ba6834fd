"""Buttons of the stale-case digest (schedules/stale.py): plan an MDO or add an action for a case.

*MDO plannen* (chairs: procesmanagers and voorzitters, as ``/overleg plan``) opens the overleg plan form with
the kind (MDO) and the case on the agenda filled in; *Actie toevoegen* says how. Both leave the digest and its
buttons as they were (``keeps_buttons``), so the other cases in it can still be pressed.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.casework import parse_case_code, visible_case
from handlers.overleg.plan import CHAIR_ROLES, PLAN_FORM
from handlers.privacy.policy import case_label
from handlers.privacy.targets import case_code_in_value
from storage.meetings.tables import MeetingKind

group = CommandGroup("stale")


@group.action("stale.action", target=case_code_in_value)
def press_action(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.action")
        uow.commit()
    return Reply(t("stale.how_action", code=case.code), keeps_buttons=True)


@group.action("stale.mdo", roles=CHAIR_ROLES, target=case_code_in_value)
def press_mdo(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        case = visible_case(ctx, parse_case_code(msg.value), "stale.mdo")
        initial = {"kind": MeetingKind.MDO.value, "cases": [case.id]}
        replies = ctx.forms.start(PLAN_FORM, ctx, initial=initial)
        uow.commit()
    if replies:  # the form's introduction names the case it put on the agenda
        first = replies[0]
        lines = first.text if isinstance(first.text, list) else [first.text]
        replies[0] = replace(first, text=[t("stale.mdo_for", code=case_label(case)), *lines])
    # the form's questions are new messages: the digest keeps its other cases' buttons
    return [replace(reply, keeps_buttons=True) for reply in replies]
