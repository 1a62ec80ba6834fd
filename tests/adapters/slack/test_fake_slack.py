"""FakeSlack + signing helpers, proven against the real Bolt AsyncApp and slack-sdk AsyncWebClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signing import (
    BOT_USER_ID,
    block_actions_body,
    event_body,
    sign,
    signed_headers,
    slash_command_body,
    view_submission_body,
)

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-test"
DEADLINE = 5.0

# docs.slack.dev "Verifying requests from Slack". NB the published token is ...BCDEFasx0q6G; with
# "xyzz0WbapA4vBCDEc8rl9LUA" (a circulating variant) the documented signature does not reproduce.
SLACK_DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)


def test_sign_reproduces_slacks_documented_example() -> None:
    assert (
        sign(SLACK_DOC_SECRET, 1531420618, SLACK_DOC_BODY)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_signed_headers_pass_slack_sdk_verifier() -> None:
    body = slash_command_body("/ping", "", "U1", "C1")
    headers = signed_headers(SECRET, body)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert signed_headers(SECRET, event_body({"type": "app_mention"}))["Content-Type"] == "application/json"
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"x", headers)


# --------------------------------------------------------------------------- harness
@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as f:
        yield f


def make_client(fake: FakeSlack, **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.api_url, **kwargs)


def make_app(fake: FakeSlack, finished: asyncio.Queue[str], **client_kwargs: Any) -> AsyncApp:
    # Passing token= as well as client= only makes Bolt log "client prioritized, token skipped".
    app = AsyncApp(signing_secret=SECRET, client=make_client(fake, **client_kwargs))

    @app.command("/ping")
    async def ping(ack: Any, say: Any) -> None:
        await ack()
        await say("pong")
        finished.put_nowait("ping")

    @app.command("/echo")
    async def echo(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"echo: {command['text']}")
        finished.put_nowait("echo")

    @app.action("approve")
    async def approve(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = {
            "type": "modal",
            "callback_id": "approve_modal",
            "private_metadata": body["actions"][0]["value"],
            "title": {"type": "plain_text", "text": "Akkoord"},
            "blocks": [],
        }
        await client.views_open(trigger_id=body["trigger_id"], view=view)
        finished.put_nowait("approve")

    @app.view("approve_modal")
    async def submitted(ack: Any, view: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        note = view["state"]["values"]["note"]["note_input"]["value"]
        await client.chat_postMessage(channel=body["user"]["id"], text=f"{view['private_metadata']}: {note}")
        finished.put_nowait("submitted")

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: Any) -> None:
        await say(f"hoi <@{event['user']}>")
        finished.put_nowait("mention")

    return app


@asynccontextmanager
async def serve(app: AsyncApp) -> AsyncIterator[str]:
    """Bolt 1.30's aiohttp adapter pieces behind a plain aiohttp server on 127.0.0.1:0."""

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()


Post = Callable[..., Awaitable[tuple[int, str]]]


