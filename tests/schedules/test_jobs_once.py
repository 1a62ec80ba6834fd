"""Daily jobs run once across instances (issue 19, item 1): two runtimes with their own engines on one
Postgres database fire the partner poll, the stale digest and the purge at the same moment; one runs each
job, the other logs one quiet line and no traceback."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.demo.loader import load_demo
from bot.runtime import Runtime
from schedules.once import OnceRunner
from storage.job_runs import holder_of
from storage.models import OutboxMessage
from storage.network.poll import PollRound
from tests.conftest import keyed_engine

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Amsterdam


def runtime_on(url: str) -> Runtime:
    settings = Settings(KETENBOT_DATABASE_URL=url, KETENBOT_POLL_MONTH=11)  # type: ignore[call-arg]
    return Runtime(build_app(settings, clock=FixedClock(NOW)))


def test_two_instances_on_postgres_run_each_daily_job_once(
    postgres_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import truncate_all

    truncate_all(postgres_database)
    first, second = runtime_on(postgres_database), runtime_on(postgres_database)
    assert first.app.engine is not second.app.engine
    load_demo(first.app.uow(), NOW)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def fire(runtime: Runtime) -> None:
        async def jobs() -> None:
            start.wait(timeout=30)
            await runtime._partner_poll()
            await runtime._stale_watchdog()
            await runtime._purge()

        try:
            asyncio.run(jobs())
        except BaseException as error:  # reported in the test thread
            errors.append(error)

    caplog.set_level(logging.INFO)
    threads = [threading.Thread(target=fire, args=(runtime,)) for runtime in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with first.app.uow() as uow:
        rounds = uow.session.exec(select(func.count()).select_from(PollRound)).one()  # type: ignore[call-overload]
        keys = [row.dedupe_key for row in uow.session.exec(select(OutboxMessage)).scalars()]  # type: ignore[call-overload]
    assert rounds[0] == 1
    poll_keys = [key for key in keys if key.startswith("poll:")]
    assert len(poll_keys) == len(set(poll_keys)) > 0
    assert all(key.startswith("poll:1:") for key in poll_keys)
    skipped = [r for r in caplog.records if "already done by another instance" in r.getMessage()]
    assert len(skipped) == 3  # one quiet line per job, from the instance that lost
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in skipped)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("ketenbot")]
    for name in ("partner_poll", "stale_digest", "purge"):
        run = holder_of(first.app.engine, name, "2026-11-26")
        assert run is not None and run.finished_at is not None
    for runtime in (first, second):
        runtime.app.engine.dispose()


def test_a_claim_is_taken_over_after_its_lease_and_given_back_on_failure(sqlite_url: str) -> None:
    engine = keyed_engine(sqlite_url)
    clock = FixedClock(NOW)
    one, two = OnceRunner(engine, clock, "one"), OnceRunner(engine, clock, "two")
    ran: list[str] = []

    async def job(name: str) -> str:
        ran.append(name)
        return name

    async def scenario() -> None:
        assert await one.run("digest", lambda: job("one")) == (True, "one")
        assert await two.run("digest", lambda: job("two")) == (False, None)

        async def boom() -> None:
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            await one.run("purge", boom)
        assert holder_of(engine, "purge", "2026-11-26") is None  # given back: the next firing may try
        assert (await two.run("purge", lambda: job("two")))[0]

    asyncio.run(scenario())
    # an instance that died mid-run: its claim stays unfinished until the lease runs out
    from storage.job_runs import claim_job

    assert claim_job(engine, "poll", "2026-11-26", "dead", NOW, timedelta(hours=1))
    assert not claim_job(
        engine, "poll", "2026-11-26", "alive", NOW + timedelta(minutes=59), timedelta(hours=1)
    )
    assert claim_job(engine, "poll", "2026-11-26", "alive", NOW + timedelta(minutes=61), timedelta(hours=1))
    assert ran == ["one", "two"]
    engine.dispose()
