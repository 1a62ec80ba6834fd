"""Telegram markup: escaping, splitting, compact callback_data that always fits 64 bytes."""

from __future__ import annotations

import pytest

from bot.adapters.telegram import markup
from bot.app import GROUPS
from bot.core import forms as core_forms
from bot.core.forms import Field
from bot.core.i18n import t
from bot.core.mentions import mention, resolve

LARGEST_ID = "9" * 19  # values are ids: the largest 64-bit id still has to fit


def test_form_action_ids_are_the_core_ones() -> None:
    assert (
        markup.FORM_CHOOSE,
        markup.FORM_DONE,
        markup.FORM_SKIP,
        markup.FORM_SUBMIT,
        markup.FORM_CANCEL,
    ) == (core_forms.FORM_ACTIONS)


@pytest.mark.parametrize("action", [*core_forms.FORM_ACTIONS, "regie.history", markup.TEXT_ANSWER])
def test_callback_data_round_trips(action: str) -> None:
    data = markup.encode_callback(action, "VH-2026-0042|x")
    assert markup.decode_callback(data) == (action, "VH-2026-0042|x")
    assert markup.decode_callback(markup.encode_callback(action, "")) == (action, "")


def test_form_presses_are_short() -> None:
    assert markup.encode_callback(core_forms.FORM_CHOOSE, "ja") == "c|ja"


def test_a_payload_instead_of_an_id_fails_loudly() -> None:
    with pytest.raises(markup.CallbackDataTooLong, match="64"):
        markup.encode_callback("overleg.rsvp", "x" * 60)
    with pytest.raises(ValueError):
        markup.encode_callback("a|b", "1")


def test_every_registered_button_fits_with_the_largest_id() -> None:
    """Each action id and form option of the wired handlers (and the core's own yes/no), with the largest
    value it can carry: a handler that puts a payload in a button fails here, not in production."""
    yesno = Field.yesno("x", t("x"))
    pressed = [(core_forms.FORM_CHOOSE, option.value) for option in yesno.options]
    pressed.append((markup.TEXT_ANSWER, "2026-12-31"))  # the date picker
    for group in GROUPS:
        pressed += [(action.id, LARGEST_ID) for action in group.actions]
        for form in group.forms:
            for field in form.fields:
                pressed += [(core_forms.FORM_CHOOSE, option.value) for option in field.options]
    encoded = [markup.encode_callback(action, value) for action, value in pressed]
    assert all(len(data.encode()) <= 64 for data in encoded)
    assert [markup.decode_callback(data) for data in encoded] == pressed


def test_escape_leaves_no_markup() -> None:
    assert markup.escape('<a href="x">&</a>') == '&lt;a href="x"&gt;&amp;&lt;/a&gt;'


def test_short_text_is_one_chunk_and_empty_text_one_empty_chunk() -> None:
    assert markup.split_text("hallo <wereld>") == ["hallo &lt;wereld&gt;"]
    assert markup.split_text("") == [""]


def test_split_never_cuts_inside_an_entity_and_keeps_every_character() -> None:
    text = "&" * 5000  # one line: escaped it is 25,000 characters
    chunks = markup.split_text(text, limit=4096)
    assert all(len(c) <= 4096 for c in chunks) and len(chunks) == 7
    assert all(c.replace("&amp;", "") == "" for c in chunks)
    assert sum(c.count("&amp;") for c in chunks) == 5000


def test_split_never_cuts_a_mention_in_two() -> None:
    link = '<a href="tg://user?id=7503">via Telegram</a>'
    for filler in range(4080, 4100):  # the mention straddles the limit at every position
        text = "x" * filler + mention("telegram", "7503") + "y" * 10
        chunks = markup.split_text(resolve(text, "telegram"), limit=4096)
        assert "".join(chunks) == "x" * filler + link + "y" * 10
        assert not any(ch in "".join(chunks) for ch in "\ue000\ue001\ue002")


def test_split_prefers_line_boundaries_then_spaces() -> None:
    lines = ["a" * 3000, "b" * 3000, "woord " * 1000]
    chunks = markup.split_text("\n".join(lines), limit=4096)
    assert chunks[0] == "a" * 3000 and chunks[1] == "b" * 3000
    assert all(c.startswith("woord") and c.rstrip().endswith("woord") for c in chunks[2:])
    assert sum(c.count("woord") for c in chunks[2:]) == 1000
