"""Catalogues: every key in both languages with the same placeholders; rendering and outbox encoding."""

import tomllib

import pytest

from bot.app import LOCALE_DIRS, load_catalogue
from bot.core.context import decode_reply, encode_reply
from bot.core.i18n import Catalogue, placeholders, t
from bot.core.types import Button, Reply

FILES = sorted(p for d in LOCALE_DIRS for p in d.glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_key_exists_in_dutch_and_english_with_the_same_placeholders(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"nl", "en"}
    assert set(data["nl"]) == set(data["en"]), set(data["nl"]) ^ set(data["en"])
    for key, dutch in data["nl"].items():
        assert placeholders(dutch) == placeholders(data["en"][key]), key


def test_keys_are_unique_across_files():
    load_catalogue()  # raises on a duplicate


def test_nested_texts_render_in_the_recipients_language():
    catalogue = Catalogue(
        {"nl": {"a": "rol: {role}", "role.x": "voorzitter"}, "en": {"a": "role: {role}", "role.x": "chair"}}
    )
    text = t("a", role=t("role.x"))
    assert catalogue.render(text, "nl") == "rol: voorzitter"
    assert catalogue.render(text, "en") == "role: chair"
    assert catalogue.render(t("missing.key"), "nl") == "missing.key"


def test_outbox_payload_round_trips_texts_and_buttons():
    reply = Reply(
        [t("a", role=t("role.x"), items=[t("role.x"), "vrij"]), "rauw"],
        buttons=[Button("x.y", t("role.x"), "42")],
    )
    again = decode_reply(encode_reply(reply))
    assert again.text == [t("a", role=t("role.x"), items=[t("role.x"), "vrij"]), "rauw"]
    assert again.buttons == [Button("x.y", t("role.x"), "42")]


@pytest.mark.parametrize("number", [0, 1, 3, "x"])
def test_every_template_renders_as_the_formatter_renders_it(number):
    """Templates are parsed once (``_Plurals.render``): each catalogue text, with every parameter given,
    with none given, and the plural and format specs, reads exactly as ``Formatter.vformat`` makes it."""
    from bot.core.i18n import _PLURALS

    catalogue = load_catalogue()
    templates = [v for lang in catalogue.messages.values() for v in lang.values()]
    templates += ["{n:dag|dagen} {n} {{n}} {x:>4}", "{a.b} {0} {n!r}", "{}"]
    assert len(templates) > 100
    for template in templates:
        full = {name: number for name in placeholders(template)} | {"n": number, "x": "ab"}
        for params in (full, {}):
            try:
                expected = _PLURALS.vformat(template, (), params)
            except (ValueError, AttributeError, IndexError, KeyError) as error:
                with pytest.raises(type(error)):
                    _PLURALS.render(template, params)
                continue
            assert _PLURALS.render(template, params) == expected, template
