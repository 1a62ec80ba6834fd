"""What every ``ketenbot`` sub-command shares: opening the app, one-line errors, the injected clock.

The sub-command modules import this module, never ``bot.cli.main`` (which imports them)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import typer

from bot.app import App, build_app, prepare_database
from bot.config import ConfigError, load_settings
from bot.core.clock import Clock
from bot.core.logs import configure_logging

# row ids are 32-bit on every backend: a larger number is refused by typer with one line, never an overflow
MAX_ROW_ID = 2**31 - 1

T = TypeVar("T")


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def row_id(text: str, what: str) -> int:
    """An id typed on the command line (``what``: "lid", "uitnodiging", ...): ASCII digits, 1..2^31-1;
    anything else is one Dutch line and exit code 2 (typer's own range check answers in English)."""
    word = text.strip()
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_ROW_ID:
        raise fail(f"ongeldig id van {what} '{word[:30]}': een heel getal van 1 tot en met {MAX_ROW_ID}")
    return int(word)


def guarded(action: Callable[[], T]) -> T:
    """Turn configuration errors into one clear line and exit code 2."""
    try:
        return action()
    except ConfigError as error:
        raise fail(str(error)) from None


@dataclass(frozen=True)
class CliContext:
    """What a caller of the CLI may inject (``CliRunner.invoke(app, args, obj=CliContext(clock=...))``).

    Without it every command reads the system clock; a test passes its harness's clock, so that the CLI and
    the dispatcher the test runs afterwards agree on what "now" is."""

    clock: Clock | None = None


_injected: ContextVar[CliContext | None] = ContextVar("ketenbot_cli_context", default=None)


def inject(obj: object) -> None:
    """Called once per invocation by the root command with ``typer.Context.obj``."""
    _injected.set(obj if isinstance(obj, CliContext) else None)


def injected_clock() -> Clock | None:
    injected = _injected.get()
    return injected.clock if injected is not None else None


def open_app(*, migrate: bool = True) -> App:
    settings = guarded(load_settings)
    configure_logging(settings.log_level)
    bot_app = guarded(lambda: build_app(settings, clock=injected_clock()))
    if migrate:
        guarded(lambda: prepare_database(bot_app))
    return bot_app
