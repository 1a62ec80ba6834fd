"""The case commands driven end to end through the JSONL console, as an operator's script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_cli(args: list[str], database: Path, stdin: str = "") -> str:
    env = {**os.environ, "KETENBOT_DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_jsonl_console_shows_cases_to_deelnemers_only_and_initials_in_groups(tmp_path: Path):
    database = tmp_path / "console.db"
    run_cli(["demo-data"], database)
    year = run_cli(
        ["console", "--jsonl"], database, json.dumps({"user": "regisseur", "text": "/mijn"}) + "\n"
    ).split("VH-")[1][:4]
    code = f"VH-{year}-0001"
    lines = [
        {"user": "wijkagent", "text": f"/casus {code}"},
        {"user": "woonstede", "text": f"/casus {code}"},
        {"user": "wijkagent", "chat": "triage-groep", "text": f"/regie {code}"},
    ]
    out = [
        json.loads(line)
        for line in run_cli(
            ["console", "--jsonl"], database, "".join(json.dumps(x) + "\n" for x in lines)
        ).splitlines()
    ]
    assert out[0]["to"] == "wijkagent" and "Jan de Vries" in out[0]["text"]
    assert out[1] == {"to": "woonstede", "text": f"Casus {code} niet gevonden of geen toegang."}
    group, private = out[2], out[3]
    assert group["to"] == "triage-groep" and group["text"].startswith(f"{code} (J.d.V.)")
    assert private["to"] == "wijkagent" and "Fatima el Idrissi" in private["text"]
