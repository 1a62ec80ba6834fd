"""Name keys for the known-person check: case, diacritics, tussenvoegsels and spacing do not matter."""

from __future__ import annotations

import re
import unicodedata

# Dutch tussenvoegsels (single words; multi-word ones such as "van der" and "in 't" are their parts).
TUSSENVOEGSELS = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "ter",
        "ten",
        "te",
        "het",
        "in",
        "t",
        "'t",
        "op",
        "d",
        "l",
        "la",
        "le",
        "von",
        "vd",
    }
)

_NON_LETTERS = re.compile(r"[^a-z' ]+")


def fold(text: str) -> str:
    """Lowercase, without diacritics (é -> e, ï -> i), hyphens and dots as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("’", "'").replace("-", " ").replace(".", " ")
    return " ".join(_NON_LETTERS.sub(" ", plain).split())


def name_key(name: str) -> str:
    """``"Jan van der Berg-Öztürk"`` -> ``"jan berg ozturk"``: the words that identify the person."""
    words = [w for w in fold(name).split() if w.strip("'") and w not in TUSSENVOEGSELS]
    return " ".join(w.strip("'") for w in words)


def surname_key(name: str) -> str:
    """The last identifying word: what someone searching by surname types."""
    words = name_key(name).split()
    return words[-1] if words else ""


def initials(name: str) -> str:
    """``"Jan de Vries"`` -> ``"J.d.V."``: tussenvoegsels in lower case, as Dutch initials are written."""
    parts: list[str] = []
    for word in fold(name).split():
        letter = word.strip("'")[:1]
        if not letter:
            continue
        parts.append(letter if word in TUSSENVOEGSELS else letter.upper())
    return ".".join(parts) + "." if parts else "?"
