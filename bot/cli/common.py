"""What every ``ketenbot`` sub-command shares: opening the app, one-line errors, the injected clock.

The sub-command modules import this module, never ``bot.cli.main`` (which imports them)."""

from __future__ import annotations

import errno
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import typer
import typer.core
from typer._click.core import Context
from typer._click.parser import _OptionParser, _ParsingState

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


# why a file cannot be written, in Dutch (the OS says it in English): by errno, else its own words
OS_REASONS = {
    errno.ENOENT: "de map bestaat niet",
    errno.EISDIR: "dat is een map",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EACCES: "geen schrijfrechten",
    errno.EPERM: "geen schrijfrechten",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quotum) is op",
    errno.ENAMETOOLONG: "de naam is te lang",
}


def output_problem(path: Path) -> str | None:
    """What is wrong with writing ``path`` that can be seen before the work starts (a directory, a missing
    directory), so that a long report or an audited export is not made for nothing; ``None``: try it."""
    if path.is_dir():
        return OS_REASONS[errno.EISDIR]
    parent = path.parent
    if not parent.exists():
        return OS_REASONS[errno.ENOENT]
    if not parent.is_dir():
        return OS_REASONS[errno.ENOTDIR]
    return None


def check_output(path: Path, what: str) -> None:
    """Refuse an output file that cannot be written, in one Dutch line and exit code 1."""
    problem = output_problem(path)
    if problem is not None:
        raise fail(f"Kan {what} niet schrijven naar {path}: {problem}.", code=1)


def write_output(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to a file the user named (``what``: "het rapport", ...): any OS error is one Dutch
    line and exit code 1, never a stack trace."""
    try:
        path.write_bytes(data)
    except OSError as error:
        reason = OS_REASONS.get(error.errno or 0) or error.strerror or str(error)
        raise fail(f"Kan {what} niet schrijven naar {path}: {reason}.", code=1) from None


class _NegativeNumbersAreValues(_OptionParser):
    """click's parser, except that ``-5`` (when no option is called that) is a value like ``5``."""

    def _process_opts(self, arg: str, state: _ParsingState) -> None:
        if arg[:1] == "-" and arg[1:].isascii() and arg[1:].isdigit() and arg not in self._short_opt:
            state.largs.append(arg)  # a positional value, where click would say "no such option: -5"
            return
        super()._process_opts(arg, state)


class IdCommand(typer.core.TyperCommand):
    """A command whose argument is a row id: ``revoke -5`` reaches ``row_id``, which says the id is invalid
    ("ongeldig id van lid '-5'"), instead of click's "Onbekende optie: -5". Only a minus and digits:
    ``--rol`` stays an unknown option with its "Bedoelde je --role?". click has no setting for just this
    (``ignore_unknown_options`` would make every unknown option an argument); the parser is typer's vendored
    click's (``typer._click.parser``), as in bot/cli/dutch.py, pinned by tests/test_cli_refusals.py."""

    def make_parser(self, ctx: Context) -> _OptionParser:
        parser = _NegativeNumbersAreValues(ctx)
        for param in self.get_params(ctx):
            param.add_to_parser(parser, ctx)
        return parser


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
