"""Benchmark: /regie CODE, /regie <name>, the known-person check and /mijn at 1k and 100k cases.

    .venv/bin/python -m bench.regie [--sizes 1000,100000] [--repeat 200] [--backends sqlite,postgres]

Each size gets a fresh database (SQLite file; a scratch Postgres database next to
KETENBOT_BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), migrated and
filled with the demo data plus ``size`` fictional cases, each with signal, subjects, three deelnemers,
regie (with history), an action, timeline events and ten audit rows (1M audit rows at 100k). Members grow
with the cases (one per 50) so each member's share stays the same, as in a bigger region. Then every
operation runs through the real router (middleware, audit, i18n) ``--repeat`` times; the median and p95 of
both sizes and their ratio are printed. Target: the 100k medians within 2x of the 1k medians.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from bench.regie_fill import AUDIT_PER_CASE, fill, person
from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.types import Incoming
from bot.demo.loader import load_demo
from storage import migrate
from storage.cases.tables import CaseParticipant, Subject

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PG_ADMIN = os.environ.get(
    "KETENBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


# -- measuring ------------------------------------------------------------------------------------------


ROUND = 10  # calls per size in a row; sizes alternate round by round


def interleaved(calls: Sequence[Callable[[int], Any]], repeat: int) -> list[tuple[float, float]]:
    """Median and p95 (ms) of each call, measured in alternating rounds so that load from elsewhere on
    the machine falls on every size alike; a warm-up round first."""
    samples: list[list[float]] = [[] for _ in calls]
    for call in calls:
        for i in range(ROUND):
            call(i)
    for round_start in range(0, repeat, ROUND):
        for call, bucket in zip(calls, samples, strict=True):
            for i in range(round_start, round_start + ROUND):
                start = time.perf_counter()
                call(i)
                bucket.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(b), sorted(b)[int(len(b) * 0.95) - 1]) for b in samples]


def operations(app: App, size: int) -> dict[str, Callable[[int], Any]]:
    """Each operation as the bench member (a procesmanager, 'bench-0') would do it in chat."""
    with app.engine.connect() as c:
        pm = c.execute(text("SELECT member_id FROM identity WHERE external_id = 'bench-0'")).scalar_one()
        codes = [
            r[0]
            for r in c.execute(
                text(
                    'SELECT c.code FROM "case" c JOIN case_participant p ON p.case_id = c.id'
                    " WHERE p.member_id = :m ORDER BY c.id LIMIT 50"
                ),
                {"m": pm},
            )
        ]
        # names are stored encrypted: read them through the column's type (a text query returned the
        # ciphertext, which matched no subject, so "/regie <naam>" found nothing and the bench stopped)
        subject = Subject.__table__  # type: ignore[attr-defined]
        participant = CaseParticipant.__table__  # type: ignore[attr-defined]
        names = list(
            c.execute(
                select(subject.c.name)
                .join(participant, participant.c.case_id == subject.c.case_id)
                .where(participant.c.member_id == pm)
                .order_by(subject.c.id)
                .limit(50)
            ).scalars()
        )
    assert codes and names, "the bench member has no cases"

    def say(words: str) -> None:
        out = app.router.handle(
            Incoming(platform="console", chat_id="bench-0", user_id="bench-0", text=words)
        )
        assert (
            out
            and not any(bad in out[0].text for bad in ("niet gevonden", "Geen casussen"))
            and "ging iets mis" not in out[0].text
        ), out

    def known(i: int) -> None:
        name, born = person((i * 104_729) % size)
        values = {
            "name": name,
            "birth_date": born.strftime("%d-%m-%Y"),
            "others": "",
            "gemeente": "Waterdam",
            "categories": "overlast",
            "urgency": "normaal",
            "description": f"Fictief bench-signaal {i} {secrets.token_hex(4)}",
            "informed": "nee",
        }
        out = app.router.handle(
            Incoming(
                platform="console",
                chat_id="bench-0",
                user_id="bench-0",
                form_id="signaal.new",
                form_values=values,
            )
        )
        assert "referentie" in out[0].text, out

    return {
        "/regie CODE": lambda i: say(f"/regie {codes[i % len(codes)]}"),
        "/regie <naam>": lambda i: say(f"/regie {names[i % len(names)]}"),
        "known-person check (signal submit)": known,
        "/mijn": lambda i: say("/mijn"),
    }


@dataclass
class Prepared:
    app: App
    ops: dict[str, Callable[[int], Any]]
    drop: Callable[[], None]


def prepare(backend: str, size: int) -> Prepared:
    """A fresh database of ``size`` cases and the operations to time on it."""
    if backend == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='ketenbot-bench-')) / 'bench.db'}"

        def drop() -> None:
            shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)

    else:
        name = f"ketenbot_bench_{secrets.token_hex(4)}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    migrate.upgrade(url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=url), clock=FixedClock(NOW))  # type: ignore[call-arg]
    load_demo(app.uow(), NOW)
    start = time.perf_counter()
    fill(app, size)
    print(
        f"  {backend} {size:>7} cases, {size * AUDIT_PER_CASE:>8} audit rows: filled in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )
    return Prepared(app, operations(app, size), drop)


Figures = dict[str, list[tuple[float, float]]]  # operation -> (median ms, p95 ms) per size


def measure(backend: str, sizes: Sequence[int], repeat: int) -> Figures:
    """Every operation at every size on ``backend``, sizes interleaved; prints the table, returns it."""
    print(f"== {backend}", flush=True)
    prepared: list[Prepared] = []
    try:
        for size in sizes:
            prepared.append(prepare(backend, size))
        labels = list(prepared[0].ops)
        results = {label: interleaved([p.ops[label] for p in prepared], repeat) for label in labels}
    finally:
        for p in prepared:
            p.app.engine.dispose()
            p.drop()
    print_table(results, sizes)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    for backend in args.backends.split(","):
        measure(backend, sizes, args.repeat)


def print_table(results: Figures, sizes: Sequence[int]) -> None:
    small, large = sizes[0], sizes[-1]
    print(
        f"  {'operation':<38}{'median ' + str(small):>14}{'p95':>8}"
        f"{'median ' + str(large):>16}{'p95':>8}{'ratio':>8}"
    )
    for label, figures in results.items():
        (m1, p1), (m2, p2) = figures[0], figures[-1]
        print(f"  {label:<38}{m1:>11.2f} ms{p1:>8.2f}{m2:>13.2f} ms{p2:>8.2f}{m2 / m1:>7.2f}x")


if __name__ == "__main__":
    main()
