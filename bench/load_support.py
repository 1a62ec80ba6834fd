"""Shared pieces of ``bench/load.py``: the scratch database with 200 members, the reply tracker hooked into
the fake platforms, and the open-loop driver that offers commands at a fixed rate.

Latency is measured from the moment the update is handed to the platform (a Telegram update queued in the
fake Bot API, a signed Slack request sent) to the moment the reply arrives at the fake (its arrival time,
``time.monotonic``). A member has at most one command waiting at a time, so the first reply to a member's
chat after their command is the answer to it.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.dispatch import drop_postgres, fresh_postgres
from bot.app import App, build_app
from bot.config import Settings
from bot.core.types import Incoming
from bot.demo.loader import load_demo
from storage import migrate
from storage.models import Role

BENCH_KEY = "bench:" + "A" * 43 + "="  # personal fields are encrypted: a throwaway key for fictional data
ORGANISATION = "GGZ Rivierland"  # a deelnemer (as an organisation) of the demo's first case
FIRST_TG = 100_000
THINK = 2.0  # seconds a member takes at least between an answer and their next command
PROCESMANAGER_EVERY = 10  # one member in ten is a procesmanager (they triage)

TELEGRAM_REPLIES = frozenset({"sendMessage", "editMessageText", "sendDocument"})
SLACK_REPLIES = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open"})


@dataclass(frozen=True)
class Member:
    platform: str  # "telegram" | "slack"
    index: int

    @property
    def user(self) -> str:
        return str(FIRST_TG + self.index) if self.platform == "telegram" else f"U{self.index:04d}"

    @property
    def chat(self) -> str:
        return self.user if self.platform == "telegram" else f"DU{self.index:04d}"

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat}"

    @property
    def procesmanager(self) -> bool:
        return self.index % PROCESMANAGER_EVERY == 0


@dataclass
class Scratch:
    url: str
    code: str
    members: list[Member]
    signals: list[int]
    drop: Callable[[], None]


def scratch_database(backend: str, directory: Path, members: int, signals: int) -> Scratch:
    """A fresh database (SQLite file, or a scratch database on the Postgres server ``backend``): the demo,
    ``members`` members (half on Telegram, half on Slack, every tenth a procesmanager) in an organisation
    that takes part in the demo's first case, and ``signals`` new signals waiting for triage."""
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", BENCH_KEY)
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'load.db'}"

        def drop() -> None:
            return None

    else:
        name = f"ketenbot_bench_load_{secrets.token_hex(3)}"
        url = fresh_postgres(backend, name)

        def drop() -> None:
            drop_postgres(backend, name)

    migrate.upgrade(url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
    now = app.clock.now()
    load_demo(app.uow(), now)
    people = [Member("telegram" if i % 2 == 0 else "slack", i // 2) for i in range(members)]
    with app.uow() as uow:
        organisation = uow.organisations.by_name(ORGANISATION)
        assert organisation is not None and organisation.id is not None
        for person in people:
            roles = ["partner", Role.PROCESMANAGER] if person.procesmanager else ["partner"]
            added = uow.members.add(f"Deelnemer {person.key}", organisation.id, roles, at=now)
            assert added.id is not None
            uow.identities.link(
                added.id, person.platform, person.user, display_name=None, direct_chat_id=person.chat, at=now
            )
        uow.commit()
    with app.engine.connect() as connection:
        code = str(connection.execute(text('SELECT code FROM "case" ORDER BY id LIMIT 1')).scalar_one())
    reporter = people[0]
    for number in range(signals):
        submit_signal(app, reporter, number)
    with app.engine.connect() as connection:
        new = [int(r[0]) for r in connection.execute(text("SELECT id FROM signal WHERE status = 'new'"))]
    app.engine.dispose()
    return Scratch(url, code, people, sorted(new), drop)


def submit_signal(app: App, member: Member, number: int) -> None:
    values = {
        "name": f"Bench Persoon {number}",
        "birth_date": f"{1 + number % 28:02d}-0{1 + number % 9}-19{60 + number % 40}",
        "others": "",
        "gemeente": "Waterdam",
        "categories": "overlast",
        "urgency": "normaal",
        "description": f"Fictief bench-signaal {number}",
        "informed": "nee",
    }
    incoming = Incoming(member.platform, member.chat, member.user, form_id="signaal.new", form_values=values)
    out = app.router.handle(incoming)
    assert out and "referentie" in out[0].text, out


@dataclass
class Waiting:
    kind: str
    sent_at: float


@dataclass
class Tracker:
    """Pairs each command with the first reply to the member's chat at the fake."""

    waiting: dict[str, Waiting] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # a trigger id -> the member's key
    samples: list[tuple[str, str, float]] = field(default_factory=list)  # platform, kind, seconds
    answered_at: dict[str, float] = field(default_factory=dict)  # the last reply to each member
    sent: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def send(self, member: Member, kind: str) -> None:
        self.waiting[member.key] = Waiting(kind, time.monotonic())
        self.sent += 1
        self.idle.clear()

    def arrived(self, key: str, at: float) -> None:
        self.answered_at[key] = at
        found = self.waiting.pop(key, None)
        if found is not None:
            self.samples.append((key.split(":", 1)[0], found.kind, at - found.sent_at))
        if not self.waiting:
            self.idle.set()

    def telegram_call(self, call: Any) -> None:
        if call.method in TELEGRAM_REPLIES and call.status == 200:
            self.arrived(f"telegram:{call.params.get('chat_id')}", call.at)

    def slack_call(self, call: Any) -> None:
        if call.method not in SLACK_REPLIES:
            return
        if call.method == "views.open":
            key = self.aliases.pop(str(call.params.get("trigger_id")), "")
        else:
            key = f"slack:{call.params.get('channel')}"
        self.arrived(key, call.at)

    def busy(self, member: Member) -> bool:
        """Waiting for an answer, or read it less than ``THINK`` seconds ago (a person reads the answer
        before typing the next command: Telegram allows about one message per second in a chat)."""
        last = self.answered_at.get(member.key, 0.0)
        return member.key in self.waiting or time.monotonic() - last < THINK


class HookedCalls(list[Any]):
    """A fake's call log that also tells the tracker of each call as it is recorded."""

    def __init__(self, hook: Callable[[Any], None]) -> None:
        super().__init__()
        self.hook = hook

    def append(self, call: Any) -> None:
        super().append(call)
        self.hook(call)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Latency:
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @staticmethod
    def of(seconds: list[float]) -> Latency:
        ms = [s * 1000 for s in seconds]
        if not ms:
            return Latency(0, float("nan"), float("nan"), float("nan"))
        return Latency(len(ms), statistics.median(ms), percentile(ms, 99), max(ms))

    def line(self) -> str:
        return (
            f"n={self.count:>5}  p50 {self.p50_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms  "
            f"max {self.max_ms:7.1f} ms"
        )


def ticks(rate: float, duration: float) -> Iterator[float]:
    """Offsets (s) at which to offer a command: evenly spaced at ``rate`` per second."""
    return itertools.takewhile(lambda at: at < duration, (i / rate for i in itertools.count()))
