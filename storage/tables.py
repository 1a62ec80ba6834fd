"""Imports every table module so SQLModel.metadata knows them all (for Alembic and tests)."""

from storage import job_runs, models, replay  # noqa: F401
from storage.cases import tables as cases  # noqa: F401
from storage.cases import uploads  # noqa: F401
from storage.meetings import tables as meetings  # noqa: F401
from storage.network import (
    escalation,  # noqa: F401
    flows,  # noqa: F401
    poll,  # noqa: F401
)
from storage.outbox import absence  # noqa: F401
from storage.privacy import direct_requests  # noqa: F401
from storage.release import (
    detention,  # noqa: F401
    nazorg,  # noqa: F401
)
