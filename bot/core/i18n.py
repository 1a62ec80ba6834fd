"""Lazy texts and the catalogues (TOML, one file per capability, nl and en side by side)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@dataclass(frozen=True)
class Text:
    """A key plus parameters, rendered in the recipient's language when it is sent."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": {k: _param_to_json(v) for k, v in self.params.items()}}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Text:
        params = {k: _param_from_json(v) for k, v in data.get("params", {}).items()}
        return Text(str(data["key"]), params)


def t(key: str, **params: Any) -> Text:
    return Text(key, params)


def _param_to_json(value: Any) -> Any:
    if isinstance(value, Text):
        return {"$text": value.to_json()}
    if isinstance(value, list | tuple):
        return {"$list": [_param_to_json(v) for v in value]}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _param_from_json(value: Any) -> Any:
    if isinstance(value, dict) and "$text" in value:
        return Text.from_json(value["$text"])
    if isinstance(value, dict) and "$list" in value:
        return [_param_from_json(v) for v in value["$list"]]
    return value


class Catalogue:
    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = {lang: dict(messages.get(lang, {})) for lang in LANGUAGES}

    @classmethod
    def load(cls, directories: Iterable[Path]) -> Catalogue:
        merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        for directory in directories:
            for path in sorted(directory.glob("*.toml")):
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                for lang in LANGUAGES:
                    for key, value in data.get(lang, {}).items():
                        if key in merged[lang]:
                            raise ValueError(f"duplicate i18n key {key!r} in {path}")
                        merged[lang][key] = value
        return cls(merged)

    def has(self, key: str, language: str = DEFAULT_LANGUAGE) -> bool:
        return key in self.messages.get(language, {})

    def render(self, text: Text | str | Iterable[Text | str], language: str) -> str:
        if isinstance(text, str):
            return text
        if isinstance(text, Text):
            return self._render_one(text, language)
        return "\n".join(self.render(part, language) for part in text)

    def _render_one(self, text: Text, language: str) -> str:
        lang = language if language in self.messages else DEFAULT_LANGUAGE
        template = self.messages[lang].get(text.key) or self.messages[DEFAULT_LANGUAGE].get(text.key)
        if template is None:
            return text.key
        params = {name: self._render_param(value, lang) for name, value in text.params.items()}
        return _PLURALS.render(template, params)

    def _render_param(self, value: Any, language: str) -> Any:
        if isinstance(value, Text):
            return self._render_one(value, language)
        if isinstance(value, list | tuple):
            return ", ".join(str(self._render_param(v, language)) for v in value)
        return value


class _Plurals(Formatter):
    """``str.format`` plus a word chosen by a number: ``{count} {count:casus|casussen}`` renders "1 casus"
    and "3 casussen" (the first word for exactly 1), so no message says "1 casussen" or "dag(en)";
    ``{kind:cap}`` starts the value with a capital, for a word that opens a sentence ("Overleg #5 is ...")."""

    def __init__(self) -> None:
        super().__init__()
        self._compiled: dict[str, tuple[tuple[str, str | None, str], ...] | None] = {}

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        name = str(key)
        return kwargs[name] if name in kwargs else "{" + name + "}"

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            return one if number == 1 else many
        if format_spec == "cap":
            word = str(value)
            return word[:1].upper() + word[1:]
        return str(super().format_field(value, format_spec))

    def render(self, template: str, params: Mapping[str, Any]) -> str:
        """``vformat(template, (), params)``, with the template parsed once: a reply renders several
        templates per message, and ``Formatter`` re-parses each in Python every time."""
        if template not in self._compiled:
            self._compiled[template] = self._compile(template)
        parts = self._compiled[template]
        if parts is None:
            return self.vformat(template, (), params)
        out: list[str] = []
        for literal, name, spec in parts:
            out.append(literal)
            if name is not None:
                value = params[name] if name in params else "{" + name + "}"
                out.append(self.format_field(value, spec))
        return "".join(out)

    def _compile(self, template: str) -> tuple[tuple[str, str | None, str], ...] | None:
        """The template's literal text and fields; None when a field needs the Formatter itself."""
        parts: list[tuple[str, str | None, str]] = []
        for literal, name, spec, conversion in self.parse(template):
            if name is not None and (conversion or not name.isidentifier() or "{" in (spec or "")):
                return None  # attribute access, !r, nested fields: the Formatter's own way
            parts.append((literal, name, spec or ""))
        return tuple(parts)


_PLURALS = _Plurals()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}
