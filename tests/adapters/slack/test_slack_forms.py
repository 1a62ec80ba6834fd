"""Forms as modals: views.open with one input per field, per-field errors, submit, fallback, close."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bot.adapters.slack.forms import CALLBACK_ID
from bot.core.i18n import Catalogue
from bot.core.types import Incoming, Outgoing
from tests.adapters.slack.slack_bot import FORM, SlackBot, running_bot
from tests.fakes.slack_signing import TEAM_ID, view_submission_body
from tests.harness import Chat


def state(**values: dict[str, Any]) -> dict[str, Any]:
    return {name: {"value": widget} for name, widget in values.items()}


def text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def select(kind: str, value: str | None) -> dict[str, Any]:
    return {"type": kind, "selected_option": {"value": value} if value else None}


def multi(*values: str) -> dict[str, Any]:
    return {"type": "multi_static_select", "selected_options": [{"value": v} for v in values]}


def filled(**overrides: dict[str, Any]) -> dict[str, Any]:
    values = {
        "name": text("Jansen"),
        "day": {"type": "datepicker", "selected_date": "2026-12-03"},
        "urgency": select("static_select", "acuut"),
        "tags": multi("jeugd", "zorg"),
        "knows": select("radio_buttons", "ja"),
        "who": {"type": "users_select", "selected_user": None},
        "count": text(""),
        "note": text(""),
    }
    values.update(overrides)
    return state(**values)


async def open_form(bot: SlackBot, user: str) -> dict[str, Any]:
    await bot.join(user)
    status, _ = await bot.command("melding", user=user, channel=f"D{user}", trigger_id="111.222.abc")
    assert status == 200
    [opened] = await bot.fake.wait_for(lambda: bot.fake.views("open"))
    assert opened.params["trigger_id"] == "111.222.abc"
    view: dict[str, Any] = opened.params["view"]
    assert not bot.fake.posted(f"D{user}")  # the modal replaces the step-by-step introduction
    return view


async def test_a_form_opens_as_a_modal_with_one_input_per_field_kind(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        view = await open_form(bot, "U600")
        assert view["callback_id"] == CALLBACK_ID and view["type"] == "modal"
        assert [b["block_id"] for b in view["blocks"]] == [f.name for f in FORM.fields]
        kinds = [b["element"]["type"] for b in view["blocks"]]
        assert kinds == [
            "plain_text_input",
            "datepicker",
            "static_select",
            "multi_static_select",
            "radio_buttons",
            "users_select",
            "plain_text_input",
            "plain_text_input",
        ]
        assert [b["optional"] for b in view["blocks"]][-3:] == [True, True, True]
        assert view["blocks"][-1]["element"]["multiline"] is True
        assert view["blocks"][6]["element"]["placeholder"]["text"] == "Typ een getal."
        assert [o["value"] for o in view["blocks"][4]["element"]["options"]] == ["ja", "nee"]
        assert (view["submit"]["text"], view["close"]["text"]) == ("Versturen", "Annuleren")
        assert json.loads(view["private_metadata"]) == {"f": FORM.id, "c": "DU600", "k": "direct"}


async def test_field_errors_show_on_the_fields_then_a_good_submit_saves(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        view = await open_form(bot, "U610")
        metadata = view["private_metadata"]
        bad = filled(
            name=text("x" * 30),
            day={"type": "datepicker", "selected_date": "2026-01-05"},
            tags=multi(),
            count=text("veel"),
        )
        status, body = await bot.post(view_submission_body("U610", CALLBACK_ID, metadata, bad))
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        assert set(answer["errors"]) == {"name", "day", "tags", "count"}
        assert "30" in answer["errors"]["name"] and "getal" in answer["errors"]["count"].lower()
        assert not bot.fake.posted("DU610")  # nothing saved, nothing said: the modal stays open

        good = filled(who={"type": "users_select", "selected_user": "U610"}, count=text("3"))
        status, body = await bot.post(view_submission_body("U610", CALLBACK_ID, metadata, good))
        assert (status, body) == (200, "")
        [saved] = await bot.replies("DU610")
        assert saved == "opgeslagen: Jansen 2026-12-03 acuut ['jeugd', 'zorg'] True"
    with chat.app.uow() as uow:
        member = uow.members.by_handle("U610")
        assert member is not None and member.id is not None
        assert uow.forms.current("slack", "DU610", member.id) is None


async def test_an_invisible_control_character_is_an_error_on_its_field_and_the_modal_stays_open(
    chat: Chat,
) -> None:
    """Found by black-box testing: a bidi override in one field closed the modal with a chat message and
    lost everything typed. Now it is that field's error, like any other, and nothing else is said."""
    async with running_bot(chat) as bot:
        view = await open_form(bot, "U620")
        hidden = filled(name=text("Jan\u202esen"), note=text("regel een\nregel twee\tmet tab"))
        status, body = await bot.post(
            view_submission_body("U620", CALLBACK_ID, view["private_metadata"], hidden)
        )
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors" and set(answer["errors"]) == {"name"}
        assert "stuurtekens" in answer["errors"]["name"]
        assert not bot.fake.posted("DU620")  # nothing saved, nothing said: the modal stays open


