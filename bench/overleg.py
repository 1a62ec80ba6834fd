"""Benchmark: plan an overleg series with many invitees and cancel one occurrence; compare with one meeting.

    .venv/bin/python -m bench.overleg [--repeat 3] [--backends sqlite,postgres]

Each backend gets a fresh database (a SQLite file; a scratch Postgres database next to
KETENBOT_BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) with the demo data
and 40 extra fictional members. Every plan goes through the real router as a whole-form submission (the modal
path: parsing, checks, the meeting, agenda, invitees, the .ics, invites and every reminder row in one
transaction); the cancellation is ``/overleg ID afzeggen`` plus the "alleen deze keer" button (only that
date's reminders are rebuilt). Printed per
shape: the median wall time, the outbox rows written, and the time per row. The baseline is the single
meeting measured in the same run; the series should cost about (occurrences x invitees) times as many rows,
and its time should grow linearly with the rows, not worse.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, text
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.types import Incoming
from bot.demo.loader import load_demo
from storage import migrate
from storage.models import OrganisationKind, OutboxMessage, Role

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FIRST = date(2026, 12, 1)
PG_ADMIN = os.environ.get(
    "KETENBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SHAPES = ((1, 40), (13, 40), (26, 20), (26, 40))  # (occurrences, invitees)


def add_members(app: App, count: int) -> list[str]:
    handles = [f"bench{n:02d}" for n in range(count)]
    with app.uow() as uow:
        organisation = uow.organisations.add("Bench Partner (fictief)", OrganisationKind.ANDERS)
        assert organisation.id is not None
        for handle in handles:
            member = uow.members.add(f"Bench {handle}", organisation.id, (Role.PARTNER,), at=NOW)
            assert member.id is not None
            uow.identities.link(
                member.id, "console", handle, display_name=handle, direct_chat_id=handle, at=NOW
            )
        uow.commit()
    return handles


def outbox_rows(app: App) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(OutboxMessage)).one())


def submit(app: App, values: dict[str, str]) -> str:
    incoming = Incoming(
        platform="console",
        chat_id="procesmanager",
        user_id="procesmanager",
        form_id="overleg.plan",
        form_values=values,
    )
    return "\n".join(o.text for o in app.router.handle(incoming))


def say(app: App, text_: str, *, action: str | None = None, value: str = "") -> str:
    incoming = Incoming(
        platform="console",
        chat_id="procesmanager",
        user_id="procesmanager",
        text=None if action else text_,
        action_id=action,
        value=value,
    )
    return "\n".join(o.text for o in app.router.handle(incoming))


def plan_values(occurrences: int, invitees: list[str], n: int) -> dict[str, str]:
    until = FIRST + timedelta(weeks=occurrences - 1)
    return {
        "kind": "mdo",
        "start": f"{FIRST.strftime('%d-%m-%Y')} {9 + n % 8}:00",
        "duration": "60",
        "place": "Bench zaal",
        "cases": "",
        "invitees": ", ".join("@" + h for h in invitees),
        "recurrence": "weekly" if occurrences > 1 else "none",
        "until": until.strftime("%d-%m-%Y") if occurrences > 1 else "",
    }


def run_backend(url: str, repeat: int) -> None:
    migrate.upgrade(url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=url), clock=FixedClock(NOW))  # type: ignore[call-arg]
    load_demo(app.uow(), NOW)
    handles = add_members(app, 40)
    submit(app, plan_values(2, handles[:5], 0))  # warm-up
    print(f"  {'shape':<28} {'plan median':>12} {'rows':>6} {'µs/row':>8} {'cancel one':>11} {'rows':>5}")
    baseline: float | None = None
    n = 1
    for occurrences, invitees in SHAPES:
        plan_times, cancel_times, plan_rows, cancel_rows = [], [], 0, 0
        for _ in range(repeat):
            n += 1
            before = outbox_rows(app)
            start = time.perf_counter()
            answer = submit(app, plan_values(occurrences, handles[:invitees], n))
            plan_times.append(time.perf_counter() - start)
            assert "gepland" in answer, answer
            plan_rows = outbox_rows(app) - before
            meeting_id = answer.split("#", 1)[1].split(" ", 1)[0]
            before = outbox_rows(app)
            start = time.perf_counter()
            reply = say(app, f"/overleg {meeting_id} afzeggen bench")
            if occurrences > 1:
                reply = say(app, "", action="form.choose", value="one")
            cancel_times.append(time.perf_counter() - start)
            assert "Afgezegd" in reply, reply
            cancel_rows = outbox_rows(app) - before
        median = statistics.median(plan_times)
        baseline = baseline or median
        shape = f"{occurrences} x {invitees + 1} (incl. chair)"
        print(
            f"  {shape:<28} {median * 1000:>9.0f} ms {plan_rows:>6} {median / plan_rows * 1e6:>8.0f}"
            f" {statistics.median(cancel_times) * 1000:>8.0f} ms {cancel_rows:>5}"
            f"   ({median / baseline:.1f}x the single meeting)"
        )
    app.engine.dispose()


def main() -> None:
    # personal fields are stored encrypted: a fictional key for the scratch databases
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", "bench:" + "A" * 43 + "=")
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        print(f"{backend}:")
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                run_backend(f"sqlite:///{Path(folder) / 'bench.db'}", args.repeat)
            continue
        name = f"ketenbot_bench_{secrets.token_hex(4)}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run_backend(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, args.repeat)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
