"""The outbox through the Slack sender: paced per channel, 429s honoured, permanent failures not retried."""

from __future__ import annotations

import itertools
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlmodel import col, select

from bot.adapters.slack.outbound import OUTBOX_LIMITS, send_error
from bot.core.context import encode_reply
from bot.core.types import Button, Reply
from storage.models import OutboxMessage, OutboxStatus, Role
from tests.adapters.slack.slack_bot import running_bot
from tests.harness import Chat

MEMBERS = 50
REMINDERS = 200


def queue_reminders(chat: Chat) -> None:
    """50 Slack members, 4 reminders each, due in turn (half the members have no direct chat id yet)."""
    now = chat.clock.now()
    with chat.app.uow() as uow:
        organisation = uow.organisations.by_name("Gemeente Waterdam")
        assert organisation is not None and organisation.id is not None
        ids = []
        for n in range(MEMBERS):
            member = uow.members.add(f"Lid {n}", organisation.id, [Role.PARTNER], at=now)
            assert member.id is not None
            direct = f"DU9{n:03d}" if n % 2 else None
            uow.identities.link(
                member.id, "slack", f"U9{n:03d}", display_name=None, direct_chat_id=direct, at=now
            )
            ids.append(member.id)
        for i in range(REMINDERS):
            due = now - timedelta(seconds=REMINDERS - i)
            payload = encode_reply(Reply(f"herinnering {i}"))
            uow.outbox.add(f"test:{i}:T-0", payload, due_at=due, now=now, member_id=ids[i % MEMBERS])
        uow.commit()


async def test_a_429_storm_while_200_reminders_go_out(sqlite_chat: Chat) -> None:
    chat = sqlite_chat
    with chat.app.uow() as uow:
        before = uow.outbox.depth()  # the demo's release alerts, due weeks from now
    queue_reminders(chat)
    async with running_bot(chat) as bot:
        fake = bot.fake
        fake.enforce_limits(per_channel_per_s=1.0)
        fake.fail_next("chat.postMessage", status=429, retry_after=1, count=4)
        dispatcher = chat.app.dispatcher({"slack": bot.adapter.sender})
        for _ in range(30):  # bounded: each tick sends what is due; a 429 pushes a message to a later tick
            await dispatcher.tick()
            await dispatcher.settle()  # sends paced past the patience (or slowed by a busy machine) land
            if len(fake.posted()) >= REMINDERS:
                break
            chat.clock.advance(timedelta(seconds=2))

        texts = [str(c.params["text"]) for c in fake.posted()]
        assert sorted(texts) == sorted(f"herinnering {i}" for i in range(REMINDERS))  # all, once
        assert [c.status for c in fake.called("chat.postMessage")].count(429) == 4  # only the storm
        assert fake.limit_violations == 0
        for channel, times in fake.accepted_at.items():
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert all(gap >= 1.0 for gap in gaps), (channel, gaps)
        assert len(fake.accepted_at) == MEMBERS
    with chat.app.uow() as uow:
        assert uow.outbox.depth() == before  # all 200 went out; nothing else was touched
        queued = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("test:"))
        statuses = [row.status for row in uow.session.exec(queued)]
    assert len(statuses) == REMINDERS and set(statuses) == {OutboxStatus.SENT}


async def test_a_group_reminder_with_buttons_goes_to_the_linked_channel(sqlite_chat: Chat) -> None:
    chat = sqlite_chat
    now = chat.clock.now()
    with chat.app.uow() as uow:
        uow.groups.link("slack", "C0TRIAGE", "triage", "triage-slack")
        reply = Reply("Triage morgen <b>", buttons=[Button("overleg.rsvp", "Ik kom", "7")])
        uow.outbox.add("triage:7:T-1", encode_reply(reply), due_at=now, now=now, group_purpose="triage-slack")
        uow.commit()
    async with running_bot(chat) as bot:
        assert await chat.app.dispatcher({"slack": bot.adapter.sender}).tick() == 1
        [posted] = bot.fake.posted("C0TRIAGE")
        assert posted.params["text"] == "Triage morgen &lt;b&gt;"
        [actions] = [b for b in posted.params["blocks"] if b["type"] == "actions"]
        assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [("overleg.rsvp", "7")]
        assert not bot.fake.called("conversations.open")


def slack_error(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,  # type: ignore[arg-type]
        http_verb="POST",
        api_url="http://127.0.0.1/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(error, response)  # type: ignore[no-untyped-call]


def test_slack_failures_become_send_errors() -> None:
    limited = send_error(slack_error(429, "ratelimited", {"Retry-After": "7"}))
    assert (limited.retry_after, limited.permanent) == (7.0, False)
    gone = send_error(slack_error(200, "channel_not_found"))
    assert (gone.retry_after, gone.permanent) == (None, True)
    hiccup = send_error(slack_error(500, "fatal_error"))
    assert (hiccup.retry_after, hiccup.permanent) == (None, False)
    assert OUTBOX_LIMITS.per_chat is not None and OUTBOX_LIMITS.per_chat.per > 1.0
