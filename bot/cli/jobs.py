"""``ketenbot jobs list`` and ``ketenbot jobs run NAME``: the scheduled jobs (bot/jobs.py), by hand."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

jobs_app = typer.Typer(
    help="Geplande taken: bekijken, of er nu één draaien (de bot draait ze zelf op hun tijd).",
    no_args_is_help=True,
)


@jobs_app.command("list")
def jobs_list() -> None:
    """Toon de geplande taken: naam, wanneer de bot ze draait en wat ze doen."""
    from bot.jobs import JOBS

    width = max(len(job.name) for job in JOBS)
    for job in JOBS:
        typer.echo(f"{job.name:<{width}}  {job.when:<16}  {job.help}")


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="naam van de taak (zie `ketenbot jobs list`)", metavar="NAAM")],
    force: Annotated[
        bool,
        typer.Option(
            "--forceer",
            "--force",
            help="ook buiten het seizoen van de taak (partner_poll: buiten de peilingmaand); "
            "komt in het auditlog",
        ),
    ] = False,
) -> None:
    """Draai één geplande taak nu (veilig om te herhalen: wat al gedaan is, gebeurt niet nog eens)."""
    from bot.cli.common import fail, open_app
    from bot.jobs import JOBS, JobRunner, OutOfSeason, job_named

    if job_named(name) is None:
        names = ", ".join(job.name for job in JOBS)
        raise fail(f"onbekende taak '{name}'; kies uit: {names}")
    bot_app = open_app()
    try:
        outcome = asyncio.run(JobRunner(bot_app).run_now(name, force=force))
    except OutOfSeason as refused:
        raise fail(f"{name}: {refused}") from None
    typer.echo(f"{name}: klaar — {outcome}")
