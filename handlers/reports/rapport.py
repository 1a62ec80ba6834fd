"""/rapport (/report) [kwartaal 2026Q3] [gemeente X] [extern]: the quarterly stuurgroep figures.

In chat: a short summary, then the chart (PNG) and the table (CSV) as files, each figure beside the previous
quarter. Without a quarter: the current one (to date). ``extern`` suppresses counts below 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import CommandGroup, Context, FileAttachment, Incoming, Reply, UserError, t
from handlers.privacy.targets import NO_TARGET
from handlers.reports.files import summary, to_csv, to_png
from handlers.reports.model import Quarter, build_report
from storage.models import Role

group = CommandGroup("rapport")

KEYWORDS = {
    "kwartaal": "quarter",
    "quarter": "quarter",
    "gemeente": "gemeente",
    "municipality": "gemeente",
    "extern": "extern",
    "external": "extern",
}


@dataclass(frozen=True)
class ReportRequest:
    quarter: Quarter | None
    gemeente: str | None
    extern: bool


def parse_request(args: str) -> ReportRequest:
    """``kwartaal 2026Q3 gemeente Den Bosch extern``; a bare ``2026Q3`` is the quarter too."""
    quarter: Quarter | None = None
    gemeente: list[str] | None = None
    extern = False
    current: str | None = None
    for word in args.split():
        keyword = KEYWORDS.get(word.lower())
        if keyword == "extern":
            extern, current = True, None
        elif keyword is not None:
            current = keyword
            if keyword == "gemeente":
                gemeente = []
        elif current == "gemeente" and gemeente is not None:
            gemeente.append(word)
        elif quarter is None and current in ("quarter", None):
            quarter, current = Quarter.parse(word), None
        else:
            raise UserError("rapport.usage")
    if gemeente is not None and not gemeente:
        raise UserError("rapport.usage")
    return ReportRequest(quarter, " ".join(gemeente) if gemeente else None, extern)


@group.command(
    "rapport",
    aliases=["report"],
    roles=[Role.PROCESMANAGER, Role.BEHEERDER],
    usage=t("rapport.usage"),
    target=NO_TARGET,
)
def rapport(msg: Incoming, ctx: Context) -> list[Reply]:
    request = parse_request(msg.args)
    this_quarter = Quarter.containing(ctx.clock.today())
    quarter = request.quarter or this_quarter
    if quarter > this_quarter:
        raise UserError("rapport.future_quarter", quarter=str(quarter))
    with ctx.uow as uow:
        uow.polls.seal_closed(ctx.clock.now())  # a closed round's answers count once sealed
        report = build_report(
            uow.session,
            quarter,
            ctx.clock.tz,
            gemeente=request.gemeente,
            extern=request.extern,
            today=ctx.clock.today(),
        )
        ctx.audit("rapport", detail=f"{quarter} {report.gemeente or '*'}{' extern' if report.extern else ''}")
        uow.commit()
    stem = f"rapport-{quarter}" + (f"-{report.gemeente.lower().replace(' ', '-')}" if report.gemeente else "")
    return [
        Reply(summary(report)),
        Reply(
            t("rapport.chart_caption"),
            file=FileAttachment(f"{stem}.png", to_png(report, ctx.render), "image/png"),
        ),
        Reply(
            t("rapport.csv_caption"),
            file=FileAttachment(f"{stem}.csv", to_csv(report, ctx.render), "text/csv"),
        ),
    ]
