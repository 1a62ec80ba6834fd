"""Buttons updated in place, files, the App Home tab and the greeting for someone who joins a channel."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.markup import our_action_id
from tests.adapters.slack.slack_bot import SlackBot, running_bot
from tests.fakes.slack_signing import BOT_USER_ID, block_actions_body, event_body
from tests.harness import Chat


def link_demo_member(chat: Chat, handle: str, slack_user: str) -> None:
    """Give a demo member (console handle) a Slack identity too, as a second platform."""
    with chat.app.uow() as uow:
        member = uow.members.by_handle(handle)
        assert member is not None and member.id is not None
        uow.identities.link(
            member.id, "slack", slack_user, display_name=handle, direct_chat_id=None, at=chat.clock.now()
        )
        uow.commit()


async def post_choice(bot: SlackBot, user: str, channel: str) -> tuple[str, list[dict[str, Any]]]:
    await bot.command("kies", user=user, channel=channel)
    [call] = await bot.fake.wait_for(lambda: bot.fake.posted(channel))
    blocks = call.params["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return str(call.response["ts"]), buttons


async def test_buttons_are_block_kit_actions_and_a_press_updates_the_message_in_place(chat: Chat) -> None:
    link_demo_member(chat, "procesmanager", "U700")
    async with running_bot(chat) as bot:
        ts, buttons = await post_choice(bot, "U700", "C100")
        assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
            ("slacktest.accept#0", "1", "Ja <b>"),  # plain_text: Slack shows it literally
            ("slacktest.accept#1", "2", "Nee"),
        ]
        assert bot.fake.posted("C100")[0].params["text"] == "Neem je de regie? &lt;!channel&gt; &amp; co"

        status, _ = await bot.post(
            block_actions_body("U700", "C100", "slacktest.accept#1", "2", message_ts=ts)
        )
        assert status == 200
        [update] = await bot.fake.wait_for(lambda: bot.fake.called("chat.update"))
        assert (update.params["channel"], update.params["ts"], update.params["text"]) == (
            "C100",
            ts,
            "gekozen: 2",
        )
        assert len(bot.fake.posted("C100")) == 1  # updated, not posted again


async def test_a_press_by_someone_without_the_role_is_refused(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U710")  # a partner; the button is for procesmanagers
        ts, _ = await post_choice(bot, "U710", "C110")
        await bot.post(block_actions_body("U710", "C110", "slacktest.accept#0", "1", message_ts=ts))
        [note] = await bot.fake.wait_for(lambda: bot.fake.called("chat.postEphemeral"))
        assert "niet voor jouw rol" in note.params["text"] and note.params["user"] == "U710"
        assert bot.fake.called("chat.update") == []  # the message keeps its buttons for the procesmanager


async def test_a_file_is_uploaded_with_files_upload_v2(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U720")
        await bot.command("bijlage", user="U720", channel="DU720")
        [upload] = await bot.fake.wait_for(lambda: [u for u in bot.fake.uploads() if u.completed])
        assert (upload.filename, upload.channel) == ("overleg.ics", "DU720")
        assert upload.data.startswith(b"BEGIN:VCALENDAR")
        [complete] = bot.fake.called("files.completeUploadExternal")
        assert complete.params["initial_comment"] == "Uitnodiging"


async def test_app_home_shows_the_members_overview(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await bot.join("U730")
        event = {
            "type": "app_home_opened",
            "user": "U730",
            "channel": "DU730",
            "tab": "home",
            "event_ts": "1.1",
        }
        status, _ = await bot.post(event_body(event))
        assert status == 200
        [published] = await bot.fake.wait_for(lambda: bot.fake.views("publish"))
        assert published.params["user_id"] == "U730"
        view = published.params["view"]
        assert view["type"] == "home" and view["blocks"][0]["text"]["text"] == "ketenbot — mijn overzicht"
        texts = " ".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
        assert "Mijn open acties (0)" in texts and "Je hebt geen komende overleggen." in texts
        assert "Je hebt geen komende herinneringen." in texts

        messages_tab = {**event, "tab": "messages", "event_ts": "1.2"}
        await bot.post(event_body(messages_tab))
        await bot.command("help", user="U730", channel="DU730")
        await bot.replies("DU730")
        assert len(bot.fake.views("publish")) == 1  # the messages tab publishes nothing


async def test_app_home_for_someone_not_signed_up_explains_how_once(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        event = {
            "type": "app_home_opened",
            "user": "U731",
            "channel": "DU731",
            "tab": "home",
            "event_ts": "1.1",
        }
        await bot.post(event_body(event))
        [published] = await bot.fake.wait_for(lambda: bot.fake.views("publish"))
        sections = [b for b in published.params["view"]["blocks"] if b["type"] == "section"]
        assert len(sections) == 1 and "/aanmelden CODE" in sections[0]["text"]["text"]


async def test_someone_joining_a_channel_is_told_privately_how_to_sign_up(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        event = {"type": "member_joined_channel", "user": "U740", "channel": "C200", "channel_type": "C"}
        status, _ = await bot.post(event_body({**event, "event_ts": "1.1"}))
        assert status == 200
        [note] = await bot.fake.wait_for(lambda: bot.fake.called("chat.postEphemeral"))
        assert (note.params["channel"], note.params["user"]) == ("C200", "U740")
        assert "/aanmelden CODE" in note.params["text"]
        assert not bot.fake.posted("C200")


def test_action_id_suffixes_are_undone() -> None:
    assert our_action_id("regie.accept#3") == "regie.accept"
    assert our_action_id("regie.accept") == "regie.accept"
    assert our_action_id("odd#name") == "odd#name"


async def test_the_bot_joining_a_channel_greets_nobody(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        joined = {"type": "member_joined_channel", "user": BOT_USER_ID, "channel": "C210", "event_ts": "1.3"}
        await bot.post(event_body(joined))
        person = {"type": "member_joined_channel", "user": "U741", "channel": "C210", "event_ts": "1.4"}
        await bot.post(event_body(person))
        notes = await bot.fake.wait_for(lambda: bot.fake.called("chat.postEphemeral"))
        assert [n.params["user"] for n in notes] == ["U741"]
