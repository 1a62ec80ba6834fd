"""Hostile input as a property (issue 16): every registered command, button action and form (the router's
registry, so a new entry point is fuzzed without a change here) gets generated arguments and values -- huge,
negative and Unicode numbers, control and bidi characters, markup of all three platforms, very long strings,
impossible dates. The answer is always a normal reply or a refusal in the member's language, never the
"er ging iets mis" apology of an internal error.

The budget is small and derandomized so ``./dev test`` stays fast and reproducible: each example sends every
entry point one generated input. ``KETENBOT_FUZZ_EXAMPLES=200 pytest tests/core/test_fuzz_entry_points.py``
runs a larger search (still derandomized; set ``KETENBOT_FUZZ_RANDOM=1`` for fresh random inputs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.forms import FORM_ACTIONS
from bot.core.types import Outgoing
from tests.harness import Chat

EXAMPLES = int(os.environ.get("KETENBOT_FUZZ_EXAMPLES", "3"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("KETENBOT_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
APOLOGIES = ("er ging iets mis", "something went wrong")
CALLERS = ["procesmanager", "wijkagent", "voorzitter", "beheerder", "ggz", "stranger-0001"]

NUMBERS = [
    "9" * 20,
    "-1",
    "0",
    "-" + "9" * 20,
    "٧",
    "٣٢",
    "²",
    "１２",
    "1e9",
    "3.5",
    "NaN",
    "2147483648",
    "1",
    "2",
]
DATES = [
    "31-02-2026",
    "0001Q1",
    "0000Q1",
    "0000-01-01",
    "00-00-0000",
    "29-02-2027",
    "2026Q5",
    "2026-13-45",
    "31-12-9999",
    "9999-12-31",
    "0001-01-01",
    "25:61",
    "di 99:99",
    "over 9999 weken",
    "morgen 24:00",
]
CONTROL = ["\u202e", "\x00", "\x1b[31m", "\u2066x\u2069", "\ue000slack\ue001U1\ue002", "\ud800", "\u200f"]
MARKUP = [
    "<@U123>",
    "<!channel>",
    "<b>x</b>",
    "*bold*",
    "_x_",
    "`code`",
    "[x](http://e.example)",
    "&amp;",
    "<a href='tg://user?id=1'>x</a>",
    "@everyone",
    "@room",
    "</script>",
    "{ref}",
    "%s",
    "{0}",
]
LONG = ["x" * 5000, "VH-" + "9" * 50, "a " * 300]
WORDS = [
    "VH-2026-0001",
    "VH-2026-0002",
    "VH-0000-0000",
    "VH-9999-9999",
    "S-1",
    "log",
    "plan",
    "kwartaal",
    "jaar",
    "verzetten",
    "afzeggen",
    "vrij",
    "ja",
    "nee",
    "lijst",
    "persoon",
    "soort",
    "rol",
    "drang",
    "note",
    "herinneringen",
    "procesmanager",
    "@wijkagent",
    "Eva Smit",
    "en",
    "nl",
    "",
    " ",
    "\n",
]
TOKENS = NUMBERS + DATES + CONTROL + MARKUP + LONG + WORDS

token = st.one_of(
    st.sampled_from(TOKENS),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(st.characters(categories=["Nd", "Lo", "Cf", "Zs", "So", "Pd"]), max_size=8),
    st.text(max_size=12),
)
words = st.lists(token, min_size=0, max_size=4).map(" ".join)
packed = st.lists(token, min_size=1, max_size=3).flatmap(
    lambda parts: st.sampled_from([":", "|", " ", ",", "", "@"]).map(lambda sep: sep.join(parts))
)


SENT: dict[str, list[int]] = {}  # per test: [examples run, inputs sent]


def report(what: str, entry_points: int) -> None:
    """Print what ran (``pytest -s`` shows it) and fail when the budget silently ran nothing."""
    examples, inputs = SENT[what]
    print(f"fuzz {what}: {entry_points} entry points, {examples} examples, {inputs} inputs")
    assert examples >= 1 and inputs >= 1


def texts(replies: list[Outgoing]) -> Iterator[str]:
    for reply in replies:
        yield reply.text.lower()


def assert_no_apology(replies: list[Outgoing], what: str) -> None:
    for text in texts(replies):
        assert not any(a in text for a in APOLOGIES), f"{what}: {text[:300]}"


@pytest.fixture
def fuzz_chat(chat: Chat) -> Chat:
    """SQLite and Postgres (the ``chat`` fixture): integer ranges and encodings differ between them."""
    return chat


def test_every_command_with_hostile_arguments(fuzz_chat: Chat) -> None:
    chat = fuzz_chat
    names = sorted(chat.app.router.commands)
    sent = SENT["commands"] = [0, 0]

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for name in names:
            args = data.draw(words, label=f"/{name}")
            user = data.draw(st.sampled_from(CALLERS), label="caller")
            group = data.draw(st.sampled_from([None, None, "fuzz-groep"]), label="group")
            typed = f"/{name} {args}"[:4500]
            assert_no_apology(chat.send(typed, user=user, group=group), f"{user} {typed!r}")
            sent[1] += 1
        sent[0] += 1

    check()
    report("commands", len(names))


def test_every_button_action_with_hostile_values(fuzz_chat: Chat) -> None:
    chat = fuzz_chat
    actions = sorted([*chat.app.router.actions, *FORM_ACTIONS])
    sent = SENT["actions"] = [0, 0]

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for action in actions:
            value = data.draw(packed, label=action)
            user = data.draw(st.sampled_from(CALLERS), label="caller")
            replies = chat.press(action, value[:4500], user=user)
            assert_no_apology(replies, f"{user} press {action} {value!r}")
            sent[1] += 1
        sent[0] += 1

    check()
    report("actions", len(actions))


def test_every_form_submitted_whole_with_hostile_values(fuzz_chat: Chat) -> None:
    chat = fuzz_chat
    forms = chat.app.router.forms.forms
    sent = SENT["forms"] = [0, 0]

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for form_id in sorted(forms):
            values = {f.name: data.draw(words, label=f"{form_id}.{f.name}") for f in forms[form_id].fields}
            user = data.draw(st.sampled_from(CALLERS), label="caller")
            replies = chat.submit(form_id, values, user=user)
            assert_no_apology(replies, f"{user} form {form_id} {values!r}")
            sent[1] += 1
        sent[0] += 1

    check()
    report("forms", len(forms))


# commands that open a form only with arguments (a bare command that opens one is found in the registry)
OPENERS = [
    ("voorzitter", "/overleg plan"),
    ("procesmanager", "/casus VH-2026-0001 persoon toevoegen"),
    ("procesmanager", "/casus VH-2026-0002 persoon toevoegen"),
]


def test_every_form_answered_step_by_step_with_hostile_values(fuzz_chat: Chat) -> None:
    """Each command that opens a form, then hostile answers typed into it."""
    chat = fuzz_chat
    openers = [("procesmanager", f"/{name}") for name in sorted(chat.app.router.commands)] + OPENERS
    sent = SENT["form steps"] = [0, 0]
    opened_forms: set[str] = set()

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for user, typed in openers:
            opened = [o.form.form_id for o in chat.send(typed, user=user) if o.form is not None]
            if not opened:
                continue
            opened_forms.update(opened)
            for _ in range(3):
                answer = data.draw(words, label=f"{typed} answer") or "x"
                assert_no_apology(chat.send(answer, user=user), f"{user} {typed} answer {answer!r}")
                sent[1] += 1
            chat.press("form.cancel", user=user)
        sent[0] += 1

    check()
    report("form steps", len(opened_forms))
    assert {"signaal.new", "overleg.plan"} <= opened_forms and opened_forms & {
        "casus.person",
        "casus.person_hg",
    }
