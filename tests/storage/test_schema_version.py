"""The Alembic-free schema check agrees with Alembic, so `ketenbot run` need not load Alembic."""

from pathlib import Path

from alembic.script import ScriptDirectory

from storage import migrate
from storage.db import make_engine
from storage.schema_version import head_revisions, is_current


def test_the_head_read_from_the_files_is_alembics_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    assert head_revisions() == frozenset(script.get_heads())


def test_a_merge_revision_and_a_branch_are_read_like_alembic_does(tmp_path: Path) -> None:
    for name, body in {
        "a.py": 'revision = "a"\ndown_revision = None\n',
        "b.py": 'revision: str = "b"\ndown_revision: str | None = "a"\n',
        "c.py": "revision = 'c'\ndown_revision = 'a'\n",
        "d.py": 'revision = "d"\ndown_revision = ("b", "c")\n',
        "e.py": 'revision = "e"\ndown_revision = "a"\n',
    }.items():
        (tmp_path / name).write_text(body)
    assert head_revisions(tmp_path) == {"d", "e"}


def test_a_fresh_database_is_not_current_and_a_migrated_one_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    engine = make_engine(url)
    assert not is_current(engine)
    migrate.upgrade(url)
    assert is_current(engine)
    engine.dispose()
