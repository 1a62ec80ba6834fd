"""``ketenbot`` on the command line (typer): run, console, demo, db, admin, audit."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from bot.app import App
from bot.cli.common import fail, guarded, inject, open_app
from bot.cli.dutch import DutchGroup
from bot.config import ConfigError, Settings, load_settings
from bot.core.logs import configure_logging

app = typer.Typer(
    cls=DutchGroup,  # "Gebruik:", "Opties", "Ontbrekend argument": the framework's words in Dutch too
    help="ketenbot — chat-ops voor het Zorg- en Veiligheidshuis.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database: migraties.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.callback()
def _root(context: typer.Context) -> None:
    """ketenbot — chat-ops voor het Zorg- en Veiligheidshuis."""
    inject(context.obj)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Breng het databaseschema naar de laatste versie (Alembic)."""
    from storage import migrate

    settings = guarded(load_settings)
    configure_logging(settings.log_level)
    guarded(lambda: _upgrade(settings))
    typer.echo(f"database bijgewerkt (schemaversie {migrate.head_revision(settings.database_url)})")


def _upgrade(settings: Settings) -> None:
    from bot.key_help import explain_key_error
    from storage import migrate
    from storage.crypto import EncryptionKeyError

    try:
        migrate.upgrade(settings.database_url, encryption_key=settings.encryption_key)
    except EncryptionKeyError as error:  # existing rows to encrypt, and no (or a wrong) key
        raise ConfigError(explain_key_error(error)) from None


@db_app.command("status")
def db_status() -> None:
    """Toon de huidige en de nieuwste schemaversie."""
    from storage import migrate

    bot_app = open_app(migrate=False)
    url = bot_app.settings.database_url
    current, head = migrate.current_revision(bot_app.engine), migrate.head_revision(url)
    state = "ok" if current == head else "VEROUDERD: draai `ketenbot db upgrade`"
    typer.echo(f"huidige schemaversie: {current or '-'}  nieuwste: {head}  {state}")


@app.command()
def console(
    as_member: Annotated[
        str, typer.Option("--as", help="als welk lid (console-handle) je chat")
    ] = "procesmanager",
    jsonl: Annotated[bool, typer.Option("--jsonl", help="JSON-regels op stdin en stdout (gescript)")] = False,
) -> None:
    """Chat met de bot in de terminal (of gescript met --jsonl)."""
    bot_app = open_app()
    run_console(bot_app, as_member=as_member, jsonl=jsonl)


@app.command()
def demo(
    as_member: Annotated[
        str, typer.Option("--as", help="als welk lid (console-handle) je chat")
    ] = "procesmanager",
) -> None:
    """Zet demodata klaar (fictief) en start de console."""
    bot_app = open_app()
    code = ensure_demo(bot_app)
    if code:
        typer.echo(f"Demodata geladen. Probeer ook: ':as nieuwe-collega' en dan '/aanmelden {code}'.")
    typer.echo(
        "Demo-gebruikers: wijkagent, procesmanager, procesmanager2, voorzitter, beheerder, regisseur, "
        "reclassering, ggz, veiligthuis, woonstede."
    )
    run_console(bot_app, as_member=as_member, jsonl=False)


@app.command("demo-data")
def demo_data() -> None:
    """Laad alleen de fictieve demodata (op een lege database)."""
    code = ensure_demo(open_app())
    typer.echo(
        f"demodata geladen; uitnodigingscode: {code}"
        if code
        else "de database heeft al gegevens; niets veranderd"
    )


@app.command()
def run() -> None:
    """Start de bot: elke adapter met gegevens (Telegram, Slack; anders de console), de verzending van
    herinneringen en de geplande taken (`ketenbot jobs list`)."""
    from bot.runtime import configured_runtime, serve_forever

    bot_app = open_app()
    runtime = configured_runtime(bot_app)
    if not runtime.adapters:  # the console is the bot: it runs the scheduled jobs too
        run_console(bot_app, as_member="procesmanager", jsonl=not sys.stdin.isatty(), scheduled_jobs=True)
        return
    from bot.core.adapter import AdapterConfigError

    try:
        asyncio.run(serve_forever(runtime))
    except AdapterConfigError as error:
        raise fail(
            f"{error.setting} is geweigerd (ongeldig of ingetrokken): ketenbot start niet. "
            f"Zet het juiste token in {error.setting} en start opnieuw."
        ) from None


