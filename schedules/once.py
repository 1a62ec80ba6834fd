"""Run a scheduled job once per period across every instance (``storage/job_runs.py``).

Each instance's scheduler fires the job at the same local time; ``run_once`` lets one of them run it and
has the others log one quiet line. The period is the local date of the firing, so a daily job runs once a
day however many instances there are (the partner poll, fired every working morning, also checks itself
whether a round is due).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Engine

from bot.core.clock import Clock
from storage.job_runs import claim_job, finish_job, give_back_job

log = logging.getLogger("ketenbot.jobs")

T = TypeVar("T")
DEFAULT_LEASE = timedelta(hours=1)  # a run not finished by then is taken to have died with its instance


def instance_name() -> str:
    """Who claims a job: host, process and a random tag (a restarted process is another instance)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class OnceRunner:
    def __init__(self, engine: Engine, clock: Clock, instance: str | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.instance = instance or instance_name()

    def period(self) -> str:
        return self.clock.today().isoformat()

    async def run(
        self, name: str, job: Callable[[], Awaitable[T]], *, lease: timedelta = DEFAULT_LEASE
    ) -> tuple[bool, T | None]:
        """(ran, result): ``job`` runs only when this instance claimed ``name`` for today."""
        period = self.period()
        now = self.clock.now()
        if not await asyncio.to_thread(claim_job, self.engine, name, period, self.instance, now, lease):
            log.info("%s for %s: already done by another instance; skipped", name, period)
            return False, None
        try:
            result = await job()
        except BaseException:
            await asyncio.to_thread(give_back_job, self.engine, name, period, self.instance)
            raise
        await asyncio.to_thread(finish_job, self.engine, name, period, self.instance, self.clock.now())
        log.info("%s for %s: done", name, period)
        return True, result
