"""Stand-ins for ``Router.handle`` that show where the adapters' benchmarks put their ceiling.

``PlainRegie`` answers ``/regie CODE`` with the baseline's own SQL (``bench.baseline.plain_regie``): run
inside ketenbot's real adapters, it splits ketenbot's distance to the bare baseline into the adapters' part
and the router's part (bench/load.py's "adapters" side).

``MinimalRouter`` does only what issues 7 and 8 name for the benchmark, "a database read plus an audit
write": the case by its code and one audit row, as two SQLAlchemy Core statements and a commit on a pooled
connection, in the adapter's worker thread like the real router. No identity, need-to-know, regie lookup,
i18n or ORM. ``canned`` answers without a database. Neither is a ketenbot path: next to the bare library in
the same run they show how close *any* router that keeps the database off the event loop can come.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, select

from bench.baseline import plain_regie
from bench.load_support import Scratch
from bot.app import build_app
from bot.config import Settings
from bot.core.types import Incoming, Outgoing
from storage.cases.tables import Case
from storage.repositories import AUDIT_INSERT

_CASE: Table = Case.__table__  # type: ignore[attr-defined]


class MinimalRouter:
    def __init__(self, engine: Engine, code: str) -> None:
        self.engine = engine
        self.code = code
        self.read = select(_CASE.c.id).where(_CASE.c.code == code)

    def __call__(self, incoming: Incoming) -> list[Outgoing]:
        with self.engine.connect() as connection:
            case_id = connection.execute(self.read).scalar_one()
            connection.execute(
                AUDIT_INSERT,
                {
                    "at": datetime.now(UTC),
                    "member_id": None,
                    "platform": incoming.platform,
                    "chat_kind": str(incoming.chat_kind),
                    "kind": "command",
                    "name": "regie",
                    "case_id": case_id,
                    "outcome": "ok",
                    "detail": None,
                    "correlation_id": None,
                },
            )
            connection.commit()
        return canned(incoming, f"Casusregie {self.code}")


def canned(incoming: Incoming, text: str = "pong") -> list[Outgoing]:
    return [Outgoing(incoming.platform, text, chat_id=incoming.chat_id, user_id=incoming.user_id)]


class PlainRegie:
    """``/regie CODE`` answered by the baseline's plain SQL; anything else by ``fallback`` (the router)."""

    def __init__(self, engine: Engine, fallback: Callable[[Incoming], list[Outgoing]]) -> None:
        self.engine = engine
        self.fallback = fallback

    def __call__(self, incoming: Incoming) -> list[Outgoing]:
        if incoming.command != "regie" or not incoming.args:
            return self.fallback(incoming)
        code = incoming.args.split()[0]
        return canned(incoming, plain_regie(self.engine, incoming.platform, incoming.user_id, code))


def router_cpu(scratch: Scratch, platform: str, rounds: int = 5, n: int = 300) -> tuple[float, float]:
    """CPU per ``/regie CODE`` (µs, best of ``rounds`` alternating rounds of ``n``) of ketenbot's router and
    of the baseline's plain SQL, called directly in this thread: the router's share of the distance."""
    app = build_app(Settings(KETENBOT_DATABASE_URL=scratch.url))  # type: ignore[call-arg]
    member = next(m for m in scratch.members if m.platform == platform)
    incoming = Incoming(platform, member.chat, member.user, text=f"/regie {scratch.code}")
    best = {"router": float("inf"), "plain": float("inf")}
    calls: dict[str, Callable[[], object]] = {
        "router": lambda: app.router.handle(incoming),
        "plain": lambda: plain_regie(app.engine, platform, member.user, scratch.code),
    }
    try:
        for call in calls.values():
            call()  # connections, caches
        for _round in range(rounds):
            for name, call in calls.items():
                started = time.process_time()
                for _ in range(n):
                    call()
                best[name] = min(best[name], (time.process_time() - started) / n * 1e6)
    finally:
        app.engine.dispose()
    return best["router"], best["plain"]
