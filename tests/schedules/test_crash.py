"""A dispatcher process killed with SIGKILL in the middle of sending 1,000 due reminders, twice: after a
restart (with the clock past the dead process's lease) every reminder is delivered, with at most one
duplicate per kill."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from tests.conftest import keyed_engine
from tests.schedules.helpers import T0, add_members, bulk_outbox, statuses

ROWS = 1000
ROOT = Path(__file__).resolve().parents[2]


def start_worker(url: str, out: Path, at) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.schedules.crash_worker", url, str(out), at.isoformat()],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def run_until(process: subprocess.Popen[str], sends: int | None) -> int:
    """Read the worker's announcements; SIGKILL it after ``sends`` sends (None: let it finish)."""
    watchdog = threading.Timer(60.0, process.kill)  # a hung worker fails the test instead of hanging it
    watchdog.start()
    seen = 0
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == "sent":
                seen += 1
                if sends is not None and seen >= sends:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.wait(timeout=30)
        watchdog.cancel()
        if process.stdout is not None:
            process.stdout.close()
    return seen


def test_killed_dispatcher_loses_nothing_and_repeats_at_most_one_per_kill(sqlite_url, tmp_path):
    # SQLite, the single-instance set-up (the claim/lease logic is the same SQL on Postgres, where the
    # two-instance tests exercise it); three interpreter start-ups make this the slowest test here
    database_url = sqlite_url
    engine = keyed_engine(database_url)
    members, _ = add_members(engine, 50)
    bulk_outbox(
        engine,
        [
            {"dedupe_key": f"c:{m}:{i:02d}", "member_id": m, "due_at": T0 - timedelta(seconds=ROWS - i)}
            for i in range(ROWS // len(members))
            for m in members
        ],
    )
    out = tmp_path / "platform.log"

    first = start_worker(database_url, out, T0)
    assert run_until(first, 300) == 300
    assert first.returncode == -signal.SIGKILL
    # restarted once the dead process's lease (2 minutes) has run out, and killed again
    second = start_worker(database_url, out, T0 + timedelta(minutes=3))
    assert run_until(second, 300) == 300
    assert second.returncode == -signal.SIGKILL
    third = start_worker(database_url, out, T0 + timedelta(minutes=6))
    run_until(third, None)
    assert third.returncode == 0

    delivered = Counter(out.read_text().split())
    assert set(delivered) == {f"c:{m}:{i:02d}" for i in range(ROWS // len(members)) for m in members}
    duplicates = sum(count - 1 for count in delivered.values())
    assert duplicates <= 2, delivered.most_common(3)  # two kills
    assert max(delivered.values()) <= 2
    assert statuses(engine) == {"sent": ROWS}
    engine.dispose()
