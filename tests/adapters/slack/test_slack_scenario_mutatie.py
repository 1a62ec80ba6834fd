"""End to end on Slack: a partner's signal (through the modal) about a subject of an open case is a mutatie:
the dispatcher brings it to procesregie with three buttons (alleen noteren / aan partner overdragen / naar
triage) and to casusregie without; a press is handled and the alert is updated in place."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.cases.tables import Signal, SignalStatus
from tests.adapters.slack.slack_bot import SlackBot, buttons_of, running_bot
from tests.fakes.slack_api import Call
from tests.harness import Chat

PARTNER, MANAGER, REGISSEUR, RECLASSERING = "U300", "U310", "U320", "U330"
CODE = "VH-2026-0001"  # demo: Jan de Vries (12-03-1985); procesregie procesmanager, casusregie regisseur
JAN: dict[str, str | list[str]] = {
    "name": "jan DE  vries",
    "birth_date": "1985-03-12",
    "gemeente": "Waterdam",
    "categories": ["overlast"],
    "urgency": "normaal",
    "description": "Fictief: weer overlast bij Jan & zijn buren.",
    "informed": "nee",
}
BUTTONS = ["mutatie.note", "mutatie.partner", "mutatie.triage"]


async def mutatie_alert(bot: SlackBot) -> tuple[int, Call]:
    """The partner signals Jan in the modal; the dispatcher delivers; the signal id, procesregie's alert."""
    bot.link("woonstede", PARTNER)
    bot.link("procesmanager", MANAGER)
    bot.link("regisseur", REGISSEUR)
    view = await bot.modal("signaal", user=PARTNER, channel=f"D{PARTNER}")
    assert await bot.submit(PARTNER, view, JAN) == ""
    [received] = await bot.replies(f"D{PARTNER}")
    assert "ontvangen" in received and "VH-" not in received  # the aanmelder learns nothing of the case
    found = re.search(r"S-(\d+)", received)
    assert found is not None, received
    signal_id = int(found.group(1))

    await bot.deliver_outbox()
    [alert] = [c for c in bot.fake.posted(f"D{MANAGER}") if f"Mutatie op {CODE}" in str(c.params["text"])]
    return signal_id, alert


async def test_procesregie_gets_the_buttons_and_note_only_updates_the_alert_in_place(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        signal_id, alert = await mutatie_alert(bot)
        ref = f"S-{signal_id}"
        text = str(alert.params["text"])
        assert ref in text and "&amp; zijn buren" in text  # the partner's text, escaped
        assert [(b["action_id"], b["value"]) for b in buttons_of(alert)] == [
            (a, str(signal_id)) for a in BUTTONS
        ]
        [to_casusregie] = [
            c for c in bot.fake.posted(f"D{REGISSEUR}") if f"Mutatie op {CODE}" in str(c.params["text"])
        ]
        assert buttons_of(to_casusregie) == []  # only procesregie chooses
        assert [str(c.params["text"]) for c in bot.fake.posted(f"D{PARTNER}")][1:] == []

        update = await bot.press(MANAGER, alert, "mutatie.note", str(signal_id))
        assert update.params["ts"] == alert.response["ts"] and update.params["channel"] == f"D{MANAGER}"
        assert f"Mutatie {ref} is genoteerd in de tijdlijn van {CODE}." in update.params["text"]
        assert buttons_of(update) == []

        again = await bot.press(MANAGER, alert, "mutatie.triage", str(signal_id))  # a stale copy
        assert f"Over mutatie {ref} is al besloten." in again.params["text"]
        assert again.method == "chat.postEphemeral"  # a refused press leaves the message as it is

        await bot.command(f"casus {CODE}", user=MANAGER, channel=f"D{MANAGER}")
        timeline = await bot.fake.wait_for(
            lambda: [c for c in bot.fake.posted(f"D{MANAGER}") if "alleen genoteerd" in str(c.params["text"])]
        )
        assert f"mutatie {ref}: alleen genoteerd" in str(timeline[0].params["text"])


async def test_naar_triage_puts_it_in_the_queue_and_aan_partner_opens_a_member_picker(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        signal_id, alert = await mutatie_alert(bot)
        ref = f"S-{signal_id}"
        picker = await bot.press(MANAGER, alert, "mutatie.partner", str(signal_id), hint=True)
        # a question, not a decision: a new message with the case's deelnemers, the alert keeps its buttons
        assert picker.method == "chat.postMessage" and bot.fake.called("chat.update") == []
        assert f"Aan wie draag je {ref} over? Kies een deelnemer van VH-2026-0001." in picker.params["text"]
        labels = [b["text"]["text"] for b in buttons_of(picker)]
        assert "Joost van Leeuwen" in labels and "Anouk de Wit" not in labels

        update = await bot.press(MANAGER, alert, "mutatie.triage", str(signal_id))
        assert f"Mutatie {ref} staat in de triagewachtrij." in update.params["text"]
        assert buttons_of(update) == []
    with chat.app.uow() as uow:
        signal = uow.session.exec(select(Signal).where(Signal.id == signal_id)).one()
        assert signal.status == SignalStatus.NEW  # back in the queue


async def test_handed_to_a_partner_who_reports_back_with_a_press(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("reclassering", RECLASSERING)
        signal_id, _ = await mutatie_alert(bot)
        ref = f"S-{signal_id}"
        await bot.command(f"mutatie {ref} @reclassering", user=MANAGER, channel=f"D{MANAGER}")
        handed_ok = await bot.fake.wait_for(
            lambda: [c for c in bot.fake.posted(f"D{MANAGER}") if "overgedragen aan" in str(c.params["text"])]
        )
        assert "overgedragen aan Joost van Leeuwen" in str(handed_ok[0].params["text"])

        await bot.deliver_outbox()
        [handed] = bot.fake.posted(f"D{RECLASSERING}")
        assert ref in str(handed.params["text"]) and "&amp; zijn buren" in str(handed.params["text"])
        [feedback] = buttons_of(handed)
        assert (feedback["action_id"], feedback["value"]) == ("mutatie.feedback", str(signal_id))
        thanks = await bot.press(RECLASSERING, handed, "mutatie.feedback", str(signal_id))
        assert thanks.params["ts"] == handed.response["ts"] and buttons_of(thanks) == []
        assert f"je terugkoppeling op {ref} is doorgegeven" in thanks.params["text"]

        await bot.deliver_outbox()
        told = [c for c in bot.fake.posted(f"D{MANAGER}") if "heeft teruggekoppeld" in str(c.params["text"])]
        assert [str(c.params["text"]) for c in told] == [
            f"Joost van Leeuwen heeft teruggekoppeld op mutatie {ref} ({CODE})."
        ]
