"""The runs of ``bench/load.py``: one ketenbot process (the real adapters and router) or the bare baseline
against the fake platforms, a command offer at a fixed rate (open loop, a morning's mix), and the
throughput of ``/regie CODE`` with many at once."""

from __future__ import annotations

import asyncio
import gc
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.baseline import bare_bolt, bare_ptb
from bench.floor import PlainRegie
from bench.load_support import (
    HookedCalls,
    Latency,
    Member,
    Scratch,
    Tracker,
    ticks,
)
from bench.slack import SECRET as SLACK_SECRET
from bench.slack import drive as slack_drive
from bot.adapters.slack.app import SlackAdapter, SlackSettings
from bot.adapters.telegram.app import TelegramAdapter
from bot.adapters.telegram.markup import encode_callback
from bot.app import App, build_app
from bot.config import Settings
from bot.core.http import HttpServer
from bot.core.metrics import Metrics
from bot.core.pacing import TELEGRAM_LIMITS, Limits
from bot.core.types import Incoming
from bot.runtime import command_menu, settle_heap
from handlers.signals.triage import DECIDE
from storage.db import make_engine
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signing import block_actions_body, signed_headers, slash_command_body
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:LOAD"
SLACK_TOKEN = "xoxb-load"
SECRET = SLACK_SECRET  # bench.slack_client signs with it
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MIX = ("regie", "mijn", "casus", "regie", "press", "casus", "regie", "mijn", "step", "regie")
REASON = "Geen aanleiding voor het casusoverleg"


# -- the platforms -------------------------------------------------------------------------------------


@dataclass
class Platforms:
    telegram: FakeTelegram
    slack: FakeSlack
    slack_url: str  # where the Slack side (ketenbot or bare Bolt) takes requests
    session: aiohttp.ClientSession
    tracker: Tracker


@asynccontextmanager
async def fakes(tracker: Tracker) -> AsyncIterator[tuple[FakeTelegram, FakeSlack]]:
    async with FakeTelegram(token=TOKEN) as telegram, FakeSlack() as slack:
        telegram.calls = HookedCalls(tracker.telegram_call)
        slack.calls = HookedCalls(tracker.slack_call)
        yield telegram, slack


@asynccontextmanager
async def ketenbot(
    url: str,
    telegram: FakeTelegram,
    slack: FakeSlack,
    *,
    paced: bool,
    slots: int = 1,
    plain_router: bool = False,
) -> AsyncIterator[tuple[App, str]]:
    """The real adapters and router of one ketenbot process; yields the app and the Slack events URL.
    ``plain_router``: ``/regie CODE`` answered by the baseline's plain SQL instead of the router (the
    "adapters" side: what the adapters alone cost next to the bare libraries)."""
    app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
    handle = PlainRegie(app.engine, app.router.handle) if plain_router else app.router.handle
    adapter = TelegramAdapter(
        handle,
        token=TOKEN,
        metrics=app.router.metrics,
        commands=command_menu(app),
        base_url=telegram.base_url,
        limits=TELEGRAM_LIMITS if paced else Limits(),  # Limits(): the benchmark-only "pacer lifted"
        poll_timeout=1,
        concurrent_updates=slots,  # updates in the router at once (the adapter's default is 1)
    )
    settings = SlackSettings(bot_token=SLACK_TOKEN, signing_secret=SECRET, api_url=slack.api_url)
    slack_adapter = SlackAdapter(handle, settings, app.catalogue)

    async def healthy() -> dict[str, bool]:
        return {"slack": True}

    http = HttpServer("127.0.0.1", 0, metrics=Metrics(), health=healthy)
    slack_adapter.attach(http)
    await http.start()
    await adapter.start()
    await slack_adapter.start()
    settle_heap()  # as `ketenbot run` does once started
    try:
        yield app, f"{http.base_url}/slack/events"
    finally:
        gc.unfreeze()
        await slack_adapter.stop()
        await adapter.stop()
        await http.stop()
        app.engine.dispose()


# -- offering commands ---------------------------------------------------------------------------------


