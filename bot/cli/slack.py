"""``ketenbot slack ...``: Slack operator commands (the app manifest)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import typer


def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as the bot's base URL (Slack gets ``URL/slack/events``), or ``None``."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "bevat spaties of onzichtbare tekens"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises on a port that is no number or out of range
    except ValueError:
        return "is geen geldig adres"
    if parts.scheme not in ("http", "https"):
        return "moet met https:// (of http://) beginnen"
    if not parts.hostname:
        return "heeft geen host"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "mag geen ?-query of #-fragment hebben (er komt /slack/events achter)"
    return None


slack_app = typer.Typer(help="Slack: app-manifest voor installatie in een workspace.", no_args_is_help=True)


@slack_app.command("manifest")
def manifest_command(
    url: Annotated[
        str,
        typer.Option(
            "--url", help="openbare basis-URL van de HTTP-server van de bot, bijv. https://bot.example.org"
        ),
    ] = "https://ketenbot.example.org",
    socket: Annotated[bool, typer.Option("--socket", help="Socket Mode (geen request-URL's nodig)")] = False,
    per_command: Annotated[
        bool, typer.Option("--per-command", help="ook één slash-commando per ketenbot-opdracht (/ik, ...)")
    ] = False,
    name: Annotated[str, typer.Option("--name", help="naam van de app en de botgebruiker")] = "ketenbot",
) -> None:
    """Toon een Slack-appmanifest (YAML): commando's, scopes, events, interactiviteit en request-URL's."""
    from bot.adapters.slack.manifest import manifest, to_yaml
    from bot.cli.common import fail

    problem = url_problem(url)
    if problem is not None:
        raise fail(f"--url '{url[:80]}' {problem}; geef het openbare adres, bijv. https://bot.example.org")
    commands: list[tuple[str, str]] = []
    if per_command:
        from bot.app import build_app
        from bot.cli.common import guarded
        from bot.config import load_settings

        app = build_app(guarded(load_settings))  # reads no database: the router knows its commands
        visible = {c.name: c for c in app.router.commands.values() if not c.hidden}
        for name_, command in sorted(visible.items()):
            text = command.description
            description = app.catalogue.render(text, app.settings.language) if text else name_
            commands.append((name_, description))
    typer.echo(to_yaml(manifest(url, socket_mode=socket, name=name, commands=commands)), nl=False)