@pytest.fixture
async def bolt(fake: FakeSlack) -> AsyncIterator[tuple[Post, asyncio.Queue[str]]]:
    finished: asyncio.Queue[str] = asyncio.Queue()
    async with serve(make_app(fake, finished)) as url, aiohttp.ClientSession() as http:

        async def post(body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
            async with http.post(url, data=body, headers=headers or signed_headers(SECRET, body)) as resp:
                return resp.status, await resp.text()

        yield post, finished


async def next_finished(finished: asyncio.Queue[str]) -> str:
    return await asyncio.wait_for(finished.get(), DEADLINE)


# ----------------------------------------------------------------------- Bolt e2e
async def test_bolt_ping_acks_and_says_pong_through_fake(fake: FakeSlack, bolt: tuple[Post, Any]) -> None:
    post, finished = bolt
    status, text = await post(slash_command_body("/ping", "", "U123", "C777"))
    assert (status, text) == (200, "")  # ack() with no args -> empty 200
    assert await next_finished(finished) == "ping"
    [msg] = fake.posted("C777")
    assert msg.params["text"] == "pong" and msg.token == TOKEN
    assert msg.response["message"]["user"] == BOT_USER_ID
    auth = fake.called("auth.test")
    assert len(auth) == 1 and auth[0].token == TOKEN and fake.calls[0] is auth[0]  # Bolt's lazy token check


async def test_bolt_respond_posts_to_minted_response_url(fake: FakeSlack, bolt: tuple[Post, Any]) -> None:
    post, finished = bolt
    url = fake.mint_response_url()
    status, _ = await post(slash_command_body("/echo", "hallo", "U1", "C1", response_url=url))
    assert status == 200 and await next_finished(finished) == "echo"
    [resp] = fake.responses(url)
    assert resp.params["text"] == "echo: hallo"


@pytest.mark.parametrize("tamper", ["signature", "stale"])
async def test_bolt_rejects_bad_or_stale_signature(
    fake: FakeSlack, bolt: tuple[Post, Any], tamper: str
) -> None:
    post, _ = bolt
    body = slash_command_body("/ping", "", "U1", "C1")
    if tamper == "signature":
        headers = signed_headers("not-the-secret", body)
    else:
        headers = signed_headers(SECRET, body, timestamp=int(time.time()) - 5 * 60 - 10)
    status, _ = await post(body, headers)
    assert status == 401
    assert fake.calls == []  # rejected before authorization, so not even auth.test


async def test_builders_drive_actions_views_and_events(fake: FakeSlack, bolt: tuple[Post, Any]) -> None:
    post, finished = bolt
    status, _ = await post(block_actions_body("U5", "C5", "approve", "case-42", trigger_id="123.456.abc"))
    assert status == 200 and await next_finished(finished) == "approve"
    [opened] = fake.views("open")
    assert opened.params["trigger_id"] == "123.456.abc"
    assert opened.response["view"]["id"].startswith("V")

    values = {"note": {"note_input": {"type": "plain_text_input", "value": "prima"}}}
    status, _ = await post(view_submission_body("U5", "approve_modal", "case-42", values))
    assert status == 200 and await next_finished(finished) == "submitted"
    assert [c.params["text"] for c in fake.posted("DU5")] == ["case-42: prima"]  # user id -> DM channel

    mention = {
        "type": "app_mention",
        "user": "U9",
        "text": f"<@{BOT_USER_ID}> hi",
        "channel": "C9",
        "ts": "1700000000.000200",
        "event_ts": "1700000000.000200",
    }
    status, _ = await post(event_body(mention))
    assert status == 200 and await next_finished(finished) == "mention"
    assert fake.posted("C9")[0].params["text"] == "hoi <@U9>"


async def test_bolt_say_is_retried_after_429(fake: FakeSlack) -> None:
    # Bolt copies the app client's retry_handlers into its per-request client.
    finished: asyncio.Queue[str] = asyncio.Queue()
    app = make_app(fake, finished, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    body = slash_command_body("/ping", "", "U1", "C1")
    async with serve(app) as url, aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=signed_headers(SECRET, body)) as resp:
            assert resp.status == 200
        assert await next_finished(finished) == "ping"
    assert [c.status for c in fake.called("chat.postMessage")] == [429, 200]


# -------------------------------------------------------------------- SDK client
async def test_files_upload_v2_records_name_and_bytes(fake: FakeSlack) -> None:
    payload = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    resp = await make_client(fake).files_upload_v2(
        channel="C1", filename="grafiek.png", content=payload, title="Grafiek", initial_comment="zie bijlage"
    )
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    assert fake.calls[0].params == {"filename": "grafiek.png", "length": str(len(payload))}
    [up] = fake.uploads()
    assert (up.filename, up.data, up.title, up.channel, up.completed) == (
        "grafiek.png",
        payload,
        "Grafiek",
        "C1",
        True,
    )
    assert resp["file"]["id"] == up.file_id and resp["file"]["size"] == len(payload)
    assert fake.calls[2].params["initial_comment"] == "zie bijlage"


async def test_429_is_retried_by_rate_limit_handler(fake: FakeSlack) -> None:
    client = make_client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    resp = await client.chat_postMessage(channel="C1", text="hallo")
    assert resp["ok"] and loop.time() - started >= 1.0  # slept Retry-After (+ jitter in [0, 1))
    first, second = fake.called("chat.postMessage")
    assert (first.status, first.response["error"], second.status) == (429, "ratelimited", 200)
    assert second.at - first.at >= 1.0


async def test_429_without_handler_surfaces_retry_after(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await make_client(fake).chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429 and err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"


async def test_5xx_fault_then_recovery(fake: FakeSlack) -> None:
    fake.fail_next("users.info", status=503, count=2)
    client = make_client(fake, retry_handlers=[])
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.users_info(user="U1")
        assert err.value.response.status_code == 503
    assert (await client.users_info(user="U1"))["user"]["id"] == "U1"


async def test_enforce_limits_per_channel(fake: FakeSlack) -> None:
    fake.enforce_limits(per_channel_per_s=1.0)
    client = make_client(fake, retry_handlers=[])
    await client.chat_postMessage(channel="C1", text="1")
    await client.chat_postMessage(channel="C2", text="other channel is fine")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="2")
    assert err.value.response.status_code == 429 and int(err.value.response.headers["Retry-After"]) >= 1
    assert fake.limit_violations == 1
    assert [c.params["text"] for c in fake.posted("C1")] == ["1"]
    assert len(fake.accepted_at["C1"]) == 1 and len(fake.accepted_at["C2"]) == 1


async def test_remaining_methods_answer_realistically(fake: FakeSlack) -> None:
    client = make_client(fake)
    posted = await client.chat_postMessage(channel="C1", text="a", blocks=[{"type": "divider"}])
    assert posted["message"]["blocks"] == [{"type": "divider"}]
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="b")
    assert (updated["ts"], updated["message"]["text"]) == (posted["ts"], "b")
    assert (await client.chat_postEphemeral(channel="C1", user="U1", text="psst"))["message_ts"]
    dm = await client.conversations_open(users="U7")
    assert dm["channel"]["id"] == "DU7" and not dm["already_open"]
    assert (await client.conversations_open(users="U7"))["already_open"]
    fake.add_user("U8", real_name="Anna de Vries", tz="Europe/Amsterdam")
    assert (await client.users_info(user="U8"))["user"]["real_name"] == "Anna de Vries"

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [], "external_id": "e1"}
    opened = await client.views_open(trigger_id="1.2.3", view=modal)
    pushed = await client.views_push(trigger_id="1.2.3", view={**modal, "external_id": ""})
    by_ext = await client.views_update(external_id="e1", view=modal)
    home = await client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert by_ext["view"]["id"] == opened["view"]["id"] != pushed["view"]["id"]
    assert home["view"]["type"] == "home"
    assert [c.method for c in fake.views()] == ["views.open", "views.push", "views.update", "views.publish"]
    assert len(fake.views("update")) == 1

    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(token="bogus", base_url=fake.api_url).auth_test()
    assert err.value.response["error"] == "invalid_auth"


async def test_wait_for_times_out_with_summary(fake: FakeSlack) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError, match="not satisfied"):
        await fake.wait_for(lambda: fake.posted("C404"), timeout=0.2)
    assert loop.time() - started < 2.0

    waiter = asyncio.create_task(fake.wait_for(lambda: fake.posted("C1"), timeout=DEADLINE))
    await make_client(fake).chat_postMessage(channel="C1", text="eindelijk")
    [call] = await waiter
    assert call.params["text"] == "eindelijk"
