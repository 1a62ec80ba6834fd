"""/overleg driven end to end through the JSONL console: the invite reaches the invitee with its .ics."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.handlers.cases.test_console_cases import run_cli


def test_jsonl_console_plans_a_meeting_and_delivers_the_invite_with_its_ics(tmp_path: Path) -> None:
    database = tmp_path / "console.db"
    run_cli(["demo-data"], database)
    with sqlite3.connect(database) as connection:  # the demo's meetings come first
        meeting = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM meeting").fetchone()[0]
    # relative to the clock of the CLI under test (a subprocess: the machine's), not this process's
    answers = ["/overleg plan", "1", "over 20 dagen 10:00", "60", "Zaal 1", "-", "@ggz", "1", "-"]
    lines = [{"user": "procesmanager", "text": text} for text in answers]
    lines.append({"user": "procesmanager", "press": "form.submit", "value": ""})
    lines.append({"user": "ggz", "press": "overleg.rsvp", "value": f"{meeting}:ja"})
    out = [
        json.loads(line)
        for line in run_cli(
            ["console", "--jsonl"], database, "".join(json.dumps(x) + "\n" for x in lines)
        ).splitlines()
    ]
    planned = [o for o in out if o["to"] == "procesmanager" and f"#{meeting} is gepland" in o["text"]]
    assert len(planned) == 1 and planned[0]["file"]["name"] == f"overleg-{meeting}.ics"
    invites = [o for o in out if o["to"] == "ggz" and o["text"].startswith("Uitnodiging")]
    assert len(invites) == 1
    assert invites[0]["file"]["mime"] == "text/calendar" and invites[0]["file"]["size"] > 500
    assert [b["value"] for b in invites[0]["buttons"]] == [
        f"{meeting}:{a}" for a in ("ja", "nee", "vervanger")
    ]
    assert any(o["to"] == "ggz" and f"Genoteerd voor overleg #{meeting}: ja" in o["text"] for o in out)
