"""Issue 16, "ids are not user input": the triage-reason modal shows only the reason; which signal and
which outcome it decides come from the server-side form state started by the press, and a submission that
adds its own "signal" or "outcome" values cannot point the decision at another signal."""

from __future__ import annotations

from sqlmodel import select

from bot.adapters.slack.forms import CALLBACK_ID
from storage.cases.tables import Signal, SignalStatus
from storage.models import FormState
from tests.adapters.slack.slack_bot import buttons_of, fill, running_bot
from tests.adapters.slack.test_slack_scenario_signal import MANAGER, PARTNER, SIGNAL, queue_item, send_signal
from tests.fakes.slack_signing import block_actions_body, view_submission_body
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat


async def test_the_reason_modal_has_no_id_fields_and_a_tampered_submission_decides_the_pressed_signal(
    chat: Chat,
) -> None:
    async with running_bot(chat) as bot:
        await bot.join(PARTNER)
        bot.link("procesmanager", MANAGER)
        fields = {**SIGNAL, "urgency": "normaal", "description": "Fictief: zorgen om de buurman."}
        pressed_ref = await send_signal(bot, fields)
        submit_signal(chat, user="ggz", description="Fictief: een ander signaal.")  # on the console
        pressed, other = int(pressed_ref.removeprefix("S-")), last_signal_id(chat)

        item = await queue_item(bot, pressed_ref)
        value = f"{pressed}:afgewezen"
        [button] = [b for b in buttons_of(item) if b["value"] == value]
        opened_before = len(bot.fake.views("open"))
        channel, ts = str(item.response["channel"]), str(item.response["ts"])
        await bot.post(block_actions_body(MANAGER, channel, button["action_id"], value, message_ts=ts))
        [opened] = await bot.fake.wait_for(lambda: bot.fake.views("open")[opened_before:])
        view = opened.params["view"]
        assert [b["block_id"] for b in view["blocks"]] == ["reason"]  # no editable Signaal / Uitkomst

        values = fill(view, {"reason": "Geen rol voor het Veiligheidshuis."})
        forged = {"type": "plain_text_input"}
        values["signal"] = {"signal": {**forged, "value": str(other)}}
        values["outcome"] = {"outcome": {**forged, "value": "topx"}}
        body = view_submission_body(MANAGER, CALLBACK_ID, view["private_metadata"], values)
        status, _ = await bot.post(body)
        assert status == 200
    with chat.app.uow() as uow:
        rows = {s.id: s for s in uow.session.exec(select(Signal)).all()}
    assert (rows[pressed].outcome, rows[pressed].reason) == (
        "afgewezen",
        "Geen rol voor het Veiligheidshuis.",
    )
    assert rows[other].status == SignalStatus.NEW and rows[other].outcome is None


async def test_signaal_from_a_channel_opens_the_modal_and_leaves_no_form_open_in_the_dm(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join(PARTNER)
        view = await bot.modal("signaal", user=PARTNER, channel="C4242")
        assert await bot.submit(PARTNER, view, {**SIGNAL, "description": "Fictief: uit een kanaal."}) == ""
        assert not bot.fake.posted("C4242") or all(
            "Karel" not in str(c.params.get("text")) for c in bot.fake.posted("C4242")
        )
    with chat.app.uow() as uow:
        member = uow.members.by_handle(PARTNER)
        assert member is not None
        assert uow.session.exec(select(FormState).where(FormState.member_id == member.id)).all() == []
