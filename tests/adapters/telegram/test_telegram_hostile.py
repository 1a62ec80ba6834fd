"""Issue 16 through the real PTB app and the fake Bot API: hostile display names and webhook bodies."""

from __future__ import annotations

from bot.core.mentions import mention
from tests.adapters.telegram.telegram_support import running_bot
from tests.harness import Chat

NEW_USER = 7101


async def test_a_first_name_with_mention_markers_never_becomes_a_tg_user_link(chat: Chat) -> None:
    forged = f"Noor {mention('telegram', '424242')}\u202e"
    async with running_bot(chat) as bot:
        call = await bot.say(NEW_USER, f"/start {chat.invite_code}", first_name=forged)
    text = call.params["text"]
    assert "Welkom" in text and "Noor" in text
    assert "tg://user" not in text and "\ue000" not in text and "\u202e" not in text
    with chat.app.uow() as uow:
        identity = uow.identities.find("telegram", str(NEW_USER))
        assert identity is not None and identity.display_name == "Noor telegram424242"
