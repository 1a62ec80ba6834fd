"""End to end on Slack: a partner's signal through the modal, a procesmanager's triage press, and the
terugkoppeling in the partner's direct messages (signed requests, real Bolt, router and database)."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.cases.tables import Signal, SignalStatus
from storage.models import AuditEvent
from tests.adapters.slack.slack_bot import Answers, SlackBot, buttons_of, running_bot
from tests.fakes.slack_api import Call
from tests.fakes.slack_signing import block_actions_body
from tests.harness import Chat

PARTNER, MANAGER = "U100", "U200"
SIGNAL: dict[str, str | list[str]] = {
    "name": "Karel Zwart",
    "birth_date": "1979-04-02",
    "gemeente": "Waterdam",
    "categories": ["overlast", "schulden"],
    "urgency": "hoog",
    "description": "Aanhoudende overlast in de flat & schulden <groot>.",
    "informed": "ja",
}


async def send_signal(bot: SlackBot, answers: Answers) -> str:
    """The partner opens /ketenbot signaal in their DM, fills in the modal and submits; the ref (S-n)."""
    view = await bot.modal("signaal", user=PARTNER, channel=f"D{PARTNER}")
    assert [b["block_id"] for b in view["blocks"]] == [
        "name",
        "birth_date",
        "others",
        "gemeente",
        "categories",
        "urgency",
        "description",
        "informed",
    ]
    assert await bot.submit(PARTNER, view, answers) == ""  # valid: the modal closes
    [received] = await bot.replies(f"D{PARTNER}")
    match = re.search(r"S-\d+", received)
    assert match is not None, received
    return match.group(0)


async def queue_item(bot: SlackBot, ref: str) -> Call:
    """The procesmanager's /ketenbot triage in their DM; the queue message of signal ``ref``."""
    await bot.command("triage", user=MANAGER, channel=f"D{MANAGER}")
    calls = await bot.fake.wait_for(
        lambda: [c for c in bot.fake.posted(f"D{MANAGER}") if f"{ref} " in str(c.params["text"])]
    )
    return calls[0]


async def test_a_signal_from_the_modal_is_triaged_by_a_press_and_the_partner_gets_feedback(
    chat: Chat,
) -> None:
    async with running_bot(chat) as bot:
        await bot.join(PARTNER)
        bot.link("procesmanager", MANAGER)

        ref = await send_signal(bot, SIGNAL)
        signal_id = int(ref.removeprefix("S-"))

        item = await queue_item(bot, ref)
        assert "Karel Zwart" in item.params["text"]  # a direct chat: the full name
        assert "&amp; schulden &lt;groot&gt;" in item.params["text"]  # the partner's text, escaped
        decide = [b for b in buttons_of(item) if b["value"] == f"{signal_id}:topx"]
        assert len(decide) == 1 and decide[0]["action_id"].startswith("triage.decide")

        update = await bot.press(MANAGER, item, decide[0]["action_id"], f"{signal_id}:topx")
        assert update.params["ts"] == item.response["ts"]  # the queue message, updated in place
        assert ref in update.params["text"] and "VH-2026-" in update.params["text"]
        assert buttons_of(update) == []  # decided: no buttons left to press twice
        assert not bot.fake.posted(f"D{PARTNER}")[1:]  # the terugkoppeling goes through the outbox

        assert await bot.deliver_outbox() >= 1
        [feedback] = [c for c in bot.fake.posted(f"D{PARTNER}") if "Terugkoppeling" in str(c.params["text"])]
        text = str(feedback.params["text"])
        assert ref in text and "VH-2026-" in text and "deelnemer" in text
        assert feedback.params["channel"] == f"D{PARTNER}"  # the direct chat the partner used

    with chat.app.uow() as uow:
        signal = uow.session.exec(select(Signal).where(Signal.id == signal_id)).one()
        assert signal.status == SignalStatus.DECIDED and signal.outcome == "topx"
        names = [e.name for e in uow.session.exec(select(AuditEvent)) if e.platform == "slack"]
    assert "triage.decide" in names


async def test_a_rejection_asks_the_reason_in_a_modal_and_the_feedback_carries_it(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join(PARTNER)
        bot.link("procesmanager", MANAGER)
        ref = await send_signal(bot, {**SIGNAL, "urgency": "normaal", "description": "Zorgen om buurman."})
        signal_id = int(ref.removeprefix("S-"))
        item = await queue_item(bot, ref)

        value = f"{signal_id}:afgewezen"
        [button] = [b for b in buttons_of(item) if b["value"] == value]
        opened_before = len(bot.fake.views("open"))
        channel, ts = str(item.response["channel"]), str(item.response["ts"])
        await bot.post(block_actions_body(MANAGER, channel, button["action_id"], value, message_ts=ts))
        [opened] = await bot.fake.wait_for(lambda: bot.fake.views("open")[opened_before:])
        view = opened.params["view"]
        assert "reason" in [b["block_id"] for b in view["blocks"]]

        assert await bot.submit(MANAGER, view, {"reason": "Geen rol voor het Veiligheidshuis."}) == ""
        await bot.deliver_outbox()
        feedback = await bot.fake.wait_for(
            lambda: [c for c in bot.fake.posted(f"D{PARTNER}") if "Terugkoppeling" in str(c.params["text"])]
        )
        assert "Geen rol voor het Veiligheidshuis." in feedback[0].params["text"]
    with chat.app.uow() as uow:
        signal = uow.session.exec(select(Signal).where(Signal.id == signal_id)).one()
        assert (signal.outcome, signal.reason) == ("afgewezen", "Geen rol voor het Veiligheidshuis.")
