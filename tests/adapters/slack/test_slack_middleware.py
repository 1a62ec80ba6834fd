"""The adapter's steps in Bolt's middleware chain, on Bolt's own request objects (no server, no fake)."""

from __future__ import annotations

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.slack.middleware import AckAtOnce
from tests.fakes.slack_signing import (
    block_actions_body,
    event_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)

SECRET = "middleware-secret"


class Next:
    def __init__(self) -> None:
        self.called = 0

    async def __call__(self) -> BoltResponse:
        self.called += 1
        return BoltResponse(status=200)


def http_request(body: bytes, timestamp: int | None = None) -> AsyncBoltRequest:
    headers = signed_headers(SECRET, body, timestamp=timestamp)
    return AsyncBoltRequest(body=body.decode(), headers={k.lower(): v for k, v in headers.items()})


async def test_commands_and_presses_are_acked_before_the_listener_runs_modal_submissions_are_not() -> None:
    acked = {
        "command": slash_command_body("/ketenbot", "regie X", "U1", "DU1"),
        "press": block_actions_body("U1", "DU1", "regie.history", "X"),
    }
    left = {
        "submission": view_submission_body("U1", "ketenbot.form", "", {}),
        "event": event_body({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}),
    }
    for kind, body in {**acked, **left}.items():
        request, following = http_request(body), Next()
        await AckAtOnce().async_process(req=request, resp=BoltResponse(status=200), next=following)
        response = request.context.ack.response
        assert following.called == 1, kind
        if kind in acked:
            assert response is not None and (response.status, response.body) == (200, ""), kind
        else:
            assert response is None, kind  # a submission's ack may carry field errors: the listener decides
