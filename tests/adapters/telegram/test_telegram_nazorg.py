"""A checklist button on Telegram updates the pressed message in place (``Reply.in_place``)."""

from __future__ import annotations

from tests.adapters.telegram.telegram_support import buttons, press_data, running_bot
from tests.harness import Chat

USER = 7301


async def test_ticking_a_checklist_item_edits_the_pressed_message(chat: Chat) -> None:
    registered = chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert registered.startswith("Detentie vastgelegd")
    async with running_bot(chat) as bot:
        bot.link("regisseur", USER)
        await bot.answers(USER, "/nazorg VH-2026-0001", 1)
        checklist = bot.fake.sent_messages(USER)[-1]
        assert len(buttons(checklist)) == 6
        count = len(bot.fake.sent_messages(USER))
        edits = len([c for c in bot.fake.calls if c.method == "editMessageText"])
        data = press_data(checklist, "onderdak")
        await bot.fake.push_callback(USER, USER, checklist["message_id"], data)
        await bot.fake.wait_until(
            lambda: len([c for c in bot.fake.calls if c.method == "editMessageText"]) == edits + 1
        )
        updated = bot.fake.messages[(USER, checklist["message_id"])]
        assert "- onderdak: geregeld" in updated["text"]
        assert [label for label, _ in buttons(updated)] == [
            "✓ ID-bewijs geregeld",
            "✓ inkomen geregeld",
            "✓ schulden geregeld",
            "✓ zorg geregeld",
            "✓ dagbesteding geregeld",
        ]
        assert len(bot.fake.sent_messages(USER)) == count  # updated, not answered with a new message
