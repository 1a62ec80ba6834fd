"""The command line's framework words in Dutch: typer (and the click it vendors) prints "Usage:", "Options",
"Show this message and exit." and "Missing argument" itself, in English, with no translation hook of its own.

``speak_dutch()`` puts Dutch in those places once per process, when a ``ketenbot`` command runs (the root
group's ``main``, see ``DutchGroup``), never at import: the rich help's panel titles and hints, the usage
prefix, the ``--help`` option's text, typer's own gettext strings ("No such command") and the messages of
click's usage errors. Our own help texts are Dutch where they are written (bot/cli/*.py).
A typer upgrade that moves these places fails ``tests/test_cli_dutch.py``.

typer imports its rich help (``typer.rich_utils``: rich, its markdown, pygments; ~4 MB of ``ketenbot run``'s
idle RSS in bench/footprint.py) only when it prints help or an error. The words for it are put in place
when that import happens, so that ``ketenbot run`` never loads it (tests/test_cli_lazy_imports.py).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

import typer
import typer.core
from typer import _click
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting

USAGE = "Gebruik: "
HELP_TEXT = "Toon deze hulp en stop."

PANEL_WORDS = {  # typer.rich_utils' module constants, read when help or an error is printed
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Typ [blue]'{command_path} {help_option}'[/] voor hulp.",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}

GETTEXT = {  # typer.core's gettext strings
    "(dynamic)": "(dynamisch)",
    "Aborted!": "Afgebroken!",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
}

KINDS = {"argument": "argument", "option": "optie", "parameter": "parameter"}
METAVARS = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}
TYPES = {  # the help's type labels, e.g. <int> -> <getal>
    "int": "geheel getal",
    "int range": "geheel getal",
    "float": "getal",
    "float range": "getal",
    "bool": "ja/nee",
    "str": "tekst",
    "text": "tekst",
    "path": "pad",
    "file": "bestand",
    "directory": "map",
    "datetime": "datum en tijd",
    "date": "datum",
}

# click's error messages (English, built in code) -> Dutch; the first pattern that matches wins
MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Missing (argument|option|parameter)( .+?)?\.(?: (.*))?$", re.S),
        lambda m: (
            f"Ontbrekend{'e' if m[1] == 'option' else ''} {KINDS[m[1]]}{m[2] or ''}."
            + (f" {m[3]}" if m[3] else "")
        ),
    ),
    (re.compile(r"Missing parameter: (.*)$"), lambda m: f"Ontbrekende parameter: {m[1]}"),
    (  # click adds its close matches as "(Possible options: --a, --b)"
        re.compile(r"No such option: (.*?)(?: \(Possible options: (.*)\)| Did you mean (.*)\?)?$"),
        lambda m: (
            f"Onbekende optie: {m[1]}" + (f". Bedoelde je {either(m[2] or m[3])}?" if m[2] or m[3] else "")
        ),
    ),
    (
        re.compile(r"Option '?(.+?)'? requires an argument\.$"),
        lambda m: f"Optie {m[1]} heeft een waarde nodig.",
    ),
    (
        re.compile(r"Option '?(.+?)'? requires (\d+) arguments\.$"),
        lambda m: f"Optie {m[1]} heeft {m[2]} waarden nodig.",
    ),
    (re.compile(r"Option '?(.+?)'? does not take a value\.$"), lambda m: f"Optie {m[1]} neemt geen waarde."),
    (
        re.compile(r"Got unexpected extra arguments? \((.*)\)$"),
        lambda m: f"Onverwachte extra argumenten: {m[1]}",
    ),
    (
        re.compile(r"Invalid value for (.+?): (.*)$", re.S),
        lambda m: f"Ongeldige waarde voor {m[1]}: {value_words(m[2])}",
    ),
    (re.compile(r"Invalid value: (.*)$", re.S), lambda m: f"Ongeldige waarde: {value_words(m[1])}"),
    (re.compile(r"No such command '?(.+?)'?\.$"), lambda m: f"Onbekende opdracht '{m[1]}'."),
    # typer adds its suggestion to the (already Dutch) "no such command" message
    (
        re.compile(r"(.*)\. Did you mean (.*)\?$", re.S),
        lambda m: f"{in_dutch(m[1] + '.')} Bedoelde je {m[2]}?",
    ),
]

VALUE_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Value error, (.*)$", re.S), lambda m: value_words(m[1])),  # a validator's own message
    (
        re.compile(r"Input should be a valid (integer|number|boolean|date|datetime)\b.*$", re.S),
        lambda m: (
            "dat is geen geldig"
            + {
                "integer": " geheel getal",
                "number": " getal",
                "boolean": "e ja/nee",
                "date": "e datum",
                "datetime": "e datum en tijd",
            }[m[1]]
            + "."
        ),
    ),
    (re.compile(r"Input should be (greater|less) than( or equal to)? (.+)$"), lambda m: bound_words(m)),
    (
        re.compile(r"(.*) is not a valid (integer|float|boolean)(?: range)?\.?$"),
        lambda m: (
            f"{m[1]} is geen geldig {({'integer': 'geheel getal', 'float': 'getal'}).get(m[2], 'ja/nee')}."
        ),
    ),
    (re.compile(r"(.*) is not in the range (.*)\.$"), lambda m: f"{m[1]} ligt niet in het bereik {m[2]}."),
    (re.compile(r"(.*) is not (?:one of )?(.*)\.$"), lambda m: f"{m[1]} is geen van {m[2]}."),
    (re.compile(r"(?:File|Path|Directory) (.*) does not exist\.$"), lambda m: f"{m[1]} bestaat niet."),
]


def either(choices: str) -> str:
    """click's "--all, --help" as "--all of --help"."""
    first, _, last = choices.rpartition(", ")
    return f"{first} of {last}" if first else last


