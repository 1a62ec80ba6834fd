"""The canary (issue 16): fictional names and texts that cannot occur by chance go through the end-to-end
paths (signal, stepwise form left half-filled, triage, plan, drang/dwang, scenario, detention alerts and
facility, opschaling, informatieverzoek, delivered and pending messages, a meeting's place and its cancel
reasons, an uploaded file's name), on SQLite and Postgres. Then:

1. the raw database (SQLite file + WAL; Postgres ``pg_dump``, or every text column when ``pg_dump`` is
   missing) and every captured log line hold none of them: everything personal is encrypted at rest;
2. decrypted, the database does hold them (the scenario really stored them: the scan can see);
3. after ``ketenbot privacy erase`` of the two people, the decrypted database (pending outbox rows and
   form states included, base64 attachments opened) holds none of them either.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import JSON, TypeDecorator
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (every table in the metadata)
from storage.crypto import PREFIX, keyring_of
from storage.models import Role
from storage.privacy.retention import find_subjects
from tests.handlers.network.network_helpers import add_member
from tests.handlers.overleg.overleg_helpers import PLAN
from tests.harness import Chat

NAME = "Zwxqvrtl Kanarieveld"
HOUSEMATE = "Ylvqzbr Kanarieveld"
HALF_FILLED = "Qvxzwjn Halfkanarie"
TEXTS = {
    "description": "Fictief kanarieverhaal qjzxwvkanarie: glasgerinkel en geschreeuw na middernacht",
    "reason": "Triagekanarie vpqzxkanarie: samenloop van zorgen op drie leefgebieden",
    "action": "Kanarieactie wqzvkanarie huisbezoek plannen",
    "fallback": "Kanariedrang zqxvkanarie melding aan het OM bij niet nakomen",
    "scenario": "Kanariescenario xqvzkanarie: wijkagent en GGZ binnen twee uur langs",
    "escalation": "Kanarieopschaling qzvxkanarie al vier weken geen behandelplan",
    "facility": "PI Kanariezwolle vzqxkanarie",
}
# free texts that name the person in fields that are no case text (issue 16): table, column, the canary in it
FREE_TEXTS = (
    ("meeting", "place", NAME),
    ("meeting", "cancel_reason", NAME),
    ("meeting_change", "reason", HOUSEMATE),
    ("pending_upload", "file_name", NAME),
    ("detention", "facility", TEXTS["facility"]),
)
CANARIES = [NAME, HOUSEMATE, HALF_FILLED, *TEXTS.values()]
NEEDLES = [
    "Zwxqvrtl",
    "Ylvqzbr",
    "Qvxzwjn",
    "qjzxwvkanarie",
    "vpqzxkanarie",
    "wqzvkanarie",
    "zqxvkanarie",
    "xqvzkanarie",
    "qzvxkanarie",
    "vzqxkanarie",
]
BASE64 = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")


def hits(haystack: str) -> set[str]:
    folded = haystack.casefold()
    return {needle for needle in NEEDLES if needle.casefold() in folded}


def _text_columns() -> Iterator[tuple[str, str]]:
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON | TypeDecorator):
                yield table.name, column.name


def stored_values(chat: Chat) -> list[str]:
    """Every text column of every table, as stored (``CAST ... AS TEXT``)."""
    values: list[str] = []
    with chat.app.engine.connect() as connection:
        for table, column in _text_columns():
            sql = f'SELECT CAST("{column}" AS TEXT) FROM "{table}" WHERE "{column}" IS NOT NULL'
            values.extend(str(v) for v in connection.execute(text(sql)).scalars())
    return values


def raw_database(chat: Chat) -> str:
    """The bytes on disk as the operating system sees them (SQLite file and WAL), or a ``pg_dump``."""
    url = make_url(chat.app.settings.database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        parts = [p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()]
        return b"\n".join(parts).decode("utf-8", errors="replace")
    pg_dump = shutil.which("pg_dump") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))), None
    )
    if pg_dump is None:
        return "\n".join(stored_values(chat))
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [str(pg_dump), "--data-only", "--no-owner", dsn], capture_output=True, check=True, timeout=120
    )
    return done.stdout.decode("utf-8", errors="replace")


def decrypted_database(chat: Chat) -> str:
    """Every text value decrypted, and every base64 blob in it (an .ics attachment) decoded."""
    keyring = keyring_of(chat.app.engine.dialect)
    out: list[str] = []
    for value in stored_values(chat):
        plain = keyring.decrypt(value) if value.startswith(PREFIX) else value
        out.append(plain)
        for blob in BASE64.findall(plain):
            with contextlib.suppress(binascii.Error, ValueError):
                out.append(base64.b64decode(blob + "=" * (-len(blob) % 4)).decode("utf-8", errors="replace"))
    return "\n".join(out)


def run_scenario(chat: Chat) -> str:
    """The paths that copy personal data; returns the new case's code."""
    values = {
        "name": NAME,
        "birth_date": "17-06-1983",
        "others": f"{HOUSEMATE} 02-02-1985",
        "gemeente": "Waterdam",
        "categories": "overlast, huiselijk_geweld",
        "urgency": "acuut",
        "description": TEXTS["description"],
        "informed": "nee",
    }
    reply = "\n".join(o.text for o in chat.submit("signaal.new", values, user="wijkagent"))
    ref = re.search(r"S-(\d+)", reply)
    assert ref, reply
    chat.deliver()  # the acute alert goes out: a sent row
    opened = chat.say(f"/triage S-{ref.group(1)} topx {TEXTS['reason']}", user="procesmanager")
    code = re.search(r"VH-\d{4}-\d{4}", opened)
    assert code, opened
    case = code.group(0)
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    for command in (
        f"/actie {case} {TEXTS['action']} @procesmanager 15-12-2026",
        f"/casus {case} drang {TEXTS['fallback']}",
        f"/scenario {case} {TEXTS['scenario']}",
        f"/detentie {case} 01-11-2026 28-01-2027 gevangenisstraf {TEXTS['facility']}",
        f"/opschalen {case} bestuur GGZ Rivierland {TEXTS['escalation']}",
        f"/regie {NAME}",
    ):
        chat.say(command, user="procesmanager")
    chat.say(f"/info {NAME}", user="woonstede")
    meetings_and_upload(chat, case)
    chat.deliver()  # some messages sent, the reminders and release alerts still pending
    chat.say("/signaal", user="ggz")  # a form left half-filled
    chat.say(HALF_FILLED, user="ggz")
    return case


