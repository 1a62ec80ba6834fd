"""/mijn (/mine): my open actions, my cases, and the cases where I hold regie."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.context import decode_reply
from bot.core.dates import format_date, format_datetime
from bot.core.hygiene import is_ascii_number
from handlers.privacy.policy import case_label, present
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("mijn")


REMINDER_WORDS = ("herinneringen", "reminders")


PAGE = 20  # lines per list on one page of /mijn; /mijn 2 shows the next


@group.command("mijn", aliases=["mine"], target=NO_TARGET)
def mine(msg: Incoming, ctx: Context) -> list[Reply]:
    word = msg.args.strip().lower()
    if word in REMINDER_WORDS:
        return my_reminders(ctx)
    if word and not (is_ascii_number(word) and len(word) < 6 and int(word) >= 1):
        raise UserError("reminder.mine_usage")
    page = int(word) if word else 1
    member = ctx.require_member()
    today = ctx.clock.today()
    offset = (page - 1) * PAGE
    with ctx.uow as uow:
        totals = (
            uow.actions.count_open_for(member.id),
            uow.cases.count_of_member(member.id),
            uow.regie.count_held_by(member.id),
        )
        pages = max(1, *(-(-total // PAGE) for total in totals))
        if page > pages:
            raise UserError("mijn.no_page", page=page, pages=pages)
        actions = uow.actions.open_for(member.id, limit=PAGE, offset=offset)
        cases = uow.cases.of_member(member.id, limit=PAGE, offset=offset)
        regie = uow.regie.held_by(member.id, limit=PAGE, offset=offset)
        lines: list[Text | str] = [_title("mijn.actions_title", totals[0], offset, len(actions))]
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
        lines.append(_title("mijn.cases_title", totals[1], offset, len(cases)))
        lines.extend(
            t("mijn.case_line", code=case_label(c), status=t(f"case.status.{c.status}")) for c in cases
        )
        lines.append(_title("mijn.regie_title", totals[2], offset, len(regie)))
        lines.extend(t("mijn.regie_line", code=case_label(c), kind=t(f"regie.kind.{k}")) for c, k in regie)
        if page < pages:
            lines.append(t("mijn.next_page", next=page + 1, pages=pages))
        shown = {c.id for _, c in actions} | {c.id for c in cases} | {c.id for c, _ in regie}
        for case_id in sorted(i for i in shown if i is not None):  # each case listed is a read
            ctx.audit("mijn", case_id=case_id)
        uow.commit()
    return present(
        ctx,
        lines,
        group_line=t("mijn.group_line", actions=totals[0], cases=totals[1], regie=totals[2]),
    )


def _title(key: str, total: int, offset: int, shown: int) -> Text:
    """"Mijn casussen (26):" when one page holds them all, else "(21-26 van 26)" or "(26; op pagina 1)"."""
    if total <= PAGE:
        return t(key, count=total) if offset == 0 else t(f"{key}_elsewhere", count=total)
    if shown == 0:
        return t(f"{key}_elsewhere", count=total)
    return t(f"{key}_part", first=offset + 1, last=offset + shown, count=total)


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
