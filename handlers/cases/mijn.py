"""/mijn (/mine): my open actions, my cases, and the cases where I hold regie."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.context import decode_reply
from bot.core.dates import format_date, format_datetime
from handlers.privacy.policy import case_label, present
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("mijn")


REMINDER_WORDS = ("herinneringen", "reminders")


@group.command("mijn", aliases=["mine"], target=NO_TARGET)
def mine(msg: Incoming, ctx: Context) -> list[Reply]:
    if msg.args.strip():
        if msg.args.strip().lower() not in REMINDER_WORDS:
            raise UserError("reminder.mine_usage")
        return my_reminders(ctx)
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
        shown = {c.id for _, c in actions} | {c.id for c in cases} | {c.id for c, _ in regie}
        for case_id in sorted(i for i in shown if i is not None):  # each case listed is a read
            ctx.audit("mijn", case_id=case_id)
        uow.commit()
    return present(
        ctx,
        lines,
        group_line=t("mijn.group_line", actions=len(actions), cases=len(cases), regie=len(regie)),
    )


def my_reminders(ctx: Context) -> list[Reply]:
    """``/mijn herinneringen``: what the outbox still holds for me, soonest first, in my direct chat."""
    member = ctx.require_member()
    with ctx.uow as uow:
        rows = uow.outbox.pending_for(member.id, ctx.clock.now())
        lines: list[Text | str] = (
            [t("reminder.mine_title", count=len(rows))] if rows else [t("reminder.mine_none")]
        )
        for row in rows:
            text = decode_reply(row.payload).text
            first = text[0] if isinstance(text, list) and text else text
            lines.append(t("reminder.mine_line", due=format_datetime(row.due_at, ctx.clock.tz), text=first))
        ctx.audit("mijn.herinneringen", detail=f"{len(rows)} reminders")
        uow.commit()
    return present(ctx, lines, group_line=t("reminder.mine_title", count=len(rows)))
