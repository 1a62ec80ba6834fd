"""End to end on Slack: ``/ketenbot regie CODE`` in a channel (code + initials there, details privately)
versus a direct message; a regie handover accepted with a button refreshes the App Home."""

from __future__ import annotations

from sqlmodel import select

from storage.models import AuditEvent
from tests.adapters.slack.slack_bot import buttons_of, home_text, running_bot
from tests.harness import Chat

MANAGER, RECLASSERING = "U200", "U400"
CODE = "VH-2026-0001"  # demo case: Jan de Vries; procesregie Anouk de Wit, casusregie Fatima el Idrissi


def regie_reads(chat: Chat) -> list[tuple[str, str, int | None]]:
    with chat.app.uow() as uow:
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.platform == "slack"))
        return [(e.name, e.chat_kind, e.case_id) for e in events if e.name == "regie" and e.case_id]


async def test_regie_in_a_channel_shows_code_and_initials_and_sends_details_privately(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        status, _ = await bot.command(f"regie {CODE}", user=MANAGER, channel="C300", channel_name="zvh-team")
        assert status == 200
        [in_channel] = await bot.replies("C300")
        details = await bot.fake.wait_for(lambda: bot.fake.posted(f"D{MANAGER}"))

        assert f"{CODE} (J.d.V.)" in in_channel and "privéchat" in in_channel
        for private in ("Jan de Vries", "Anouk de Wit", "Fatima el Idrissi"):
            assert private not in in_channel
        assert [c.params["users"] for c in bot.fake.called("conversations.open")] == [MANAGER]
        text = str(details[0].params["text"])
        assert CODE in text and "Anouk de Wit" in text and "Fatima el Idrissi" in text
        assert not bot.fake.called("chat.postEphemeral")
    assert [(kind, case) for _, kind, case in regie_reads(chat)] == [("group", 1)]


async def test_regie_in_a_direct_message_answers_there_in_full(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        await bot.command(f"regie {CODE}", user=MANAGER, channel=f"D{MANAGER}", channel_name="directmessage")
        [answer] = await bot.replies(f"D{MANAGER}")
        assert CODE in answer and "Anouk de Wit" in answer and "Fatima el Idrissi" in answer
        assert "privéchat" not in answer
        assert not bot.fake.called("conversations.open")  # the answer goes where the command came from
    assert [(kind, case) for _, kind, case in regie_reads(chat)] == [("direct", 1)]


async def test_accepting_a_handover_updates_the_question_and_the_app_home(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("reclassering", RECLASSERING)
        before = home_text(await bot.open_home(RECLASSERING))
        assert "Waar ik regie heb (1)" in before  # casusregie of demo case VH-2026-0004
        assert f"{CODE} (J.d.V.) — casusregie" not in before

        await bot.command(f"regie {CODE} overdragen @reclassering", user=MANAGER, channel=f"D{MANAGER}")
        [proposed] = await bot.replies(f"D{MANAGER}")
        assert "Joost van Leeuwen" in proposed
        await bot.deliver_outbox()
        [question] = await bot.fake.wait_for(lambda: bot.fake.posted(f"D{RECLASSERING}"))
        assert CODE in question.params["text"]
        [accept] = [b for b in buttons_of(question) if b["action_id"] == "regie.accept"]

        published = len(bot.fake.views("publish"))
        update = await bot.press(RECLASSERING, question, "regie.accept", accept["value"])
        assert update.params["ts"] == question.response["ts"] and CODE in update.params["text"]
        assert buttons_of(update) == []

        after = home_text(await bot.home_published(RECLASSERING, after=published))
        assert "Waar ik regie heb (2)" in after and f"{CODE} (J.d.V.) — casusregie" in after
