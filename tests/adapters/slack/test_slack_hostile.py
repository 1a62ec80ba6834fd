"""Issue 16 through the real Bolt app and the fake Slack: hostile display names and headers, replays."""

from __future__ import annotations

from bot.core.mentions import mention
from tests.adapters.slack.slack_bot import running_bot
from tests.harness import Chat


async def test_a_display_name_with_mention_markers_never_becomes_a_live_mention(chat: Chat) -> None:
    forged = f"Noor {mention('slack', 'U0BAAS1')} \u202eRTL"
    async with running_bot(chat) as bot:
        await bot.join("U310", name=forged)
        await bot.command("ik", user="U310", channel="C778")
        [text] = await bot.replies("C778")
    assert "<@U0BAAS1>" not in text and "\ue000" not in text and "\u202e" not in text
    assert "Noor" in text
    with chat.app.uow() as uow:
        identity = uow.identities.find("slack", "U310")
        assert identity is not None
        member = uow.members.get(identity.member_id)
        assert member is not None and member.name == "Noor slackU0BAAS1 RTL"
