"""The console adapter as a user runs it: the real `ketenbot console --jsonl` process, JSON lines."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.demo.loader import load_demo


@pytest.fixture
def demo_db(sqlite_url: str) -> str:
    app = build_app(Settings(KETENBOT_DATABASE_URL=sqlite_url))  # type: ignore[call-arg]
    load_demo(app.uow(), app.clock.now())
    app.engine.dispose()
    return sqlite_url


def run_console(database_url: str, lines: list[str], tmp_path: Path) -> tuple[list[dict[str, Any]], str, int]:
    env = {**os.environ, "KETENBOT_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "console", "--jsonl"],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    return (
        [json.loads(line) for line in done.stdout.splitlines() if line.strip()],
        done.stderr,
        done.returncode,
    )


def test_jsonl_console_answers_each_line_and_survives_bad_ones(demo_db: str, tmp_path: Path):
    lines = [
        json.dumps({"user": "procesmanager", "text": "/help"}),
        "this is not json",
        json.dumps({"text": "/help"}),
        json.dumps({"user": "wijkagent", "chat": "triage-groep", "text": "/ik"}),
        json.dumps({"user": "procesmanager", "text": "x" * 4001}),
        json.dumps({"user": "procesmanager", "text": "/taal en"}),
    ]
    out, stderr, code = run_console(demo_db, lines, tmp_path)
    assert code == 0, stderr
    assert out[0]["to"] == "procesmanager" and "Wat je met ketenbot kunt doen" in out[0]["text"]
    assert out[1]["to"] is None and "kan ik niet lezen" in out[1]["error"]
    assert out[2]["to"] is None and '"user" ontbreekt' in out[2]["error"]
    assert out[3]["to"] == "triage-groep" and "Bram Kuipers" in out[3]["text"]
    assert "te lang" in out[4]["text"]
    assert out[5]["text"] == "Your language is now English."
    assert "Traceback" not in stderr


def test_jsonl_console_presses_buttons_and_delivers_outbox_messages_to_other_users(
    demo_db: str, tmp_path: Path
):
    from bot.app import build_app as build
    from bot.core.context import encode_reply
    from bot.core.i18n import t
    from bot.core.types import Reply

    app = build(Settings(KETENBOT_DATABASE_URL=demo_db))  # type: ignore[call-arg]
    with app.uow() as uow:
        member = uow.members.by_handle("regisseur")
        assert member is not None
        # due for the console under test whatever its clock says: it runs in a subprocess on the machine's
        # clock, which a moved test clock (KETENBOT_TEST_MACHINE_TIME) does not reach
        due = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        uow.outbox.add(
            "test:1:now", encode_reply(Reply(t("help.title"))), due_at=due, now=due, member_id=member.id
        )
        uow.commit()
    app.engine.dispose()
    out, stderr, code = run_console(
        demo_db, [json.dumps({"user": "procesmanager", "press": "form.cancel"})], tmp_path
    )
    assert code == 0, stderr
    assert {"to": "regisseur", "text": "Wat je met ketenbot kunt doen:"} in out
    assert any(o["to"] == "procesmanager" and "geen formulier open" in o["text"] for o in out)


def test_start_up_refuses_a_bad_configuration_with_one_line(tmp_path: Path):
    env = {**os.environ, "KETENBOT_TIMEZONE": "Europe/Atlantis", "KETENBOT_DATABASE_URL": "sqlite:///x.db"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "console", "--jsonl"],
        input="",
        text=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "onbekende tijdzone 'Europe/Atlantis'" in lines[0]


def test_bad_database_url_is_one_clear_line(tmp_path: Path):
    env = {**os.environ, "KETENBOT_DATABASE_URL": "not a url"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "db", "status"],
        text=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "KETENBOT_DATABASE_URL" in done.stderr
