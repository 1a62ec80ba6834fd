"""Slack benchmark: a bare Bolt app vs ketenbot, against the same fake Slack Web API, in the same run.

(a) bare Bolt: ``/ping`` -> ack() -> chat.postMessage("pong")
(b) ketenbot: ``/ketenbot regie CODE`` -> ack() -> router in a worker thread (identity, the case and its
    regie holders read, audit rows written) -> chat.postMessage (``--command ik`` for the lighter /ik)
(c) minimal: ketenbot's Slack adapter with ``bench.floor.MinimalRouter`` (one Core read, one audit row,
    no identity, need-to-know or i18n): the ceiling for any router that keeps the database off the loop
(d) canned: the adapter with a router that answers without a database (what the adapter itself costs
    next to bare Bolt)

Each side gets ``--commands`` signed slash commands over HTTP, ``--concurrency`` in flight, after a short
warm-up, sent by a load generator in its own process (``bench/slack_client.py``), so its work does not
count as the bot's ack latency. Printed: commands/s (until every reply reached the fake), ack p50/p99
(the HTTP response time, which is what Slack's 3-second deadline measures) and the ratio ketenbot / bare
Bolt.

    .venv/bin/python -m bench.slack [--commands 1000] [--concurrency 20] [--database URL] [--command ik]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from bench.dispatch import drop_postgres, fresh_postgres
from bench.floor import MinimalRouter, canned
from bot.adapters.slack.app import SlackAdapter, SlackSettings
from bot.app import build_app
from bot.config import Settings
from bot.core.http import HttpServer
from bot.core.metrics import Metrics
from bot.core.types import ChatKind, Incoming, Outgoing
from bot.demo.loader import load_demo
from storage import migrate
from tests.fakes.slack_api import FakeSlack

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
USERS = 20
BENCH_KEY = "bench:" + "A" * 43 + "="  # personal fields are encrypted: a throwaway key for fictional data
ORGANISATION = "GGZ Rivierland"  # a deelnemer (as an organisation) of the demo's first case


@dataclass
class Result:
    name: str
    commands: int
    seconds: float
    acks: list[float]

    @property
    def rate(self) -> float:
        return self.commands / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.acks)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<10} {self.commands:>5} commands in {self.seconds:6.2f} s = {self.rate:7.1f}/s   "
            f"ack p50 {self.percentile(50):6.1f} ms  p99 {self.percentile(99):6.1f} ms  "
            f"max {max(self.acks) * 1000:6.1f} ms"
        )


@asynccontextmanager
async def bare_bolt(fake: FakeSlack) -> AsyncIterator[str]:
    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=fake.api_url))

    @app.command("/ping")
    async def ping(ack: Any, say: Any) -> None:
        await ack()
        await say("pong")

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()


def prepare(database_url: str) -> str:
    """Schema, the fictional demo data, and USERS Slack users (members of an organisation that takes part
    in the demo's first case); returns that case's code."""
    migrate.upgrade(database_url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=database_url))  # type: ignore[call-arg]
    load_demo(app.uow(), app.clock.now())
    with app.uow() as uow:
        organisation = uow.organisations.by_name(ORGANISATION)
        assert organisation is not None and organisation.id is not None
        now = app.clock.now()
        for n in range(USERS):
            member = uow.members.add(f"Deelnemer {n}", organisation.id, ["partner"], at=now)
            assert member.id is not None
            uow.identities.link(
                member.id, "slack", f"U{n:04d}", display_name=None, direct_chat_id=f"DU{n:04d}", at=now
            )
        uow.commit()
    with app.engine.connect() as connection:
        code = str(connection.execute(text('SELECT code FROM "case" ORDER BY id LIMIT 1')).scalar_one())
    app.engine.dispose()
    return code


def time_router(database_url: str, command: str, count: int = 300) -> float:
    """Milliseconds per command through ``router.handle`` alone, sequentially (no Slack, no HTTP)."""
    app = build_app(Settings(KETENBOT_DATABASE_URL=database_url))  # type: ignore[call-arg]
    incoming = Incoming("slack", "DU0000", "U0000", ChatKind.DIRECT, text="/" + command)
    for _ in range(30):
        app.router.handle(incoming)
    started = time.perf_counter()
    for _ in range(count):
        app.router.handle(incoming)
    app.engine.dispose()
    return (time.perf_counter() - started) / count * 1000


@asynccontextmanager
async def ketenbot(fake: FakeSlack, database_url: str, code: str, stand_in: str = "") -> AsyncIterator[str]:
    """(b) the real router; with ``stand_in`` "minimal" or "canned" a ``bench.floor`` stand-in instead."""
    app = build_app(Settings(KETENBOT_DATABASE_URL=database_url))  # type: ignore[call-arg]
    settings = SlackSettings(bot_token=TOKEN, signing_secret=SECRET, api_url=fake.api_url)
    handle: Callable[[Incoming], list[Outgoing]] = app.router.handle
    if stand_in == "minimal":
        handle = MinimalRouter(app.engine, code)
    elif stand_in == "canned":
        handle = canned
    adapter = SlackAdapter(handle, settings, app.catalogue)

    async def healthy() -> dict[str, bool]:
        return {"slack": True}

    http = HttpServer("127.0.0.1", 0, metrics=Metrics(), health=healthy)
    adapter.attach(http)
    await http.start()
    await adapter.start()
    try:
        yield f"{http.base_url}/slack/events"
    finally:
        await adapter.stop()
        await http.stop()
        app.engine.dispose()


Slash = tuple[str, str]  # command and text, e.g. ("/ketenbot", "regie VH-2026-0001")


class PostCounter:
    """True once ``target`` chat.postMessage calls were recorded; counts incrementally (O(1) per call)."""

    def __init__(self, fake: FakeSlack, target: int) -> None:
        self.fake, self.target, self.seen, self.count = fake, target, 0, 0

    def __call__(self) -> bool:
        calls = self.fake.calls
        for call in calls[self.seen :]:
            self.count += call.method == "chat.postMessage"
        self.seen = len(calls)
        return self.count >= self.target


async def drive(
    name: str, url: str, fake: FakeSlack, slash: Slash, commands: int, concurrency: int
) -> Result:
    """Send ``commands`` signed slash commands from a separate process (``bench.slack_client``), so the load
    generator's own work does not sit on the bot's event loop and count as ack latency; wait until every
    reply reached the fake."""
    baseline = len(fake.called("chat.postMessage"))
    args = [url, SECRET, slash[0], slash[1], str(commands), str(concurrency), str(USERS)]
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.slack_client", *args, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await client.communicate()
    if client.returncode != 0:
        raise RuntimeError(f"{name}: load generator failed ({client.returncode})")
    sent = json.loads(output)
    if sent["errors"]:
        raise RuntimeError(f"{name}: HTTP {sorted(set(sent['errors']))}")
    await fake.wait_for(PostCounter(fake, baseline + commands), timeout=120)
    seconds = time.monotonic() - sent["began"]  # monotonic: one clock for both processes
    ok = len(fake.posted()) - baseline
    if ok != commands:
        methods = sorted({(c.method, c.status, str(c.response.get("error"))) for c in fake.calls})
        raise RuntimeError(f"{name}: {ok} replies for {commands} commands; calls: {methods}")
    return Result(name, commands, seconds, list(sent["acks"]))


async def run_side(
    name: str,
    server: Callable[[FakeSlack], Any],
    slash: Slash,
    commands: int,
    concurrency: int,
) -> Result:
    async with FakeSlack() as fake, server(fake) as url:
        await drive(name, url, fake, slash, min(100, commands), concurrency)  # warm-up
        fake.calls.clear()
        result = await drive(name, url, fake, slash, commands, concurrency)
        # the fake records a post before it answers: let the last answers reach the adapter before it
        # closes its session (else slack-sdk retries them into a closed session and logs errors)
        await asyncio.sleep(0.5)
        return result


async def main(commands: int, concurrency: int, database_url: str | None, rounds: int, command: str) -> None:
    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", BENCH_KEY)

    scratch = f"ketenbot_bench_slack_{secrets.token_hex(3)}"
    with tempfile.TemporaryDirectory() as tmp:
        # --database names a server: the benchmark works in a scratch database on it, dropped at the end
        url = fresh_postgres(database_url, scratch) if database_url else f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(f"{commands} signed slash commands, {concurrency} in flight, database {url.split(':')[0]}")
        try:
            await compare(url, commands, concurrency, rounds, command)
        finally:
            if database_url:
                drop_postgres(database_url, scratch)


async def compare(url: str, commands: int, concurrency: int, rounds: int, command: str) -> None:
    code = prepare(url)
    ping, ours_body = ("/ping", ""), ("/ketenbot", command.replace("CODE", code))
    best: dict[str, Result] = {}
    for round_ in range(1, rounds + 1):  # interleaved, so both sides see the same machine noise
        bare = await run_side("bare Bolt", bare_bolt, ping, commands, concurrency)
        ours = await run_side(
            "ketenbot", lambda fake: ketenbot(fake, url, code), ours_body, commands, concurrency
        )
        minimal = await run_side(
            "minimal", lambda fake: ketenbot(fake, url, code, "minimal"), ours_body, commands, concurrency
        )
        noop = await run_side(
            "canned", lambda fake: ketenbot(fake, url, code, "canned"), ours_body, commands, concurrency
        )
        print(f"round {round_}")
        for result in (bare, ours, minimal, noop):
            print("  " + result.line())
        for result in (bare, ours, minimal, noop):
            if result.name not in best or result.rate > best[result.name].rate:
                best[result.name] = result
    router_ms = time_router(url, command.replace("CODE", code))
    bare, ours, minimal, noop = best["bare Bolt"], best["ketenbot"], best["minimal"], best["canned"]
    print(f"best of {rounds}: ratio ketenbot / bare Bolt {ours.rate / bare.rate:.2f}x (target >= 0.75x)")
    print("the ceiling, the same adapter with a stand-in router (bench/floor.py), best of each:")
    print(f"  (c) one Core read + one audit row / bare Bolt {minimal.rate / bare.rate:.2f}x")
    print(f"  (d) canned answer, no database / bare Bolt {noop.rate / bare.rate:.2f}x")
    p50, p99 = ours.percentile(50), ours.percentile(99)
    print(f"ketenbot ack p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 < 300 ms)")
    print(f"router.handle alone (/{command}, sequential, no Slack): {router_ms:.2f} ms per command")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database",
        default=None,
        help="a Postgres server's URL: works in a scratch database on it (default SQLite)",
    )
    parser.add_argument("--command", default="regie CODE", help="the /ketenbot subcommand (CODE: a case)")
    arguments = parser.parse_args()
    a = arguments
    asyncio.run(main(a.commands, a.concurrency, a.database, a.rounds, a.command))
