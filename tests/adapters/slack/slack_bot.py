"""The real ketenbot behind the real Slack adapter on the bot's HTTP server, talking to FakeSlack.

Requests are signed like Slack signs them and POSTed to ``/slack/events``; effects are awaited on the
fake (``wait_for``), never slept for. A few test-only commands (a form, buttons, a file) show the adapter's
rendering without depending on capabilities that live on other branches.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.adapters.slack.app import SlackAdapter, SlackSettings
from bot.adapters.slack.forms import CALLBACK_ID
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
from bot.core.access import NO_TARGET
from bot.core.http import HttpServer
from bot.core.metrics import Metrics
from bot.core.router import Router
from bot.core.types import Outgoing
from storage.models import Role
from storage.replay import first_time
from tests.fakes.slack_api import Call, FakeSlack
from tests.fakes.slack_signing import (
    block_actions_body,
    event_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)
from tests.harness import Chat

Answers = Mapping[str, str | list[str]]  # a modal filled in: block id -> option value(s) or text
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
        target=NO_TARGET,
    )
)


@extra.command("melding", target=NO_TARGET)
def start_form(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        replies = ctx.forms.start(FORM.id, ctx)
        uow.commit()
    return replies


@extra.command("kies", target=NO_TARGET)
def offer_choice(msg: Incoming, ctx: Context) -> Reply:
    buttons = [Button("slacktest.accept", "Ja <b>", "1"), Button("slacktest.accept", "Nee", "2")]
    return Reply("Neem je de regie? <!channel> & co", buttons=buttons)


@extra.action("slacktest.accept", roles=[Role.PROCESMANAGER], target=NO_TARGET)
def accept(msg: Incoming, ctx: Context) -> Reply:
    return Reply(f"gekozen: {msg.value}")


@extra.command("bijlage", target=NO_TARGET)
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

    def link(self, handle: str, user: str) -> None:
        """Give a demo member (console handle) a Slack identity too, as a second platform; used a second
        after the console one, so it is the member's preferred identity (where the outbox reaches them)."""
        self.chat.clock.advance(timedelta(seconds=1))
        with self.chat.app.uow() as uow:
            member = uow.members.by_handle(handle)
            assert member is not None and member.id is not None
            uow.identities.link(
                member.id, "slack", user, display_name=handle, direct_chat_id=None, at=self.chat.clock.now()
            )
            uow.commit()

    async def deliver_outbox(self) -> int:
        """One dispatcher tick through the Slack sender (what ``ketenbot run`` does every few seconds).
        A send that outlasts the dispatcher's patience (paced, or a busy machine) finishes in the
        background: it lands before this returns, so the test sees it."""
        dispatcher = self.chat.app.dispatcher({"slack": self.adapter.sender})
        sent = await dispatcher.tick()
        await dispatcher.settle()
        return sent

    async def press(
        self, user: str, message: Call, action_id: str, value: str, *, hint: bool = False
    ) -> Call:
        """Press the button (``action_id``, ``value``) on a message the bot posted; the chat.update
        it caused (or the chat.postEphemeral of a refusal; with ``hint`` the chat.postMessage of a reply
        that leaves the pressed message alone).
        Slack sends the pressed message along as the bot posted it (``message``: an older
        copy of it when the test keeps one, as a person whose screen was not refreshed yet)."""
        [button] = [b for b in buttons_of(message) if (b["action_id"], b.get("value")) == (action_id, value)]
        channel, ts = str(message.response["channel"]), str(message.response["ts"])
        before = len(self.fake.calls)
        body = block_actions_body(
            user,
            channel,
            button["action_id"],
            value,
            message_ts=ts,
            message_text=str(message.params.get("text") or ""),
            message_blocks=list(message.params.get("blocks") or []),
            label=str(button["text"]["text"]),
        )
        status, _ = await self.post(body)
        assert status == 200
        # the pressed message updated, or (a refused press changes nothing) a note only the presser sees,
        # or (``hint``: a press that only asks something) a new message in the same chat

        def answer(call: Call) -> bool:
            if hint:
                return call.method == "chat.postMessage" and call.params.get("channel") == channel
            return call.method in ("chat.update", "chat.postEphemeral")

        calls = await self.fake.wait_for(lambda: [c for c in self.fake.calls[before:] if answer(c)])
        return calls[0]

    async def press_modal(self, user: str, message: Call, action_id: str, value: str) -> dict[str, Any]:
        """Press a button that opens a form; the modal's view (opened with the press's trigger id)."""
        [button] = [b for b in buttons_of(message) if (b["action_id"], b.get("value")) == (action_id, value)]
        before = len(self.fake.views("open"))
        body = block_actions_body(
            user,
            str(message.response["channel"]),
            button["action_id"],
            value,
            message_ts=str(message.response["ts"]),
            message_text=str(message.params.get("text") or ""),
            message_blocks=list(message.params.get("blocks") or []),
            label=str(button["text"]["text"]),
        )
        status, _ = await self.post(body)
        assert status == 200
        opened = await self.fake.wait_for(lambda: self.fake.views("open")[before:])
        view: dict[str, Any] = opened[0].params["view"]
        return view

    async def modal(self, text: str, *, user: str, channel: str) -> dict[str, Any]:
        """Run a command that opens a form; the modal's view (opened with the command's trigger id)."""
        before = len(self.fake.views("open"))
        status, _ = await self.command(text, user=user, channel=channel)
        assert status == 200
        opened = await self.fake.wait_for(lambda: self.fake.views("open")[before:])
        view: dict[str, Any] = opened[0].params["view"]
        return view

    async def submit(self, user: str, view: dict[str, Any], answers: Answers) -> str:
        """Submit the modal filled in with ``answers``; Slack's answer body ("" closes the modal)."""
        body = view_submission_body(user, CALLBACK_ID, view["private_metadata"], fill(view, answers))
        status, text = await self.post(body)
        assert status == 200
        return text

    async def open_home(self, user: str) -> dict[str, Any]:
        """The ``app_home_opened`` event; the view the bot published for ``user``."""
        before = len(self.fake.views("publish"))
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": f"D{user}",
            "tab": "home",
            "event_ts": "1.1",
        }
        status, _ = await self.post(event_body(event))
        assert status == 200
        return await self.home_published(user, after=before)

    async def home_published(self, user: str, *, after: int) -> dict[str, Any]:
        """The first App Home published for ``user`` after the ``after``-th views.publish call."""
        calls = await self.fake.wait_for(
            lambda: [c for c in self.fake.views("publish")[after:] if c.params["user_id"] == user]
        )
        view: dict[str, Any] = calls[0].params["view"]
        return view

    async def join(self, user: str, name: str | None = None) -> None:
        """Onboard ``user`` (Slack user id) with the demo invite code, in their direct chat."""
        body = slash_command_body("/ketenbot", f"aanmelden {self.chat.invite_code}", user, f"D{user}")
        name = name or f"Collega {user}"  # a handle such as "u200" has one letter: no name (two or more)
        if name:
            body = body.replace(f"user_name={user.lower()}".encode(), f"user_name={quote(name)}".encode())
        before = len(self.fake.views("open"))
        status, _ = await self.post(body)
        assert status == 200
        # the name is asked (a modal): "ja" takes the profile's name, which must pass as a name
        opened = await self.fake.wait_for(lambda: self.fake.views("open")[before:])
        published = len(self.fake.views("publish"))
        answered = await self.submit(user, opened[0].params["view"], {"name": "ja"})
        assert answered == "", answered
        await self.replies(f"D{user}")
        await self.home_published(user, after=published)  # a submitted modal re-publishes the App Home
        self.fake.calls.clear()


