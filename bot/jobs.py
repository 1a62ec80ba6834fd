"""The scheduled jobs, in one list: the daily purge, the stale-case digest and the yearly partner poll.

Every process that is the bot (``ketenbot run``, whichever adapters it has, the console included) schedules
them at their local time; each firing claims the day's lease first (``schedules/once.py``), so several
instances run a job once a day. ``ketenbot jobs run NAME`` runs one now, by hand: every job is safe to
repeat (the purge finds nothing more, the digest's outbox rows are deduplicated per day, the poll starts a
round only when one is due), so a run by hand neither takes nor needs the day's lease.

A job may have a season: the partner poll by hand runs only in ``KETENBOT_POLL_MONTH`` (a round started in
another month by mistake would be this year's poll), unless forced (``--forceer``), which is audited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from schedules.once import OnceRunner
from schedules.poll import run_poll_if_due
from schedules.stale import run_stale_watchdog

log = logging.getLogger("ketenbot.jobs")

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


class JobWork(Protocol):
    """What a job does; ``forced``: run by hand outside the job's season (see ``Job.season``)."""

    def __call__(self, app: App, /, *, forced: bool = False) -> Awaitable[str]: ...


class OutOfSeason(Exception):
    """A run by hand outside the job's season, without ``force``: the message (Dutch) says why."""


async def purge(app: App, *, forced: bool = False) -> str:
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


async def stale_digest(app: App, *, forced: bool = False) -> str:
    """The stale-case digest for every procesregie holder (working days only)."""
    settings = app.settings
    written = await asyncio.to_thread(
        run_stale_watchdog, app.uow, app.clock.now(), settings.tz, settings.stale_case_weeks
    )
    return f"overzichten klaargezet: {written}"


async def partner_poll(app: App, *, forced: bool = False) -> str:
    """The yearly partner poll: a round starts on the first working morning of KETENBOT_POLL_MONTH
    (``forced``: in any month, when no round was started this year)."""
    settings = app.settings
    asked = await asyncio.to_thread(
        run_poll_if_due,
        app.uow,
        app.clock.now(),
        settings.tz,
        settings.poll_month,
        settings.poll_open_weeks,
        any_month=forced,
    )
    return f"nieuwe ronde, leden gevraagd: {asked}" if asked else await asyncio.to_thread(no_round_why, app)


def no_round_why(app: App) -> str:
    """Why the poll job started no round (Dutch): one is still open, or this year's has been held."""
    now, tz = app.clock.now(), app.settings.tz
    with app.uow() as uow:
        still_open = uow.polls.open_round(now)
        last = uow.polls.last_round()
    if still_open is not None:
        since = f"{still_open.started_at.astimezone(tz):%d-%m-%Y %H:%M}"
        until = f"{still_open.closes_at.astimezone(tz):%d-%m-%Y %H:%M}"
        return f"geen ronde gestart: er loopt al een ronde (sinds {since}, open tot {until})"
    this_year = now.astimezone(tz).year
    if app.settings.poll_month and last is not None and last.started_at.astimezone(tz).year == this_year:
        held = f"{last.started_at.astimezone(tz):%d-%m-%Y}"
        return f"geen ronde gestart: de ronde van dit jaar is al gehouden (gestart {held})"
    return "geen ronde gestart (nu niet aan de beurt)"


def poll_season(app: App) -> str | None:
    """Why the poll may not be run by hand now (Dutch), or None: in the poll month, or the poll is off."""
    month = app.settings.poll_month
    now_month = app.clock.now().astimezone(app.settings.tz).month
    if month == 0 or now_month == month:
        return None
    return (
        f"de peiling hoort in {MONTHS_NL[month - 1]} (KETENBOT_POLL_MONTH={month}) en het is nu "
        f"{MONTHS_NL[now_month - 1]}: er is geen ronde gestart. Wil je toch nu een ronde, gebruik dan "
        "--forceer (dat komt in het auditlog)."
    )


@dataclass(frozen=True)
class Job:
    name: str
    help: str  # Dutch: what `ketenbot jobs list` shows
    when: str  # Dutch: when the scheduler fires it
    cron: Mapping[str, str | int]
    work: JobWork
    # by hand, outside this the job is refused unless forced: the Dutch reason, or None when in season
    season: Callable[[App], str | None] | None = None


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
        poll_season,
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

    async def run_now(self, name: str, *, force: bool = False) -> str:
        """By hand (``ketenbot jobs run NAME``): at once, whatever the lease says. Outside the job's season
        it raises ``OutOfSeason``, unless ``force``: then the override is audited and the job runs."""
        job = _known(name)
        reason = job.season(self.app) if job.season is not None else None
        if reason is None:
            return await job.work(self.app)
        if not force:
            raise OutOfSeason(reason)
        await asyncio.to_thread(self._audit_forced, job.name)
        return await job.work(self.app, forced=True)

    def _audit_forced(self, name: str) -> None:
        from bot.privacy_jobs import audit_admin

        now = self.app.clock.now()
        local = now.astimezone(self.app.settings.tz)
        uow = self.app.uow()
        with uow:
            audit_admin(uow, now, f"jobs.{name}", f"forced outside its season ({local:%Y-%m-%d})")
            uow.commit()

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
