"""``ketenbot rapport``: the quarterly stuurgroep report as Markdown, CSV, PNG or Excel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.core.errors import UserError
from bot.core.i18n import Text
from handlers.reports.files import to_csv, to_markdown, to_png, to_xlsx
from handlers.reports.model import Quarter, build_report

FORMATS = ("md", "csv", "png", "xlsx")
OUTPUT_HELP = "bestand (standaard: stdout, of rapport-KWARTAAL.png/.xlsx)"


def report_command(
    quarter: Annotated[str | None, typer.Option(help="kwartaal, bijv. 2026Q3")] = None,
    gemeente: Annotated[str | None, typer.Option(help="alleen deze gemeente")] = None,
    output_format: Annotated[str, typer.Option("--format", help="md, csv, png of xlsx")] = "md",
    extern: Annotated[bool, typer.Option("--extern", help="aantallen onder 5 als <5")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=OUTPUT_HELP)] = None,
) -> None:
    """Kwartaalrapportage voor de stuurgroep, elk cijfer naast het vorige kwartaal."""
    from bot.cli.common import check_output, fail, open_app, write_output

    if output_format not in FORMATS:
        raise fail(f"--format moet een van deze zijn: {', '.join(FORMATS)}")
    if output is not None:  # before the report is made: a missing directory is known now
        check_output(output, "het rapport")
    bot_app = open_app()
    language = bot_app.settings.language

    def render(text: Text | str) -> str:
        return bot_app.catalogue.render(text, language)

    try:
        chosen = Quarter.parse(quarter) if quarter else Quarter.containing(bot_app.clock.today())
        if chosen > Quarter.containing(bot_app.clock.today()):
            raise UserError("rapport.future_quarter", quarter=str(chosen))
        with bot_app.uow() as uow:
            uow.polls.seal_closed(bot_app.clock.now())  # a closed round's answers count once sealed
            report = build_report(
                uow.session,
                chosen,
                bot_app.clock.tz,
                gemeente=gemeente,
                extern=extern,
                today=bot_app.clock.today(),
            )
            uow.commit()
    except UserError as error:
        raise fail(render(Text(error.key, error.params))) from None
    if output_format == "md":
        data = to_markdown(report, render).encode()
    elif output_format == "csv":
        data = to_csv(report, render)
    elif output_format == "png":
        data = to_png(report, render)
    else:
        data = to_xlsx(report, render)
    if output is None and output_format in ("md", "csv"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = output or Path(f"rapport-{report.quarter}.{output_format}")
    write_output(path, data, "het rapport")
    typer.echo(f"{path} geschreven ({len(data)} bytes)")