def current(fake: FakeSlack, message: Call) -> Call:
    """The latest version of a posted message: its last chat.update, else the post itself."""
    channel, ts = message.response["channel"], message.response["ts"]
    updates = [
        c for c in fake.called("chat.update") if (c.params["channel"], c.params["ts"]) == (channel, ts)
    ]
    return updates[-1] if updates else message


def buttons_of(message: Call) -> list[dict[str, Any]]:
    """The Block Kit buttons of a chat.postMessage / chat.update call."""
    blocks = message.params.get("blocks") or []
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def fill(view: dict[str, Any], answers: Answers) -> dict[str, Any]:
    """``view.state.values`` for a modal the bot opened, as a person filling it in: each answer goes into
    the widget of its block (selects take option values, date pickers ISO dates); unanswered blocks empty."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        answer = answers.get(block["block_id"], initial_answer(element))
        kind = element["type"]
        options = {o["value"] for o in element.get("options", [])}
        state: dict[str, Any] = {"type": kind}
        if kind == "multi_static_select":
            chosen = list(answer or [])
            assert set(chosen) <= options, (block["block_id"], chosen, options)
            state["selected_options"] = [{"value": v} for v in chosen]
        elif kind in ("static_select", "radio_buttons"):
            assert answer is None or answer in options, (block["block_id"], answer, options)
            state["selected_option"] = {"value": answer} if answer else None
        elif kind == "datepicker":
            state["selected_date"] = answer
        elif kind == "users_select":
            state["selected_user"] = answer
        else:
            state["value"] = answer
        values[block["block_id"]] = {element["action_id"]: state}
    assert set(answers) <= set(values), set(answers) - set(values)
    return values


def initial_answer(element: dict[str, Any]) -> str | list[str] | None:
    """What Slack submits for a widget the person left as the bot filled it in."""
    if "initial_options" in element:
        return [str(o["value"]) for o in element["initial_options"]]
    if "initial_option" in element:
        return str(element["initial_option"]["value"])
    found = element.get("initial_value", element.get("initial_date"))
    return None if found is None else str(found)


def home_text(view: dict[str, Any]) -> str:
    """All section texts of an App Home view, one per line."""
    return "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")


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
        adapter = SlackAdapter(
            handle, settings, chat.app.catalogue, replay_guard=partial(first_time, chat.app.engine)
        )

        async def healthy() -> dict[str, bool]:
            return {"slack": adapter.connected()}

        http = HttpServer("127.0.0.1", 0, metrics=Metrics(), health=healthy)
        adapter.attach(http)
        await http.start()
        await adapter.start()
        fake.calls.clear()  # the start's token check (auth.test): tests look at what their requests cause
        try:
            yield SlackBot(chat, fake, adapter, http, session)
        finally:
            await adapter.stop()
            await http.stop()


def now_ts() -> int:
    return int(time.time())