class Offer:
    """Sends one command of a kind for a member, and remembers who owes a form step."""

    def __init__(self, platforms: Platforms, code: str, signals: list[int]) -> None:
        self.p = platforms
        self.code = code
        self.signals = iter(signals)
        self.owes_step: set[str] = set()
        self.errors: list[str] = []

    def words(self, kind: str) -> str:
        return {"regie": f"regie {self.code}", "mijn": "mijn", "casus": f"casus {self.code}"}[kind]

    async def __call__(self, member: Member, kind: str) -> None:
        tracker = self.p.tracker
        if member.platform == "telegram":
            user = int(member.user)
            tracker.send(member, kind)
            if kind == "press":
                self.owes_step.add(member.key)
                data = encode_callback(DECIDE, f"{next(self.signals)}:afgewezen")
                await self.p.telegram.push_callback(user, user, 1, data)
            elif kind == "step":
                self.owes_step.discard(member.key)
                await self.p.telegram.push_message(user, user, REASON)
            else:
                await self.p.telegram.push_message(user, user, "/" + self.words(kind))
            return
        if kind == "press":
            trigger = secrets.token_hex(8)
            tracker.aliases[trigger] = member.key
            value = f"{next(self.signals)}:afgewezen"
            body = block_actions_body(member.user, member.chat, DECIDE, value, trigger_id=trigger)
        else:
            body = slash_command_body("/ketenbot", self.words(kind), member.user, member.chat)
        tracker.send(member, kind)
        async with self.p.session.post(
            self.p.slack_url, data=body, headers=signed_headers(SECRET, body)
        ) as response:
            await response.read()
            if response.status != 200:
                self.errors.append(f"slack HTTP {response.status}")

    def pick(self, members: list[Member], platform: str, kind: str, turn: int) -> tuple[Member, str] | None:
        """An idle member of ``platform`` who can do ``kind`` (the kind may change: Slack's form step is a
        modal, so there it becomes /mijn; a step nobody owes becomes a press)."""
        if kind == "step" and platform == "slack":
            kind = "mijn"
        if kind == "step" and not any(m.startswith(platform) for m in self.owes_step):
            kind = "press"
        candidates = [m for m in members if m.platform == platform and not self.p.tracker.busy(m)]
        if kind == "step":
            candidates = [m for m in candidates if m.key in self.owes_step]
        elif kind == "press":
            candidates = [m for m in candidates if m.procesmanager and m.key not in self.owes_step]
        if not candidates and kind in ("step", "press"):  # every procesmanager busy: keep the rate up
            return self.pick(members, platform, "mijn", turn)
        if not candidates:
            return None
        return candidates[turn % len(candidates)], kind