def bound_words(match: re.Match[str]) -> str:
    words = {
        ("greater", True): "minstens",
        ("greater", False): "meer dan",
        ("less", True): "hoogstens",
        ("less", False): "minder dan",
    }
    return f"de waarde moet {words[(match[1], bool(match[2]))]} {match[3]} zijn."


def value_words(text: str) -> str:
    for pattern, dutch in VALUE_MESSAGES:
        if match := pattern.match(text.strip()):
            return dutch(match)
    return text


def in_dutch(text: str) -> str:
    """One of click's messages in Dutch (unchanged when it is not one we know, e.g. already ours)."""
    for pattern, dutch in MESSAGES:
        if match := pattern.match(text):
            return dutch(match)
    return text


_installed = False


def speak_dutch() -> None:
    """Put the Dutch words in place (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    when_imported("typer.rich_utils", _dutch_rich_help)
    typer.core._ = lambda message: GETTEXT.get(message, message)  # type: ignore[attr-defined]
    _dutch_usage_prefix()
    _dutch_metavars()
    _dutch_help_option()
    _dutch_errors()


def _dutch_usage_prefix() -> None:
    original = click_formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, USAGE if prefix is None else prefix)

    click_formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


def _dutch_rich_help(rich_utils: ModuleType) -> None:
    for name, word in PANEL_WORDS.items():  # module constants, read when help or an error is printed
        setattr(rich_utils, name, word)
    rich_utils.OptionHighlighter.highlights = [  # the usage line's colour: on "Gebruik: " instead
        pattern.replace("Usage: ", USAGE) for pattern in rich_utils.OptionHighlighter.highlights
    ]


def when_imported(name: str, then: Callable[[ModuleType], None]) -> None:
    """``then(module)`` now when module ``name`` is imported already, else right after its import runs it."""
    module = sys.modules.get(name)
    if module is not None:
        then(module)
    else:
        sys.meta_path.insert(0, _AfterImport(name, then))


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds ``name`` with the other finders once, and has its loader call ``then`` after executing it."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.then = then

    def find_spec(self, fullname: str, path: Any, target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # once; and the search below must not find this finder again
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenLoader(spec.loader, self.then)
        return spec


class _ThenLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, then: Callable[[ModuleType], None]) -> None:
        self.loader = loader
        self.then = then

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.then(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... of the real loader
        return getattr(self.loader, name)


def _dutch_metavars() -> None:
    pieces = _click.core.Command.collect_usage_pieces

    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [METAVARS.get(piece, piece) for piece in pieces(self, ctx)]

    _click.core.Command.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]
    group_pieces = typer.core.TyperGroup.collect_usage_pieces

    def group_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [METAVARS.get(piece, piece) for piece in group_pieces(self, ctx)]

    typer.core.TyperGroup.collect_usage_pieces = group_usage_pieces  # type: ignore[method-assign]
    display_type = typer.core._TyperParameter.display_type

    def dutch_type(self: Any, ctx: Any) -> str:
        if getattr(self, "is_flag", False):  # --force, --help: given or not, they take no value
            return ""
        shown = display_type(self, ctx)
        label = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else None
        return f"<{TYPES[label]}>" if label in TYPES else shown

    typer.core._TyperParameter.display_type = dutch_type  # type: ignore[method-assign]


def _dutch_help_option() -> None:
    original = _click.core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    _click.core.Command.get_help_option = get_help_option  # type: ignore[method-assign]


def _dutch_errors() -> None:
    classes = [
        cls
        for cls in vars(click_exceptions).values()
        if isinstance(cls, type) and issubclass(cls, click_exceptions.ClickException)
    ]
    for cls in classes:
        # the base class too: it inherits format_message from typer's own exception class
        if "format_message" not in vars(cls) and cls is not click_exceptions.ClickException:
            continue
        original = cls.format_message

        def format_message(self: Any, original: Callable[[Any], str] = original) -> str:
            return in_dutch(original(self))

        cls.format_message = format_message  # type: ignore[method-assign]


class DutchGroup(typer.core.TyperGroup):
    """The root ``ketenbot`` group: Dutch framework words from the moment a command runs."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        speak_dutch()
        return super().main(*args, **kwargs)
