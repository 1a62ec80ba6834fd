"""Issue 16 through the real Bolt app and the fake Slack: hostile display names and headers, replays."""

from __future__ import annotations

from bot.core.mentions import mention
from tests.adapters.slack.slack_bot import SECRET, running_bot
from tests.fakes.slack_signing import event_body, signed_headers, slash_command_body
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


async def test_a_signed_request_posted_three_times_is_handled_once(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", "U320")
        body = slash_command_body("/ketenbot", "help", "U320", "DU320")
        headers = signed_headers(SECRET, body)
        statuses = [(await bot.post(body, headers))[0] for _ in range(3)]
        await bot.replies("DU320")
        await bot.command("ik", user="U320", channel="DU320")  # a new request still gets through
        replies = await bot.replies("DU320", 2)
    assert statuses == [200, 401, 401]
    assert len(replies) == 2 and "slack:U320" in replies[1]
    helps = [c for c in bot.fake.posted("DU320") if "/ik" in str(c.params.get("text"))]
    assert len(helps) == 1


async def test_a_replay_to_another_instance_is_refused_too(chat: Chat) -> None:
    async with running_bot(chat) as first, running_bot(chat) as second:
        first.link("wijkagent", "U330")
        body = slash_command_body("/ketenbot", "ik", "U330", "DU330")
        headers = signed_headers(SECRET, body)
        assert (await first.post(body, headers))[0] == 200
        assert (await second.post(body, headers))[0] == 401
        await first.replies("DU330")
    assert len(first.fake.posted("DU330")) == 1 and second.fake.posted("DU330") == []


async def test_malformed_timestamps_and_signatures_are_401_never_500(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        body = slash_command_body("/ketenbot", "help", "U340", "DU340")
        good = signed_headers(SECRET, body)
        statuses = []
        for ts in ("abc", "", "-1", "٧٧٧", "1e9", "9" * 40):
            statuses.append((await bot.post(body, {**good, "X-Slack-Request-Timestamp": ts}))[0])
        statuses.append((await bot.post(body, {**good, "X-Slack-Signature": ""}))[0])
        statuses.append((await bot.post(body, {"Content-Type": good["Content-Type"]}))[0])
    assert statuses == [401] * 8
    assert bot.fake.posted("DU340") == []


async def test_an_event_slack_delivers_again_is_answered_once(chat: Chat) -> None:
    """Found by black-box testing: Slack retries an event it got no timely answer for (the same event_id,
    ``X-Slack-Retry-Num``, signed anew); the retry was answered a second time."""
    async with running_bot(chat) as bot:
        await bot.join("U350")
        event = {"type": "message", "channel_type": "im", "channel": "DU350", "user": "U350", "text": "hoi"}
        body = event_body({**event, "ts": "1.1", "event_ts": "1.1"})
        first = signed_headers(SECRET, body)
        retry = {**signed_headers(SECRET, body, timestamp=int(first["X-Slack-Request-Timestamp"]) - 1),
                 "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}  # fmt: skip
        assert (await bot.post(body, first))[0] == 200
        assert (await bot.post(body, retry))[0] == 200  # delivered: Slack stops retrying
        await bot.replies("DU350")
        await bot.command("ik", user="U350", channel="DU350")  # what comes next still gets through
        texts = await bot.replies("DU350", 2)
    assert "/help" in texts[0] and "slack:U350" in texts[1]  # the retry got no answer in between
