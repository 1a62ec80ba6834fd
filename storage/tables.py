"""Imports every table module so SQLModel.metadata knows them all (for Alembic and tests)."""

from storage import (
    absence,  # noqa: F401
    cases,  # noqa: F401
    detention,  # noqa: F401
    direct_requests,  # noqa: F401
    escalation,  # noqa: F401
    flows,  # noqa: F401
    job_runs,  # noqa: F401
    meetings,  # noqa: F401
    models,  # noqa: F401
    nazorg,  # noqa: F401
    poll,  # noqa: F401
    uploads,  # noqa: F401
)