def ensure_demo(bot_app: App) -> str | None:
    from bot.demo.loader import has_data, load_demo

    uow = bot_app.uow()
    with uow:
        if has_data(uow):
            return None
    code = load_demo(bot_app.uow(), bot_app.clock.now())
    from bot.demo.report import load_report_demo

    load_report_demo(bot_app.uow(), bot_app.clock.now())
    return code


def run_console(bot_app: App, *, as_member: str, jsonl: bool, scheduled_jobs: bool = False) -> None:
    """``scheduled_jobs``: this console is the bot (``ketenbot run`` without Telegram or Slack), so it runs
    the purge, the stale digest and the partner poll on their schedule (bot/jobs.py), as the runtime does."""
    from bot.adapters.console.app import ConsoleAdapter
    from bot.adapters.console.inbound import PLATFORM

    catalogue = bot_app.catalogue
    language = bot_app.settings.language
    adapter = ConsoleAdapter(
        bot_app.router.handle,
        stdin=sys.stdin,
        stdout=sys.stdout,
        jsonl=jsonl,
        me=as_member.lstrip("@"),
        explain=lambda problem: catalogue.render(problem, language),
    )
    # only the console's own rows: a Telegram or Slack member's reminders wait for `ketenbot run`
    dispatcher = bot_app.dispatcher({PLATFORM: adapter.sender}, fail_unreachable=False)

    async def main() -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        one_at_a_time = asyncio.Lock()  # the interval's tick and the one after an input line take turns

        async def tick() -> int:
            async with one_at_a_time:
                return await dispatcher.tick_job()

        # the dispatcher runs while the console waits for input (--jsonl too): a message that falls due is
        # delivered on its own, not only when the next line arrives
        scheduler = AsyncIOScheduler()
        scheduler.add_job(
            tick,
            "interval",
            seconds=bot_app.settings.dispatch_interval_seconds,
            max_instances=1,
            coalesce=True,
        )
        if scheduled_jobs:
            from bot.jobs import JobRunner

            JobRunner(bot_app).schedule(scheduler)
        scheduler.start()
        try:
            await adapter.run(tick)
        finally:
            await dispatcher.stop()
            scheduler.shutdown(wait=False)

    asyncio.run(main())


def register_subcommands() -> None:
    from bot.cli.admin import admin_app, audit_command

    app.add_typer(admin_app, name="admin")
    app.command("audit")(audit_command)
    from bot.cli.slack import slack_app

    app.add_typer(slack_app, name="slack")
    from bot.cli.report import report_command

    app.command("rapport")(report_command)
    from bot.cli.privacy import privacy_app

    app.add_typer(privacy_app, name="privacy")
    from bot.cli.import_signals import import_app

    app.add_typer(import_app, name="import")
    from bot.cli.poll import poll_app

    app.add_typer(poll_app, name="poll")
    from bot.cli.jobs import jobs_app

    app.add_typer(jobs_app, name="jobs")


register_subcommands()


def main() -> None:
    skip_unused_imports()
    app()


def skip_unused_imports() -> None:
    """Modules a ``ketenbot`` process never uses, marked unimportable before anything imports them.

    httpx imports its own command line (``httpx._main``: click, rich's console, progress and syntax
    highlighting, pygments; ~4 MB resident in ``ketenbot run``, bench/footprint.py) whenever click is
    installed, as the dev extras install it (import-linter; recurring-ical-events through x-wr-timezone).
    Without it httpx catches the ImportError and defines a stub ``httpx.main``, as it does when click is
    missing. Telegram's ``HTTPXRequest`` uses httpx's client only (tests/test_cli_lazy_imports.py)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "cannot be imported"


if __name__ == "__main__":
    main()
