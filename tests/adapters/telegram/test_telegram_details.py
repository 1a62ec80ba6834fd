"""Details in privé on Telegram: in a group the bot answers with code and initials plus a URL button that
opens the direct chat (``t.me/<bot>?start=<token>``); /start with that token there shows the details."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.telegram.telegram_support import buttons, running_bot
from tests.harness import Chat

GROUP, MEMBER, OUTSIDER = -4601, 7601, 7602


async def test_a_member_without_a_direct_chat_opens_it_through_the_link(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("reclassering", MEMBER)
        bot.link("woonstede", OUTSIDER)  # not a deelnemer of the case
        bot.fake.block_chat(MEMBER)  # never started a chat with the bot: it may not write there first
        (reply,) = await bot.messages(MEMBER, "/regie VH-2026-0001", 1, chat=GROUP)
        await bot.fake.wait_for(lambda c: c.method == "sendMessage" and c.status == 403)
        assert reply["text"].startswith("VH-2026-0001 (J.d.V.)") and "Fatima" not in reply["text"]
        ((label, url),) = buttons(reply)
        assert label == "Details in privé" and url.startswith("https://t.me/ketenbot_test?start=d-")
        token = url.split("start=", 1)[1]
        assert len(token) <= 64 and "callback_data" not in reply["reply_markup"]["inline_keyboard"][0][0]

        bot.fake.unblock_chat(MEMBER)  # opening the link starts the chat; Telegram sends /start <token>
        (details,) = await bot.messages(MEMBER, f"/start {token}", 1)
        assert "Casusregie: Gemeente Waterdam — Fatima el Idrissi" in details["text"]
        assert "Anouk de Wit" in details["text"]

        (refused,) = await bot.messages(OUTSIDER, f"/start {token}", 1)  # a forwarded link does nothing
        assert "verlopen of niet voor jou" in refused["text"] and "Fatima" not in refused["text"]
        chat.clock.advance(timedelta(hours=2))
        (late,) = await bot.messages(MEMBER, f"/start {token}", 1)
        assert "verlopen" in late["text"]
    group_texts = [m["text"] for m in bot.fake.sent_messages(GROUP)]
    assert len(group_texts) == 1  # nothing more was said in the group