async def offer(
    send: Callable[[Member, str], Coroutine[Any, Any, None]],
    pick: Callable[[int], tuple[Member, str] | None],
    tracker: Tracker,
    rate: float,
    duration: float,
) -> tuple[int, float]:
    """Offer commands at ``rate``/s for ``duration`` s (open loop); returns (skipped, seconds)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    skipped = 0
    tasks: set[asyncio.Task[None]] = set()
    for turn, at in enumerate(ticks(rate, duration)):
        delay = started + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        chosen = pick(turn)
        if chosen is None:
            skipped += 1
            continue
        task = asyncio.create_task(send(*chosen))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    if tracker.waiting:
        await asyncio.wait_for(tracker.idle.wait(), timeout=30)
    return skipped, loop.time() - started


# -- the runs ------------------------------------------------------------------------------------------


@dataclass
class MixResult:
    overall: Latency
    by_platform: dict[str, Latency]
    by_kind: dict[str, Latency]
    offered: int
    skipped: int
    seconds: float
    errors: list[str]


async def mixed_load(
    scratch: Scratch, rate: float, duration: float, paced: bool = True, slots: int = 1
) -> MixResult:
    tracker = Tracker()
    async with (
        fakes(tracker) as (telegram, slack),
        ketenbot(scratch.url, telegram, slack, paced=paced, slots=slots) as (
            _app,
            slack_url,
        ),
        aiohttp.ClientSession() as session,
    ):
        platforms = Platforms(telegram, slack, slack_url, session, tracker)
        offer_ = Offer(platforms, scratch.code, scratch.signals)
        members = scratch.members

        def pick(turn: int) -> tuple[Member, str] | None:
            platform = "telegram" if turn % 2 == 0 else "slack"
            return offer_.pick(members, platform, MIX[(turn // 2) % len(MIX)], turn // 2)

        await warm_up(offer_, members)
        tracker.samples.clear()
        skipped, seconds = await offer(offer_, pick, tracker, rate, duration)
        answers = [c for c in telegram.calls if c.method == "sendMessage"]
        wrong = [c.params["text"] for c in answers if "ging iets mis" in c.params["text"]]
        errors = offer_.errors + [f"error reply: {w[:80]}" for w in wrong[:3]]
    samples = tracker.samples
    return MixResult(
        Latency.of([s for _, _, s in samples]),
        {p: Latency.of([s for q, _, s in samples if q == p]) for p in ("telegram", "slack")},
        {k: Latency.of([s for _, q, s in samples if q == k]) for k in sorted({k for _, k, _ in samples})},
        tracker.sent,
        skipped,
        seconds,
        errors,
    )


async def warm_up(offer_: Offer, members: list[Member]) -> None:
    """One command per platform first (connections, caches, PTB's first poll): not measured."""
    for platform in ("telegram", "slack"):
        member = next(m for m in members if m.platform == platform and not m.procesmanager)
        await offer_(member, "regie")
    await asyncio.wait_for(offer_.p.tracker.idle.wait(), timeout=30)


@dataclass
class SideResult:
    name: str
    samples: list[float]
    throughput: float

    @property
    def latency(self) -> Latency:
        return Latency.of(self.samples)

    def merge(self, other: SideResult) -> SideResult:
        """Two rounds of one side: the latency samples pooled, the better throughput."""
        return SideResult(self.name, self.samples + other.samples, max(self.throughput, other.throughput))


async def regie_side(
    name: str,
    scratch: Scratch,
    platform: str,
    rate: float,
    duration: float,
    throughput_n: int,
    slots: int = 1,
) -> SideResult:
    """/regie CODE only, on one platform: latency at ``rate``, then throughput (pacer lifted)."""
    tracker = Tracker()
    async with fakes(tracker) as (telegram, slack), serving(name, scratch.url, telegram, slack, slots) as url:
        async with aiohttp.ClientSession() as session:
            platforms = Platforms(telegram, slack, url, session, tracker)
            offer_ = Offer(platforms, scratch.code, [])
            members = [m for m in scratch.members if m.platform == platform]

            def pick(turn: int) -> tuple[Member, str] | None:
                return offer_.pick(members, platform, "regie", turn)

            await warm_up_one(offer_, members[1])
            tracker.samples.clear()
            await offer(offer_, pick, tracker, rate, duration)
            samples = [s for _, _, s in tracker.samples]
        rate_ = await saturate(platform, scratch, telegram, slack, url, throughput_n)
        # the fake records a post before it answers: let the last answers reach the bot before it closes
        # its HTTP session (else slack-sdk retries them into a closed session and logs errors)
        await asyncio.sleep(0.5)
    return SideResult(name, samples, rate_)


def touch_all(scratch: Scratch, platform: str) -> None:
    """One ``/regie CODE`` per member through ketenbot's router before the measured rounds: the router
    records an identity's "last used" time (an UPDATE and a commit) at most once per 5 minutes, so
    without this the first round of each side pair paid it for up to 100 members and later rounds not."""
    app = build_app(Settings(KETENBOT_DATABASE_URL=scratch.url))  # type: ignore[call-arg]
    try:
        for member in scratch.members:
            if member.platform == platform:
                chat = member.chat
                app.router.handle(Incoming(platform, chat, member.user, text=f"/regie {scratch.code}"))
    finally:
        app.engine.dispose()


async def warm_up_one(offer_: Offer, member: Member) -> None:
    await offer_(member, "regie")
    await asyncio.wait_for(offer_.p.tracker.idle.wait(), timeout=30)


async def saturate(
    platform: str, scratch: Scratch, telegram: FakeTelegram, slack: FakeSlack, url: str, n: int
) -> float:
    """Commands/s with ``n`` /regie CODE at once: queued updates (Telegram), 20 in flight (Slack)."""
    if platform == "telegram":
        users = [int(m.user) for m in scratch.members if m.platform == "telegram"]
        before = len(telegram.send_times)
        started = time.monotonic()
        for index in range(n):
            user = users[index % len(users)]
            await telegram.push_message(user, user, f"/regie {scratch.code}")
        await telegram.wait_until(lambda: len(telegram.send_times) >= before + n, timeout=600)
        return n / (telegram.send_times[before + n - 1][0] - started)
    result = await slack_drive("side", url, slack, ("/ketenbot", f"regie {scratch.code}"), n, 20)
    return result.rate


@asynccontextmanager
async def serving(
    name: str, url: str, telegram: FakeTelegram, slack: FakeSlack, slots: int = 1
) -> AsyncIterator[str]:
    """The side under test: "bare" (PTB + Bolt, plain SQL), "ketenbot" (pacer lifted) or "adapters"
    (ketenbot's adapters, pacer lifted, with the plain SQL as router); yields the Slack events URL."""
    if name in ("ketenbot", "adapters"):
        plain = name == "adapters"
        async with ketenbot(url, telegram, slack, paced=False, slots=slots, plain_router=plain) as served:
            yield served[1]
        return
    engine = make_engine(url)
    try:
        async with (
            bare_ptb(engine, TOKEN, telegram.base_url),
            bare_bolt(engine, SECRET, SLACK_TOKEN, slack.api_url) as slack_url,
        ):
            # the collector is the process's: the baseline runs with the start-up heap frozen too, so a
            # full collection over the bench's own objects cannot land in one side's rounds only
            settle_heap()
            try:
                yield slack_url
            finally:
                gc.unfreeze()
    finally:
        engine.dispose()