async def test_without_a_usable_trigger_the_form_is_asked_step_by_step(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U620")
        bot.fake.fail_next("views.open", status=200, error="expired_trigger_id")
        await bot.command("melding", user="U620", channel="DU620")
        texts = await bot.replies("DU620", 2)
        assert "1/8" in texts[1]
        blocks = bot.fake.posted("DU620")[1].params["blocks"]
        actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert actions == ["form.cancel"]


async def test_closing_the_modal_cancels_the_form(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        view = await open_form(bot, "U630")
        payload = {
            "type": "view_closed",
            "team": {"id": TEAM_ID},
            "user": {"id": "U630"},
            "view": {**view, "id": "V1"},
            "is_cleared": False,
        }
        status, _ = await bot.post(urlencode({"payload": json.dumps(payload)}).encode())
        assert status == 200
        await bot.fake.wait_for(
            lambda: any("geannuleerd" in str(c.params.get("text")) for c in bot.fake.posted("DU630"))
        )
    with chat.app.uow() as uow:
        member = uow.members.by_handle("U630")
        assert member is not None and member.id is not None
        assert uow.forms.current("slack", "DU630", member.id) is None


async def test_a_slow_submit_closes_the_modal_in_time_and_answers_by_message(chat: Chat) -> None:
    release = threading.Event()

    def slow_forms(handle: Callable[[Incoming], list[Outgoing]]) -> Callable[[Incoming], list[Outgoing]]:
        def maybe_blocked(incoming: Incoming) -> list[Outgoing]:
            held = incoming.form_values is not None and incoming.form_id != "aanmelden.name"  # not the join
            if held and not release.wait(timeout=30):
                raise TimeoutError("test never released the slow submit")
            return handle(incoming)

        return maybe_blocked

    async with running_bot(chat, wrap=slow_forms, submit_deadline=0.2) as bot:
        view = await open_form(bot, "U640")
        bad = filled(count=text("veel"))
        status, body = await bot.post(
            view_submission_body("U640", CALLBACK_ID, view["private_metadata"], bad)
        )
        assert (status, body) == (200, "")  # closed: validation did not finish within the deadline
        assert not bot.fake.posted("DU640")
        release.set()
        [late] = await bot.replies("DU640")
        assert "Niet alle velden" in late and "getal" in late.lower()  # the field's error, in the message


def test_slack_texts_exist_in_both_languages_with_the_same_placeholders() -> None:
    from bot.app import LOCALE_DIRS
    from bot.core.i18n import placeholders

    catalogue = Catalogue.load(LOCALE_DIRS)
    slack_keys = {k for k in catalogue.messages["nl"] if k.startswith("slack.")}
    assert slack_keys and slack_keys == {k for k in catalogue.messages["en"] if k.startswith("slack.")}
    for key in slack_keys:
        assert placeholders(catalogue.messages["nl"][key]) == placeholders(catalogue.messages["en"][key]), key
