"""Imports every table module so SQLModel.metadata knows them all (for Alembic and tests)."""

from storage import (
    cases,  # noqa: F401
    flows,  # noqa: F401
    models,  # noqa: F401
)
