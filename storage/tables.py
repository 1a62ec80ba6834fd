"""Imports every table module so SQLModel.metadata knows them all (for Alembic and tests)."""

from storage import models  # noqa: F401
