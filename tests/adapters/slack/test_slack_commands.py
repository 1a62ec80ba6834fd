"""Slash commands end to end: signed requests to the bot's HTTP endpoint, replies at the fake Slack."""

from __future__ import annotations

from tests.adapters.slack.slack_bot import running_bot
from tests.harness import Chat


async def test_onboarding_links_the_slack_user_and_ik_answers_in_dm_and_channel(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        status, text = await bot.command("ik", user="U100", channel="DU100")
        assert (status, text) == (200, "")
        [refusal] = await bot.replies("DU100")
        assert "nog niet aangemeld" in refusal

        view = await bot.modal(f"aanmelden {chat.invite_code}", user="U100", channel="DU100")
        assert [b["block_id"] for b in view["blocks"]] == ["name"]  # the name is asked, not the handle taken
        assert await bot.submit("U100", view, {"name": "<@U999>"}) != ""  # refused: the modal stays open
        assert await bot.submit("U100", view, {"name": "Uma de Vries"}) == ""
        welcome = (await bot.replies("DU100", 2))[1]
        assert "Welkom, Uma de Vries!" in welcome and "Gemeente Waterdam" in welcome

        await bot.command("ik", user="U100", channel="DU100")
        profile = (await bot.replies("DU100", 3))[2]
        assert "slack:U100" in profile and "Gemeente Waterdam" in profile

        await bot.command("ik", user="U100", channel="C555", channel_name="triage")
        [in_channel] = await bot.replies("C555")
        assert "slack:U100" in in_channel
        assert bot.fake.posted("C555")[0].params["blocks"][0]["type"] == "section"

    with chat.app.uow() as uow:
        identity = uow.identities.find("slack", "U100")
        assert identity is not None and identity.direct_chat_id == "DU100"


async def test_root_command_without_text_shows_help_and_per_command_slash_commands_work(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U200")
        await bot.command("", user="U200", channel="DU200")
        [help_text] = await bot.replies("DU200")
        assert "/ik" in help_text
        await bot.command("", user="U200", channel="DU200", command="/ik")
        profile = (await bot.replies("DU200", 2))[1]
        assert "slack:U200" in profile
        await bot.command("/taal en", user="U200", channel="DU200")
        assert "English" in (await bot.replies("DU200", 3))[2]


async def test_user_text_is_escaped_so_nobody_injects_mentions(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U300")
        with chat.app.uow() as uow:  # a name from elsewhere (``ketenbot member``): /aanmelden refuses it
            identity = uow.identities.find("slack", "U300")
            member = uow.members.get(identity.member_id) if identity else None
            assert member is not None
            member.name = "<!channel> & <@U1|baas>"
            uow.session.add(member)
            uow.commit()
        await bot.command("ik", user="U300", channel="C777")
        [text] = await bot.replies("C777")
        assert "&lt;!channel&gt; &amp; &lt;@U1|baas&gt;" in text
        assert "<!channel>" not in text and "<@U1" not in text
        block_text = bot.fake.posted("C777")[0].params["blocks"][0]["text"]["text"]
        assert "<" not in block_text and "&lt;!channel&gt;" in block_text


async def test_a_channel_the_bot_is_not_in_gets_the_answer_in_a_direct_message(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U400")
        bot.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
        await bot.command("ik", user="U400", channel="C999")
        [text] = await bot.replies("DU400")
        assert "slack:U400" in text
        assert [c.status for c in bot.fake.called("conversations.open")] == [200]
        assert not bot.fake.posted("C999")


async def test_a_direct_message_typed_to_the_bot_is_answered_there(chat: Chat) -> None:
    from tests.fakes.slack_signing import event_body

    async with running_bot(chat) as bot:
        await bot.join("U500")
        event = {"type": "message", "channel_type": "im", "channel": "DU500", "user": "U500", "text": "hoi"}
        status, _ = await bot.post(event_body({**event, "ts": "1.1", "event_ts": "1.1"}))
        assert status == 200
        [text] = await bot.replies("DU500")
        assert "/help" in text
        own = {**event, "user": "U0BOT", "bot_id": "B0BOT", "ts": "1.2", "event_ts": "1.2"}
        status, _ = await bot.post(event_body(own))
        assert status == 200
        await bot.command("ik", user="U500", channel="DU500")
        texts = await bot.replies("DU500", 2)
        assert "slack:U500" in texts[1]  # the bot's own message got no answer in between
