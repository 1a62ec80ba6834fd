"""/mijn (/mine): my open actions, my cases, and the cases where I hold regie."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, Text, t
from bot.core.dates import format_date
from handlers.privacy import case_label, present

group = CommandGroup("mijn")


@group.command("mijn", aliases=["mine"])
def mine(msg: Incoming, ctx: Context) -> list[Reply]:
    member = ctx.require_member()
    today = ctx.clock.today()
    with ctx.uow as uow:
        actions = uow.actions.open_for(member.id)
        cases = uow.cases.of_member(member.id)
        regie = uow.regie.held_by(member.id)
        lines: list[Text | str] = [t("mijn.actions_title", count=len(actions))]
        for action, case in actions:
            lines.append(
                t(
                    "mijn.action_late_line" if action.deadline < today else "mijn.action_line",
                    id=action.id,
                    code=case_label(case),
                    text=action.text,
                    deadline=format_date(action.deadline),
                )
            )
        lines.append(t("mijn.cases_title", count=len(cases)))
        lines.extend(
            t("mijn.case_line", code=case_label(c), status=t(f"case.status.{c.status}")) for c in cases
        )
        lines.append(t("mijn.regie_title", count=len(regie)))
        lines.extend(t("mijn.regie_line", code=case_label(c), kind=t(f"regie.kind.{k}")) for c, k in regie)
        ctx.audit("mijn", detail=f"{len(actions)} actions, {len(cases)} cases, {len(regie)} regie")
        uow.commit()
    return present(
        ctx,
        lines,
        group_line=t("mijn.group_line", actions=len(actions), cases=len(cases), regie=len(regie)),
    )
