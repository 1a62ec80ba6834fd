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

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, select

from bench.baseline import plain_regie
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
