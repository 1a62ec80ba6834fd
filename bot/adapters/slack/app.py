"""The Slack adapter: a Bolt ``AsyncApp`` with a few generic listeners, served on the bot's HTTP server
(``POST /slack/events``) or over Socket Mode when an app token is set.

Every listener acks first and does the slow work after: the router runs in a worker thread
(``asyncio.to_thread``), so neither a slow database nor a busy loop makes Slack's 3-second deadline slip.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import inbound, uploads
from bot.adapters.slack.forms import CALLBACK_ID, FormContext
from bot.adapters.slack.inbound import PLATFORM, ROOT_COMMAND
from bot.adapters.slack.markup import home_view
from bot.adapters.slack.outbound import SlackOutbound, make_client
from bot.adapters.slack.replies import SlackReplies, field_errors
from bot.core.adapter import AdapterConfigError
from bot.core.http import HttpServer
from bot.core.i18n import Catalogue, t
from bot.core.replay import ReplayGuard
from bot.core.types import ChatKind, Incoming, Outgoing

if TYPE_CHECKING:  # imported in start(), only in Socket Mode: HTTP mode never loads it
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger("ketenbot.slack")

Handle = Callable[[Incoming], list[Outgoing]]
Ack = Callable[..., Any]
Body = Mapping[str, Any]

EVENTS_PATH = "/slack/events"
# bot.core.forms.FORM_CANCEL; spelled out because the forms module pulls in storage (a test checks).
FORM_CANCEL = "form.cancel"
FORM_SUBMIT = "form.submit"
FORM_PREFIX = "form."


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str | None = None  # set: Socket Mode; unset: HTTP on the bot's server
    api_url: str | None = None
    root_command: str = ROOT_COMMAND
    # what the App Home shows: the replies to these (open actions, cases, regie; overleg; reminders)
    home_commands: Sequence[str] = ("/mijn", "/overleg lijst", "/mijn herinneringen")
    # commands after which the user's App Home is re-published (besides presses and modal submissions)
    home_refresh_commands: Sequence[str] = ("actie", "action")
    max_upload_bytes: int = uploads.MAX_UPLOAD_BYTES
    default_language: str = "nl"
    submit_deadline: float = (
        2.5  # seconds a modal waits for validation before it closes and answers by message
    )


REJECTED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"}
)


class SlackAdapter:
    platform = PLATFORM

    def __init__(
        self,
        handle: Handle,
        settings: SlackSettings,
        catalogue: Catalogue,
        *,
        client: AsyncWebClient | None = None,
        replay_guard: ReplayGuard | None = None,
    ) -> None:
        self.handle = handle
        self.replay_guard = replay_guard  # the first copy of a signed request wins, across instances
        self.verifier = SignatureVerifier(settings.signing_secret)
        self.settings = settings
        self.catalogue = catalogue
        self.client = client or make_client(settings.bot_token, settings.api_url)
        self.outbound = SlackOutbound(self.client)
        self.replies = SlackReplies(self.client, self.outbound, catalogue, settings.default_language)
        # the name Bolt would derive itself (the caller's file name, hence its "app.py:..." loggers); given,
        # Bolt skips inspect.stack(), which reads the source of every frame on the stack into linecache
        # and keeps them for the process's life (~1 MB of bench/footprint.py's idle RSS)
        self.bolt = AsyncApp(
            name="app.py", signing_secret=settings.signing_secret, client=self.client, logger=log
        )
        self.socket: AsyncSocketModeHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self._running = False
        self._register()

    # -- adapter protocol -------------------------------------------------------------------------

    @property
    def sender(self) -> SlackOutbound:
        return self.outbound

    @property
    def mode(self) -> str:
        return "socket" if self.settings.app_token else "http"

    def attach(self, http: HttpServer) -> None:
        """Serve Slack's requests (commands, interactivity, events) on the bot's one HTTP server."""
        http.add_route("POST", EVENTS_PATH, self.dispatch_http)

    async def start(self) -> None:
        """Checks the token with auth.test first: raises when Slack cannot be reached (the runtime tries
        again later: bot/reconnect.py), ``AdapterConfigError`` when Slack rejects the token."""
        if self.client.session is None:  # one connection pool for every Web API call (not one per call)
            self._session = aiohttp.ClientSession()
            self.client.session = self._session
        try:
            await self.client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code in REJECTED_TOKEN:
                raise AdapterConfigError("SLACK_BOT_TOKEN", code) from None
            raise
        if self.settings.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self.socket = AsyncSocketModeHandler(self.bolt, self.settings.app_token)
            await self.socket.connect_async()  # type: ignore[no-untyped-call]
        self._running = True

    async def stop(self) -> None:
        self._running = False
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
            self.socket = None
        if self._session is not None:
            self.client.session = None
            await self._session.close()
            self._session = None

    def connected(self) -> bool:
        return self._running

    async def dispatch_http(self, request: web.Request) -> web.Response:
        """Bolt verifies the signature (401 when bad, missing or older than 5 minutes) and acks. Before it:
        a malformed timestamp is refused (401, not Bolt's 500), and a valid signature seen before (by any
        instance: ``replay_guard``) is a replay and refused; an event delivered again (Slack's retry, signed
        anew) is answered 200 and not handled again."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature:
            return web.Response(status=401)
        body = await request.read()
        if self.replay_guard is not None and self.verifier.is_valid(body, timestamp, signature):
            signed_at = datetime.fromtimestamp(int(timestamp), UTC)
            if not await asyncio.to_thread(self.replay_guard, signature, signed_at):
                log.warning("slack request refused: its signature was seen before (a replay)")
                return web.Response(status=401)
            # Slack delivers an event again (X-Slack-Retry-Num, newly signed) when it missed the answer
            event_id = inbound.event_id(body)
            if event_id and not await asyncio.to_thread(self.replay_guard, f"event:{event_id}", signed_at):
                log.info("slack event %s delivered again: handled once already", event_id)
                return web.Response(status=200)  # delivered: Slack stops trying
        return await to_aiohttp_response(await self.bolt.async_dispatch(await to_bolt_request(request)))

    # -- listeners: few and generic ---------------------------------------------------------------

    def _register(self) -> None:
        app = self.bolt
        app.command(re.compile(r"^/"))(self.on_command)
        app.action(re.compile(r".+"))(self.on_action)
        app.view_submission(CALLBACK_ID)(self.on_submission)
        app.view_closed(CALLBACK_ID)(self.on_closed)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("member_joined_channel")(self.on_member_joined)
        app.event("message")(self.on_message)

    async def on_command(self, ack: Ack, body: Body) -> None:
        await ack()
        incoming = inbound.from_command(body, self.settings.root_command)
        replies = await self.run(incoming)
        await self.replies.deliver(replies, incoming, trigger_id=body.get("trigger_id"))
        if incoming.command in self.settings.home_refresh_commands:
            await self.publish_home(incoming.user_id, home_chat(incoming))

    async def on_action(self, ack: Ack, body: Body) -> None:
        await ack()
        view = body.get("view") or {}
        if view.get("type") == "modal":  # a widget inside one of our modals: nothing to do until submit
            return
        incoming = inbound.from_action(body)
        if incoming is None:
            return
        replies = await self.run(incoming)
        ref = inbound.press_location(body)[1]
        pressed = body.get("message") or {}
        label = str(((body.get("actions") or [{}])[0].get("text") or {}).get("text") or "")
        await self.replies.deliver(
            replies, incoming, trigger_id=body.get("trigger_id"), ref=ref, pressed=pressed, label=label
        )
        if changes_home(incoming.action_id or ""):
            await self.publish_home(incoming.user_id, home_chat(incoming))

    async def on_submission(self, ack: Ack, body: Body) -> None:
        incoming, _where = inbound.from_submission(body)
        task = asyncio.ensure_future(self.run(incoming))
        try:
            replies = await asyncio.wait_for(asyncio.shield(task), self.settings.submit_deadline)
        except TimeoutError:
            await ack()  # close the modal within Slack's deadline; the outcome follows as messages
            late = await task
            await self.replies.deliver([self.replies.late_errors(m) for m in late], incoming)
            if not field_errors(late):
                await self.publish_home(incoming.user_id, home_chat(incoming))
            return
        errors = field_errors(replies)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await self.replies.deliver(replies, incoming)
        await self.publish_home(incoming.user_id, home_chat(incoming))

    async def on_closed(self, ack: Ack, body: Body) -> None:
        """The modal was closed without submitting: cancel the form the command started."""
        await ack()
        view = body.get("view") or {}
        where = FormContext.decode(str(view.get("private_metadata") or ""))
        user = (body.get("user") or {}).get("id", "")
        incoming = Incoming(
            PLATFORM, where.chat_id, str(user), where.chat_kind, action_id=FORM_CANCEL, value=""
        )
        await self.replies.deliver(await self.run(incoming), incoming)

    async def on_home_opened(self, event: Body) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user") or "")
        await self.publish_home(user, str(event.get("channel") or user))

    async def publish_home(self, user: str, chat_id: str) -> None:
        """(Re)build the user's App Home from the replies to ``home_commands`` and publish it."""
        if not user:
            return
        sections: list[tuple[str, Sequence[Any]]] = []
        language = self.settings.default_language
        for command in self.settings.home_commands:
            for message in await self.run(inbound.home_incoming({"user": user, "channel": chat_id}, command)):
                if all(message.text != text for text, _ in sections):  # e.g. "not registered" only once
                    sections.append((message.text, message.buttons))
                language = message.language or language
        title = self.catalogue.render(t("slack.home_title"), language)
        try:
            await self.client.views_publish(user_id=user, view=home_view(title, sections))
        except SlackApiError as error:  # the home tab is a convenience: never fail the user's action on it
            log.warning("could not publish the App Home (%s)", error.response.get("error"))

    async def on_member_joined(self, event: Body, context: Mapping[str, Any]) -> None:
        """Greet someone who joins a channel with the bot (privately), explaining how to sign up."""
        user = str(event.get("user") or "")
        if not user or user == context.get("bot_user_id"):
            return
        incoming = inbound.joined_incoming(event, "/help")
        for message in await self.run(incoming):
            await self.outbound.ephemeral(incoming.chat_id, user, message)

    async def on_message(self, event: Body) -> None:
        incoming = inbound.from_message_event(event)
        if incoming is None:
            return
        shared = uploads.shared_file(event)
        if shared is not None:
            got = await uploads.download(
                shared,
                token=self.settings.bot_token,
                api_url=self.client.base_url,
                session=self.http_session(),
                limit=self.settings.max_upload_bytes,
            )
            if isinstance(got, uploads.Refusal):  # nothing reaches the router: nothing is written
                await self.refuse_upload(incoming, got)
                return
            incoming = replace(incoming, file=got)
        await self.replies.deliver(await self.run(incoming), incoming)

    def http_session(self) -> aiohttp.ClientSession:
        session = self.client.session or self._session
        if session is None:
            raise RuntimeError("the Slack adapter is not started")
        return session

    async def refuse_upload(self, incoming: Incoming, refusal: uploads.Refusal) -> None:
        limit = self.settings.max_upload_bytes // (1024 * 1024)
        text = self.catalogue.render(t(refusal.value, limit=limit), self.settings.default_language)
        await self.outbound.post(Outgoing(PLATFORM, text, chat_id=incoming.chat_id))

    # -- the work after the ack -------------------------------------------------------------------

    async def run(self, incoming: Incoming) -> list[Outgoing]:
        return await asyncio.to_thread(self.handle, incoming)


def changes_home(action_id: str) -> bool:
    """Presses that may change what the App Home shows (RSVP, regie accepted, triage, ...); a step inside
    a form does not (only its last step, submit)."""
    return not action_id.startswith(FORM_PREFIX) or action_id == FORM_SUBMIT


def home_chat(incoming: Incoming) -> str:
    """The user's direct chat when the press came from it; else the user id (opened when needed)."""
    return (
        incoming.chat_id if incoming.chat_kind == ChatKind.DIRECT and incoming.chat_id else incoming.user_id
    )
