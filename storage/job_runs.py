"""Scheduled jobs that must happen once across every instance (the partner poll, the stale-case digest,
the retention purge): one ``job_run`` row per job and period (``partner_poll`` / ``2026-11-26``).

Every instance's scheduler fires the job; each tries to *claim* the period with an INSERT on the primary
key. One wins and runs the job; the others find the row and skip it with one quiet log line (no
``UniqueViolation``: the insert is ``ON CONFLICT DO NOTHING``). The winner marks the row finished. A
winner that fails gives the period back (the row is deleted, so the next firing may try again); a
winner that dies leaves an unfinished row whose lease runs out, after which another instance may take
the period over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, update
from sqlmodel import Field, Session, SQLModel

from storage.db import upsert
from storage.models import utc_column


class JobRun(SQLModel, table=True):
    __tablename__ = "job_run"

    name: str = Field(primary_key=True, max_length=60)
    period: str = Field(primary_key=True, max_length=40)
    instance: str = Field(max_length=120)
    started_at: datetime = utc_column()
    lease_until: datetime = utc_column()
    finished_at: datetime | None = utc_column(nullable=True)


_TABLE = JobRun.__table__  # type: ignore[attr-defined]


def claim_job(engine: Engine, name: str, period: str, instance: str, now: datetime, lease: timedelta) -> bool:
    """Take ``name`` for ``period``; True when this instance should run it. Never raises on a race."""
    values = {
        "name": name,
        "period": period,
        "instance": instance,
        "started_at": now,
        "lease_until": now + lease,
    }
    insert = upsert(engine.dialect.name, _TABLE)
    with engine.begin() as connection:
        inserted = connection.execute(
            insert.values(**values)
            .on_conflict_do_nothing(index_elements=["name", "period"])
            .returning(_TABLE.c.name)
        ).first()
        if inserted is not None:
            return True
        # an unfinished run whose lease ran out (its instance died): take it over
        taken = connection.execute(
            update(_TABLE)
            .where(
                and_(
                    _TABLE.c.name == name,
                    _TABLE.c.period == period,
                    _TABLE.c.finished_at.is_(None),
                    _TABLE.c.lease_until < now,
                )
            )
            .values(instance=instance, started_at=now, lease_until=now + lease)
            .returning(_TABLE.c.name)
        ).first()
    return taken is not None


def finish_job(engine: Engine, name: str, period: str, instance: str, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(_TABLE)
            .where(_TABLE.c.name == name, _TABLE.c.period == period, _TABLE.c.instance == instance)
            .values(finished_at=now)
        )


def give_back_job(engine: Engine, name: str, period: str, instance: str) -> None:
    """The run failed: forget the claim, so the next firing (on any instance) may try again."""
    with engine.begin() as connection:
        connection.execute(
            delete(_TABLE).where(
                _TABLE.c.name == name,
                _TABLE.c.period == period,
                _TABLE.c.instance == instance,
                _TABLE.c.finished_at.is_(None),
            )
        )


def holder_of(engine: Engine, name: str, period: str) -> JobRun | None:
    with Session(engine) as session:
        return session.get(JobRun, (name, period))