def meetings_and_upload(chat: Chat, case: str) -> None:
    """A meeting held at the person's home, a date and a whole meeting cancelled with reasons naming them,
    and a CSV (named after them) waiting for *Importeren*."""
    meeting = {**PLAN, "cases": case, "place": f"Woning {NAME}, Dijkstraat 4"}
    ids = []
    for values in (meeting, {**meeting, "recurrence": "none", "until": ""}):
        planned = "\n".join(o.text for o in chat.submit("overleg.plan", values, user="procesmanager"))
        found = re.search(r"#(\d+)", planned)
        assert found, planned
        ids.append(found.group(1))
    chat.say(f"/overleg {ids[0]} afzeggen 08-12-2026 {HOUSEMATE} is opgenomen", user="procesmanager")
    chat.say(f"/overleg {ids[1]} afzeggen {NAME} wil niet komen", user="procesmanager")
    header = "name,birth_date,gemeente,categories,urgency,description"
    csv = f"{header}\n{NAME},17-06-1983,Waterdam,overlast,normaal,-\n"
    chat.upload(f"aanmelding {NAME}.csv", csv.encode(), user="procesmanager")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def test_canary_texts_are_never_at_rest_in_clear_and_gone_after_erase(
    chat: Chat, logs: pytest.LogCaptureFixture
):
    case = run_scenario(chat)
    before_raw = hits(raw_database(chat))
    before_logs = hits("\n".join(r.getMessage() + (r.exc_text or "") for r in logs.records))
    seen = hits(decrypted_database(chat))
    print(f"canary before erase: raw {sorted(before_raw)}, logs {sorted(before_logs)}, decrypted {len(seen)}")
    assert before_raw == set() and before_logs == set()
    assert seen == set(NEEDLES)  # the scenario stored every one of them (so the scan can see)
    keyring = keyring_of(chat.app.engine.dialect)
    with chat.app.engine.connect() as connection:
        for table, column, canary in FREE_TEXTS:
            stored = [str(v) for v in connection.execute(text(f'SELECT "{column}" FROM "{table}"')).scalars()]
            assert any(canary in keyring.decrypt(v) for v in stored), (table, column)  # there, encrypted

    with chat.app.uow() as uow:
        people = sorted(
            {s.id for who in (NAME, HOUSEMATE) for s in find_subjects(uow.session, who) if s.id is not None}
        )
    assert people
    for subject in people:
        done = chat.cli(["privacy", "erase", "--subject", str(subject), "--reason", "canary", "--force"])
        assert done.exit_code == 0, done.output
    after_raw = hits(raw_database(chat))
    after = hits(decrypted_database(chat))
    print(f"canary after erase: raw {sorted(after_raw)}, decrypted {sorted(after)}")
    assert after_raw == set()
    assert after == {"Qvxzwjn"}  # only the form nobody submitted: no subject to erase, retention takes it
    timeline = chat.say(f"/casus {case}", user="procesmanager")
    assert "[verwijderd]" in timeline and "{" not in timeline

    chat.clock.advance(timedelta(days=4))
    purged = chat.cli(["privacy", "purge"])
    assert purged.exit_code == 0 and "formulieren verwijderd: 1" in purged.output, purged.output
    assert hits(decrypted_database(chat)) == set()
