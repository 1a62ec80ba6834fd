"""``ketenbot slack ...``: Slack operator commands (the app manifest)."""

from __future__ import annotations

from typing import Annotated

import typer

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
