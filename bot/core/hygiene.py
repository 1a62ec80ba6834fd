"""What arrives from a chat is hostile until checked: one place for the rules on characters and numbers.

- Message text (commands, button values, form answers) with control, bidi-override or mention-marker
  characters is refused (``UserError("core.control_characters")``), so nothing invisible is stored or echoed.
- Display names and chat titles come from the platform profile, not from what the user typed now: they are
  cleaned (the same characters removed, whitespace collapsed, length bounded) rather than refused. So is an
  uploaded file's name (``clean_file_name``: newlines become spaces, a long name is cut with "…" before its
  extension, an empty one reads "bestand"), after the router has refused the forbidden characters in it.
- Numbers in user input are ASCII digits only ("٧" or "²" are not numbers) and ids are bounded by the
  database's INTEGER, so a 20-digit id is "unknown", never an ``OverflowError``.
- A refusal that quotes what was typed (``Overleg #99999999999 niet gevonden``) quotes it whole, or cut with
  a visible "…" when it is longer than ``MAX_ECHO``: never silently shortened into a different number.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.mentions import END, MIDDLE, START

MARKERS = frozenset(START + MIDDLE + END)  # a member mention's markers (bot.core.mentions): never typed
# bidirectional controls (embeddings, overrides, isolates, marks): they reorder what a reader sees
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# invisible characters that hide inside a code or a name: zero-width space, word joiner, byte order mark
# (ZWJ/ZWNJ stay: emoji and scripts need them; so do U+2028/2029, line breaks pasted from other programs)
INVISIBLE = frozenset("\u200b\u2060\ufeff")
ALLOWED_CONTROLS = frozenset("\n\t\r")
MAX_ID = 2**31 - 1  # INTEGER on SQLite and Postgres: the largest id a row can have
MAX_NAME_LENGTH = 120
MAX_FILE_NAME = 120  # characters of an uploaded file's name kept and echoed
MAX_EXTENSION = 10  # a longer "extension" is not kept when a long file name is cut
UNNAMED_FILE = "bestand"  # what an upload without a readable name is called
MAX_ECHO = 20  # characters of a typed token a refusal quotes back (an id, a code, a word)
ELLIPSIS = "…"


def forbidden(ch: str) -> bool:
    """A character that must not be stored or echoed: C0/C1 controls (but newline, tab, CR), DEL, lone
    surrogates, bidi controls, the invisible characters above and the mention markers."""
    if ch in ALLOWED_CONTROLS:
        return False
    if ch in MARKERS or ch in BIDI or ch in INVISIBLE:
        return True
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs")


# ``forbidden`` as one character class, for whole texts: Cc is exactly U+0000-U+001F and U+007F-U+009F, Cs
# the surrogates (tests/core/test_hygiene_pattern.py compares the two over every code point)
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    + re.escape("".join(sorted(MARKERS | BIDI | INVISIBLE)))
    + "]"
)


def has_forbidden(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None


def _one_line(text: str) -> str:
    """``text`` without forbidden characters, on one line: newlines, tabs and runs of spaces one space."""
    kept = "".join(" " if ch in ALLOWED_CONTROLS else ch for ch in text if not forbidden(ch))
    return " ".join(kept.split())


def clean_display_name(name: str | None) -> str | None:
    """A platform display name with the forbidden characters removed, whitespace collapsed and the length
    bounded; None when nothing readable is left."""
    if name is None:
        return None
    cleaned = _one_line(name)[:MAX_NAME_LENGTH].strip()
    return cleaned or None


def clean_file_name(name: str | None) -> str:
    """An uploaded file's name as it is stored and echoed: on one line (forbidden characters removed,
    whitespace collapsed), at most ``MAX_FILE_NAME`` characters, a longer one cut with "…" before its
    extension (``aaaa….csv``), and ``UNNAMED_FILE`` when nothing readable is left. Cleaning twice changes
    nothing. The router refuses a name with forbidden characters before this runs (an RTL override that
    hides ``.exe``); they are removed here too, so no caller can echo one."""
    cleaned = _one_line(name or "")
    if len(cleaned) > MAX_FILE_NAME:
        stem, dot, extension = cleaned.rpartition(".")
        tail = dot + extension if stem and 0 < len(extension) <= MAX_EXTENSION else ""
        cleaned = cleaned[: MAX_FILE_NAME - len(ELLIPSIS) - len(tail)].rstrip() + ELLIPSIS + tail
    return cleaned or UNNAMED_FILE


def is_ascii_number(word: str) -> bool:
    """``word`` is one or more ASCII digits (``str.isdigit`` also accepts "٧" and "²")."""
    return word.isascii() and word.isdigit()


def parse_id(word: str | None) -> int | None:
    """A row id typed or pressed: ASCII digits, 1..MAX_ID; anything else is None ("unknown")."""
    text = (word or "").strip()
    if not is_ascii_number(text) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_bounded(word: str, low: int, high: int) -> int | None:
    """A whole number in ASCII digits (optionally negative) within [low, high]; otherwise None."""
    text = word.strip()
    digits = text[1:] if text.startswith("-") else text
    if not is_ascii_number(digits) or len(digits) > 18:
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_id(word: str | None) -> bool:
    """``word`` names a row id (see ``parse_id``); ``int(word)`` is then safe."""
    return parse_id(word) is not None


def echo(word: str | None, limit: int = MAX_ECHO) -> str:
    """A typed token as a refusal quotes it back: whole up to ``limit`` characters; a longer one is cut and
    ends in "…", so ``99999999999999999999999`` never reads as the (different) number ``999999999999``."""
    text = (word or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
