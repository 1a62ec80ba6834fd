"""Request verification on the bot's endpoint: Slack's documented example passes; bad, stale and missing
signatures get 401 before anything runs. And a slow database never makes the bot miss the 3-second ack."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest
import time_machine

from bot.core.types import Incoming, Outgoing
from tests.adapters.slack.slack_bot import SECRET, running_bot
from tests.fakes.slack_signing import signed_headers, slash_command_body
from tests.harness import Chat

# docs.slack.dev, "Verifying requests from Slack": this secret, timestamp and body give this signature.
DOC_TIMESTAMP = 1531420618
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)


class Counting:
    """Wraps the router's handle and counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, handle: Callable[[Incoming], list[Outgoing]]) -> Callable[[Incoming], list[Outgoing]]:
        def counted(incoming: Incoming) -> list[Outgoing]:
            self.calls += 1
            return handle(incoming)

        return counted


async def test_slacks_documented_example_is_accepted(sqlite_chat: Chat) -> None:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(DOC_TIMESTAMP),
        "X-Slack-Signature": DOC_SIGNATURE,
    }
    async with running_bot(sqlite_chat) as bot:
        with time_machine.travel(DOC_TIMESTAMP + 20, tick=True):
            status, _ = await bot.post(DOC_BODY, headers)
        assert status == 200
        [answer] = await bot.replies("G8PSS9T3V")
        assert "nog niet aangemeld" in answer


@pytest.mark.parametrize("problem", ["wrong secret", "tampered body", "stale", "missing", "future"])
async def test_bad_stale_or_missing_signatures_get_401_and_nothing_runs(
    sqlite_chat: Chat, problem: str
) -> None:
    counting = Counting()
    body = slash_command_body("/ketenbot", "ik", "U800", "DU800")
    headers = {
        "wrong secret": signed_headers("not-the-secret", body),
        "tampered body": signed_headers(SECRET, body.replace(b"ik", b"xx")),
        "stale": signed_headers(SECRET, body, timestamp=int(time.time()) - 5 * 60 - 5),
        "missing": {"Content-Type": "application/x-www-form-urlencoded"},
        "future": signed_headers(SECRET, body, timestamp=int(time.time()) + 5 * 60 + 5),
    }[problem]
    async with running_bot(sqlite_chat, wrap=counting) as bot:
        status, _ = await bot.post(body, headers)
        assert status == 401
        status, _ = await bot.post(body)  # the same request, properly signed, goes through
        assert status == 200
        await bot.replies("DU800")
        assert counting.calls == 1
        assert [c.method for c in bot.fake.calls] == ["auth.test", "chat.postMessage"]


async def test_a_slow_database_never_makes_the_bot_miss_the_3_second_ack(chat: Chat) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(handle: Callable[[Incoming], list[Outgoing]]) -> Callable[[Incoming], list[Outgoing]]:
        def blocked(incoming: Incoming) -> list[Outgoing]:
            entered.set()
            if not release.wait(timeout=30):  # bounded: the test releases it
                raise TimeoutError("test never released the slow handler")
            return handle(incoming)

        return blocked

    async with running_bot(chat, wrap=slow) as bot:
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, body = await bot.command("ik", user="U810", channel="DU810")
        acked_after = loop.time() - started
        assert (status, body) == (200, "")
        assert acked_after < 3.0
        assert await asyncio.to_thread(entered.wait, 5.0)  # the handler runs...
        assert not bot.fake.posted("DU810")  # ...and has not answered yet
        release.set()
        [answer] = await bot.replies("DU810")
        assert "nog niet aangemeld" in answer
