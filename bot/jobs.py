"""The scheduled jobs, in one list: the daily purge, the stale-case digest and the yearly partner poll.

Every process that is the bot (``ketenbot run``, whichever adapters it has, the console included) schedules
them at their local time; each firing claims the day's lease first (``schedules/once.py``), so several
instances run a job once a day. ``ketenbot jobs run NAME`` runs one now, by hand: every job is safe to
repeat (the purge finds nothing more, the digest's outbox rows are deduplicated per day, the poll starts a
round only when one is due), so a run by hand neither takes nor needs the day's lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from schedules.once import OnceRunner
from schedules.poll import run_poll_if_due
from schedules.stale import run_stale_watchdog

log = logging.getLogger("ketenbot.jobs")


async def purge(app: App) -> str:
    """The retention policy (anonymise what passed its term; delete old audit rows), then stale uploads."""
    from bot.privacy_jobs import describe, policy_from, run_purge
    from handlers.signals.upload import drop_stale_uploads

    policy = policy_from(app.settings)
    now = app.clock.now()
    result = await asyncio.to_thread(run_purge, app.uow(), policy, now, dry_run=False)
    log.info("privacy purge: %s", describe(result))
    dropped = await asyncio.to_thread(drop_stale_uploads, app.uow(), now)
    log.info("pending uploads dropped: %d", dropped)
    return (
        f"geanonimiseerd: casussen {len(result.cases_anonymised)}, afgewezen signalen "
        f"{result.signals_anonymised}; verwijderd: auditregels {result.audit_rows_deleted}, onafgemaakte "
        f"uploads {dropped}"
    )


async def stale_digest(app: App) -> str:
    """The stale-case digest for every procesregie holder (working days only)."""
    settings = app.settings
    written = await asyncio.to_thread(
        run_stale_watchdog, app.uow, app.clock.now(), settings.tz, settings.stale_case_weeks
    )
    return f"overzichten klaargezet: {written}"


async def partner_poll(app: App) -> str:
    """The yearly partner poll: a round starts on the first working morning of KETENBOT_POLL_MONTH."""
    settings = app.settings
    asked = await asyncio.to_thread(
        run_poll_if_due, app.uow, app.clock.now(), settings.tz, settings.poll_month, settings.poll_open_weeks
    )
    return f"nieuwe ronde, leden gevraagd: {asked}" if asked else "geen ronde gestart (nu niet aan de beurt)"


@dataclass(frozen=True)
class Job:
    name: str
    help: str  # Dutch: what `ketenbot jobs list` shows
    when: str  # Dutch: when the scheduler fires it
    cron: Mapping[str, str | int]
    work: Callable[[App], Awaitable[str]]


JOBS: tuple[Job, ...] = (
    Job(
        "purge",
        "bewaartermijnen: verlopen casussen en signalen anonimiseren, oude auditregels en uploads "
        "verwijderen",
        "elke dag 03:30",
        {"hour": 3, "minute": 30},
        purge,
    ),
    Job(
        "stale_digest",
        "overzicht van casussen zonder iets gepland voor procesregie",
        "werkdagen 08:00",
        {"day_of_week": "mon-fri", "hour": 8, "minute": 0},
        stale_digest,
    ),
    Job(
        "partner_poll",
        "jaarlijkse peiling onder partners (alleen op de eerste werkdag van KETENBOT_POLL_MONTH); "
        "antwoorden van een gesloten ronde in willekeurige volgorde vastleggen",
        "werkdagen 09:00",
        {"day_of_week": "mon-fri", "hour": 9, "minute": 0},
        partner_poll,
    ),
)


def job_named(name: str) -> Job | None:
    return next((job for job in JOBS if job.name == name), None)


class JobRunner:
    """Fires the jobs for one process: on schedule through the day's lease, or now by hand."""

    def __init__(self, app: App, once: OnceRunner | None = None) -> None:
        self.app = app
        self.once = once or OnceRunner(app.engine, app.clock)

    async def fire(self, name: str) -> tuple[bool, str | None]:
        """The scheduler's firing: runs only when this instance claimed ``name`` for today."""
        job = _known(name)
        return await self.once.run(job.name, lambda: job.work(self.app))

    async def run_now(self, name: str) -> str:
        """By hand (``ketenbot jobs run NAME``): at once, whatever the lease says."""
        return await _known(name).work(self.app)

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        tz = self.app.settings.tz
        for job in JOBS:
            scheduler.add_job(
                self.fire,
                "cron",
                args=[job.name],
                id=job.name,
                name=job.name,
                timezone=tz,
                max_instances=1,
                coalesce=True,
                **job.cron,
            )
        log.info("scheduled jobs: %s", ", ".join(f"{job.name} ({job.when})" for job in JOBS))


def _known(name: str) -> Job:
    job = job_named(name)
    if job is None:
        raise KeyError(name)
    return job
