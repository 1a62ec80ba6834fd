"""Issue 18, item 5: ``ketenbot run`` stays under 120 MB resident (bench/footprint.py measures it). Part of
that is not importing what only another command, an error or the help needs; this pins those lazy imports,
in a fresh interpreter (the test process has imported everything long before)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys
from bot.cli.main import app, skip_unused_imports
from bot.cli.dutch import speak_dutch

skip_unused_imports()  # what main() does first
speak_dutch()  # what the root group does when a command runs
import bot.runtime, bot.adapters.slack.app  # `ketenbot run` with Telegram and Slack (HTTP mode)

unused = (
    "rich",
    "pygments",
    "markdown_it",
    "click",
    "typer.rich_utils",
    "slack_bolt.adapter.socket_mode",
    "sqlalchemy.dialects.postgresql",
)
loaded = [name for name in unused if name in sys.modules]
import typer.rich_utils  # help or an error: typer imports it then, and it speaks Dutch as before
print(json.dumps({"loaded": loaded, "panel": typer.rich_utils.OPTIONS_PANEL_TITLE}))
"""


def test_ketenbot_run_imports_neither_rich_nor_socket_mode_and_help_stays_dutch() -> None:
    root = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=root, env={"PATH": ""}, capture_output=True, text=True, check=True
    )
    found = json.loads(child.stdout)
    assert found["loaded"] == [], f"imported at start, needed only later: {found['loaded']}"
    assert found["panel"] == "Opties"
