"""Is the database schema current? Answered without Alembic, which ``ketenbot run`` then never loads.

Alembic (its script directory, every revision module and their imports) costs about 10 MB of memory for the
life of the process, only to learn that nothing needs doing on almost every start. The head is read from
the revision files' ``revision`` / ``down_revision`` lines (the head is the revision no other revision
names as its parent); the database's revision from ``alembic_version``. When they differ, the caller runs
the real upgrade (``storage.migrate``), which stays the authority; a test checks both agree on the head.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, inspect, text

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision(?:\s*:[^=]+)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?\s*=\s*(.+)$", re.MULTILINE)
_NAME = re.compile(r"[\"']([^\"']+)[\"']")


def head_revisions(versions: Path = VERSIONS) -> frozenset[str]:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down is not None:
            parents.update(_NAME.findall(down.group(1)))
    return frozenset(revisions - parents)


def current_revisions(engine: Engine) -> frozenset[str]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(row[0]) for row in rows)


def is_current(engine: Engine) -> bool:
    heads = head_revisions()
    return bool(heads) and current_revisions(engine) == heads
