"""Issue 16, need-to-know on Telegram: from a group, a name search and a form that asks for personal data
go to the member's direct chat; the group sees one line that says so, never a name or a case code."""

from __future__ import annotations

from tests.adapters.telegram.telegram_support import running_bot
from tests.harness import Chat

GROUP, PARTNER, MANAGER = -4601, 7601, 7602


async def test_signaal_typed_in_a_group_asks_for_the_name_in_the_direct_chat(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", PARTNER)
        (in_group,) = await bot.messages(PARTNER, "/signaal", 1, chat=GROUP)
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(PARTNER)) == 2)
        started = bot.fake.sent_messages(PARTNER)
        (birth,) = await bot.messages(PARTNER, "Eva Smit", 1)
    assert in_group["text"] == (
        "Dit formulier vraagt naar persoonsgegevens; ik stel de vragen in je privéchat met ketenbot."
    )
    assert "(1/8) Naam van de betrokkene" in started[1]["text"]
    assert "(2/8)" in birth["text"]
    assert len(bot.fake.sent_messages(GROUP)) == 1  # nothing else was asked in the group


async def test_regie_naam_typed_in_a_group_is_answered_in_the_direct_chat(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        (in_group,) = await bot.messages(MANAGER, "/regie Jan de Vries", 1, chat=GROUP)
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(MANAGER)) == 1)
        (direct,) = bot.fake.sent_messages(MANAGER)
    assert in_group["text"] == "Het antwoord staat in je privéchat met ketenbot."
    assert "VH-2026-0001" in direct["text"]
