"""Footprint of ``ketenbot run`` with Telegram and Slack configured (issue 18, item 5).

    .venv/bin/python -m bench.footprint [--idle 5] [--runs 3]

A SQLite file with the schema, the demo and one member linked to a Telegram user; a fake Bot API and a
fake Slack Web API (tests/fakes) in this process. A ``/ik`` update is queued in the fake before the bot
starts; then ``ketenbot run`` starts as its own process (long polling, the Slack adapter in HTTP mode on a
free port, the dispatcher and its scheduler: what an operator runs). Measured: from spawning the process
to its answer arriving at the fake (start to first answer; target < 3 s), and its resident set size after
``--idle`` seconds without traffic (``VmRSS`` from /proc; target < 120 MB). The best of ``--runs`` runs
is reported for the start, the largest RSS for the footprint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load_support import BENCH_KEY
from bot.app import build_app
from bot.config import Settings
from bot.demo.loader import load_demo
from storage import migrate
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:FOOTPRINT"
USER = 424242


@dataclass
class Footprint:
    first_answer_s: float
    idle_rss_mb: float


def prepare(directory: Path) -> str:
    url = f"sqlite:///{directory / 'footprint.db'}"
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", BENCH_KEY)
    migrate.upgrade(url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
    now = app.clock.now()
    load_demo(app.uow(), now)
    with app.uow() as uow:
        member = uow.members.by_handle("@wijkagent")
        if member is None:
            member = next(m for m in uow.members.list_all() if m.active)
        assert member.id is not None
        uow.identities.link(
            member.id, "telegram", str(USER), display_name=None, direct_chat_id=str(USER), at=now
        )
        uow.commit()
    app.engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def one_run(url: str, directory: Path, idle: float) -> Footprint:
    async with FakeTelegram(token=TOKEN) as telegram, FakeSlack() as slack:
        await telegram.push_message(USER, USER, "/ik")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_", "KETENBOT_"))},
            "KETENBOT_DATABASE_URL": url,
            "KETENBOT_ENCRYPTION_KEY": os.environ["KETENBOT_ENCRYPTION_KEY"],
            "KETENBOT_HTTP_PORT": str(free_port()),
            "KETENBOT_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": telegram.base_url,
            "SLACK_BOT_TOKEN": "xoxb-footprint",
            "SLACK_SIGNING_SECRET": "footprint-secret",
            "SLACK_API_URL": slack.api_url,
        }
        ketenbot = Path(sys.executable).parent / "ketenbot"
        started = time.monotonic()
        process = subprocess.Popen(
            [str(ketenbot), "run"], env=env, cwd=directory, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            await telegram.wait_until(lambda: bool(telegram.send_times), timeout=60)
            first = telegram.send_times[0][0] - started
            await asyncio.sleep(idle)  # a bench, not a test: let it settle into idle
            if process.poll() is not None:
                raise RuntimeError(
                    f"ketenbot run stopped: {process.stderr.read() if process.stderr else ''!r}"
                )
            rss = rss_mb(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    answers = [c.params.get("text", "") for c in telegram.calls if c.method == "sendMessage"]
    assert answers, "no answer"
    return Footprint(first, rss)


async def measure(idle: float = 5.0, runs: int = 3) -> Footprint:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url = await asyncio.to_thread(prepare, directory)
        results = [await one_run(url, directory, idle) for _ in range(runs)]
    for number, result in enumerate(results, 1):
        print(
            f"  run {number}: first answer {result.first_answer_s:.2f} s, "
            f"idle RSS {result.idle_rss_mb:.1f} MB"
        )
    return Footprint(min(r.first_answer_s for r in results), max(r.idle_rss_mb for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = asyncio.run(measure(args.idle, args.runs))
    print(f"start to first answer: {result.first_answer_s:.2f} s (best of {args.runs}; target < 3 s)")
    print(f"idle RSS: {result.idle_rss_mb:.1f} MB (largest; target < 120 MB)")


if __name__ == "__main__":
    main()
