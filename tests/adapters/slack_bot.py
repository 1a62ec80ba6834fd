"""The real ketenbot behind the real Slack adapter on the bot's HTTP server, talking to FakeSlack.

Requests are signed like Slack signs them and POSTed to ``/slack/events``; effects are awaited on the
fake (``wait_for``), never slept for. A few test-only commands (a form, buttons, a file) show the adapter's
rendering without depending on capabilities that live on other branches.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.adapters.slack.app import SlackAdapter, SlackSettings
from bot.app import GROUPS
from bot.core import (
    Button,
    CommandGroup,
    Context,
    Field,
    FileAttachment,
    Form,
    Incoming,
    Option,
    Reply,
    UserError,
    t,
)
from bot.core.http import HttpServer
from bot.core.metrics import Metrics
from bot.core.router import Router
from bot.core.types import Outgoing
from storage.models import Role
from tests.fakes.slack_api import Call, FakeSlack
from tests.fakes.slack_signing import signed_headers, slash_command_body
from tests.harness import Chat

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-ketenbot-test"

extra = CommandGroup("slacktest")


def not_in_past(day: date, ctx: Context) -> None:
    if day < ctx.clock.today():
        raise UserError("dates.bad_date", text=day.isoformat())


def save(values: dict[str, Any], ctx: Context) -> Reply:
    day = values["day"].isoformat()
    return Reply(f"opgeslagen: {values['name']} {day} {values['urgency']} {values['tags']} {values['knows']}")


FORM = extra.form(
    Form(
        id="slacktest.melding",
        title=t("help.title"),
        fields=[
            Field.text("name", t("help.ik"), max_length=20),
            Field.date("day", t("help.ik"), check=not_in_past),
            Field.choice("urgency", t("help.ik"), [Option("normaal", "normaal"), Option("acuut", "acuut")]),
            Field.multichoice("tags", t("help.ik"), [Option("jeugd", "jeugd"), Option("zorg", "zorg")]),
            Field.yesno("knows", t("help.ik")),
            Field.member("who", t("help.ik"), required=False),
            Field.integer("count", t("help.ik"), required=False),
            Field.longtext("note", t("help.ik"), required=False),
        ],
        on_submit=save,
    )
)


@extra.command("melding")
def start_form(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        replies = ctx.forms.start(FORM.id, ctx)
        uow.commit()
    return replies


@extra.command("kies")
def offer_choice(msg: Incoming, ctx: Context) -> Reply:
    buttons = [Button("slacktest.accept", "Ja <b>", "1"), Button("slacktest.accept", "Nee", "2")]
    return Reply("Neem je de regie? <!channel> & co", buttons=buttons)


@extra.action("slacktest.accept", roles=[Role.PROCESMANAGER])
def accept(msg: Incoming, ctx: Context) -> Reply:
    return Reply(f"gekozen: {msg.value}")


@extra.command("bijlage")
def attach_file(msg: Incoming, ctx: Context) -> Reply:
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    return Reply("Uitnodiging", file=FileAttachment("overleg.ics", data, "text/calendar"))


def test_router(chat: Chat) -> Router:
    app = chat.app
    return Router(
        [*GROUPS, extra],
        uow_factory=app.uow,
        clock=app.clock,
        catalogue=app.catalogue,
        config=app.router.config,
    )


@dataclass
class SlackBot:
    chat: Chat
    fake: FakeSlack
    adapter: SlackAdapter
    http: HttpServer
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return f"{self.http.base_url}/slack/events"

    async def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
        sent = headers if headers is not None else signed_headers(SECRET, body)
        async with self.session.post(self.url, data=body, headers=sent) as response:
            return response.status, await response.text()

    async def command(
        self, text: str, *, user: str, channel: str, command: str = "/ketenbot", **kwargs: Any
    ) -> tuple[int, str]:
        return await self.post(slash_command_body(command, text, user, channel, **kwargs))

    async def replies(self, channel: str, count: int = 1) -> list[str]:
        """Wait until ``count`` messages were posted to ``channel``; their texts."""
        fake = self.fake
        calls: list[Call] = await fake.wait_for(
            lambda: fake.posted(channel) if len(fake.posted(channel)) >= count else []
        )
        return [str(c.params.get("text")) for c in calls]

    async def join(self, user: str, name: str | None = None) -> None:
        """Onboard ``user`` (Slack user id) with the demo invite code, in their direct chat."""
        body = slash_command_body("/ketenbot", f"aanmelden {self.chat.invite_code}", user, f"D{user}")
        if name is not None:
            body = body.replace(f"user_name={user.lower()}".encode(), f"user_name={quote(name)}".encode())
        status, _ = await self.post(body)
        assert status == 200
        await self.replies(f"D{user}")
        self.fake.calls.clear()


@asynccontextmanager
async def running_bot(
    chat: Chat,
    *,
    wrap: Callable[[Callable[[Incoming], list[Outgoing]]], Any] | None = None,
    submit_deadline: float = 2.5,
) -> AsyncIterator[SlackBot]:
    """The adapter on a fresh HttpServer (127.0.0.1, port 0) against a fresh FakeSlack."""
    router = test_router(chat)
    chat.app.router = router
    handle = router.handle if wrap is None else wrap(router.handle)
    async with FakeSlack() as fake, aiohttp.ClientSession() as session:
        settings = SlackSettings(
            bot_token=TOKEN, signing_secret=SECRET, api_url=fake.api_url, submit_deadline=submit_deadline
        )
        adapter = SlackAdapter(handle, settings, chat.app.catalogue)

        async def healthy() -> dict[str, bool]:
            return {"slack": adapter.connected()}

        http = HttpServer("127.0.0.1", 0, metrics=Metrics(), health=healthy)
        adapter.attach(http)
        await http.start()
        await adapter.start()
        try:
            yield SlackBot(chat, fake, adapter, http, session)
        finally:
            await adapter.stop()
            await http.stop()


def now_ts() -> int:
    return int(time.time())
