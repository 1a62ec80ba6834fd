"""``ketenbot poll start``: start a partner poll round by hand (the scheduler starts the yearly one)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.core.i18n import t
from schedules.poll import RoundStillOpen, start_round

poll_app = typer.Typer(help="De jaarlijkse peiling onder partners.", no_args_is_help=True)


@poll_app.command("start")
def poll_start(
    weeks: Annotated[
        int | None, typer.Option(min=1, max=26, help="weken open (standaard KETENBOT_POLL_OPEN_WEEKS)")
    ] = None,
) -> None:
    """Elk actief lid krijgt nu de drie vragen (1-5) en kan een opmerking geven; antwoorden zijn anoniem."""
    from bot.cli.common import open_app

    bot_app = open_app()
    try:
        round_id, members = start_round(
            bot_app.uow(), bot_app.clock.now(), weeks or bot_app.settings.poll_open_weeks
        )
    except RoundStillOpen as still_open:
        closes = f"{still_open.closes_at.astimezone(bot_app.settings.tz):%d-%m-%Y %H:%M}"
        message = t("poll.still_open", round=still_open.round_id, closes=closes)
        typer.secho(bot_app.catalogue.render(message, bot_app.settings.language), err=True)
        raise typer.Exit(2) from None
    typer.echo(
        bot_app.catalogue.render(
            t("poll.started", round=round_id, members=members), bot_app.settings.language
        )
    )
