"""Router overhead: 10,000 commands through the full pipeline vs. the bare handler call.

    .venv/bin/python -m bench.core [--n 10000] [--postgres URL]

Two commands: `/help` (no database work in the handler) and `/lees`, a bench command that reads the caller's
identities and writes an audit row, like `/regie` does. Each runs (a) through `Router.handle` (identity,
input checks, authorisation, dispatch, errors, audit, i18n rendering) and (b) as a bare function call of the
handler with a prepared Context and unit of work. Prints commands/s, p50 and p99 per run, and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.app import GROUPS, build_app
from bot.config import Settings
from bot.core import CommandGroup, Context, Incoming, MemberView, Reply, t
from bot.core.access import NO_TARGET
from bot.core.clock import FixedClock
from bot.core.router import Router
from bot.core.types import ChatKind
from bot.demo.loader import load_demo
from handlers.onboarding.help import show_help
from storage import migrate

bench_group = CommandGroup("bench")


@bench_group.command("lees", target=NO_TARGET)
def read_and_audit(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    with ctx.uow as uow:
        identities = uow.identities.of_member(member.id)
        ctx.audit("lees", detail=f"{len(identities)} identities")
        uow.commit()
    return Reply(t("ik.identities", identities=", ".join(i.external_id for i in identities)))


def timed(n: int, call: Callable[[int], object]) -> tuple[float, float, float]:
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        call(i)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    latencies.sort()
    return n / total, statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000


def run(url: str, n: int) -> list[tuple[str, float, float, float]]:
    migrate.upgrade(url)
    clock = FixedClock(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    app = build_app(Settings(KETENBOT_DATABASE_URL=url), clock=clock)  # type: ignore[call-arg]
    with app.uow() as uow:
        fresh = not uow.organisations.list_all()
    if fresh:
        load_demo(app.uow(), clock.now())
    router = Router(
        [*GROUPS, bench_group],
        uow_factory=app.uow,
        clock=clock,
        catalogue=app.catalogue,
        config=app.router.config,
    )
    users = ["procesmanager", "wijkagent", "voorzitter", "ggz", "regisseur"]

    def incoming(i: int, text: str) -> Incoming:
        user = users[i % len(users)]
        return Incoming(platform="console", chat_id=user, user_id=user, chat_kind=ChatKind.DIRECT, text=text)

    # the bare handler: same unit of work and context, no identity/auth/audit/render middleware
    probe = router.handle(incoming(0, "/ik"))
    assert probe, "router did not answer"
    uow = app.uow()
    with uow:
        views: dict[str, MemberView | None] = {
            user: router._identify(uow, Incoming(platform="console", chat_id=user, user_id=user, text="/ik"))
            for user in users
        }

    def bare(handler: Callable[[Incoming, Context], object], text: str) -> Callable[[int], object]:
        def call(i: int) -> object:
            msg = incoming(i, text)
            work = app.uow()
            with work:
                ctx = Context(
                    msg,
                    views[msg.user_id],
                    work,
                    clock,
                    "nl",
                    router.config,
                    router.forms,
                    "bench",
                    router.visible_commands,
                )
                return handler(msg, ctx)

        return call

    def piped(text: str) -> Callable[[int], object]:
        def call(i: int) -> object:
            return router.handle(incoming(i, text))

        return call

    results = []
    for label, text, handler in (("/help", "/help", show_help), ("/lees", "/lees", read_and_audit)):
        timed(200, piped(text))  # warm-up
        results.append((f"{label} bare handler", *timed(n, bare(handler, text))))
        results.append((f"{label} full pipeline", *timed(n, piped(text))))
    app.engine.dispose()
    return results


def report(name: str, results: list[tuple[str, float, float, float]]) -> None:
    print(f"\n{name}")
    print(f"{'run':32} {'cmd/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for label, rate, p50, p99 in results:
        print(f"{label:32} {rate:9.0f} {p50:8.3f} {p99:8.3f}")
    for i in range(0, len(results), 2):
        ratio = results[i + 1][1] / results[i][1]
        verdict = "meets" if ratio >= 0.5 else "BELOW"
        print(f"{results[i][0].split()[0]}: pipeline / bare = {ratio:.2f}x ({verdict} the 0.50x target)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite (file, WAL)", run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n))
    if not args.skip_postgres:
        import secrets

        from sqlalchemy import create_engine, text

        name = f"ketenbot_bench_{secrets.token_hex(3)}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            report("PostgreSQL", run(args.postgres.rsplit("/", 1)[0] + "/" + name, args.n))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
