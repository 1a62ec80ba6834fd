"""/casus CODE log: who looked at or changed a case, when, through which channel (procesregie only).

The access log is the audit trail the router and handlers write (one row per command, press or form, plus
reads and changes of the case). It is shown in a direct chat only: who looked at a file is itself sensitive.
"""

from __future__ import annotations

from bot.core import Context, Reply, Text, t
from bot.core.dates import format_datetime
from handlers.casework import member_name, require_procesregie
from handlers.privacy.policy import present
from storage.cases.tables import Case

LOG_LINES = 25


def show_log(ctx: Context, case: Case) -> list[Reply]:
    member = ctx.require_member()
    uow = ctx.uow
    require_procesregie(uow, case, member)
    assert case.id is not None
    events = sorted(uow.audit.search(case_id=case.id, limit=10_000), key=lambda e: e.at, reverse=True)
    lines: list[Text | str] = [t("casus.log_title", code=case.code, count=len(events))]
    names: dict[int, str] = {}
    for event in events[:LOG_LINES]:
        who: Text | str = t("casus.log_unknown_member")
        if event.member_id is not None:
            if event.member_id not in names:
                names[event.member_id] = member_name(uow, event.member_id)
            who = names[event.member_id]
        lines.append(
            t(
                "casus.log_line",
                at=format_datetime(event.at, ctx.clock.tz),
                who=who,
                what=event.name,
                kind=event.kind,
                channel=f"{event.platform}/{event.chat_kind}",
                outcome=event.outcome,
            )
        )
    if len(events) > LOG_LINES:
        lines.append(t("casus.log_more", count=len(events) - LOG_LINES))
    return present(ctx, lines, group_line=t("casus.log_group", code=case.code))
