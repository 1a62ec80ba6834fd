"""A step in Bolt's middleware chain, as an ``AsyncMiddleware`` class (no per-request argument injection):

``AckAtOnce``, after Bolt's own middleware: slash commands and button presses are acked in the dispatch
itself. Bolt starts a listener as a task and then polls for its ``ack()`` every 10 ms, so an ack from the
listener reaches Slack at the earliest one 10 ms timer later; acked here, Bolt answers without waiting.
The listeners still call ``ack()``, so they read the same on their own; a second call comes after the
HTTP answer was built, so a command or a press cannot answer in its ack (none does: replies are messages).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.payload_utils import is_block_actions, is_slash_command
from slack_bolt.response import BoltResponse

Next = Callable[[], Awaitable[BoltResponse]]


class AckAtOnce(AsyncMiddleware):
    """Acks a slash command or a button press (``block_actions``) before Bolt runs its listener. Not a modal
    submission: its ack may carry field errors, decided by the router."""

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse | None:
        if is_slash_command(req.body) or is_block_actions(req.body):
            await req.context.ack()
        return await next()
