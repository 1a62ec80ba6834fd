"""Bulk fill for bench/regie.py: demo data plus ``size`` fictional cases with everything around them.

COPY on Postgres and executemany on SQLite, with ids given up front; sequences and the case counters are
set afterwards, and the statistics refreshed (ANALYZE) before anything is measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, text

from bot.app import App
from storage.cases.tables import Action, Case, CaseEvent, CaseParticipant, RegieAssignment, Signal, Subject
from storage.crypto import BlindIndex, EncryptedText
from storage.models import AuditEvent, Identity, Member, MemberRole
from storage.names import initials, name_key, surname_key
from storage.release.detention import Huisverbod

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FIRST = [
    f"{a}{b}"
    for a in ("An", "Bo", "Ca", "Da", "El", "Fe", "Gi", "Ha", "Io", "Ja")
    for b in ("na", "rt", "s", "m", "ke", "o", "is", "ra", "en", "ck")
]
LAST = [
    f"{p}{a}{b}"
    for p in ("", "van ", "de ", "van der ", "ter ")
    for a in ("Berg", "Dijk", "Smit", "Visser", "Bakker", "Mulder", "Bos", "Vos", "Peters", "Hendriks")
    for b in (
        "",
        "s",
        "man",
        "ink",
        "huis",
        "veld",
        "kamp",
        "stra",
        "ema",
        "ma",
        "inga",
        "er",
        "ing",
        "hof",
        "ert",
        "el",
        "ers",
        "ens",
        "on",
        "ag",
    )
]
AUDIT_PER_CASE = 10
MEMBERS_PER_CASES = 50
FIRST_YEAR, YEARS = 2013, 12  # 100k cases stay within 4-digit numbers; the demo owns 2025 and 2026


def person(i: int) -> tuple[str, date]:
    """A fictional name and birth date, spread so a full name matches about one case at any size."""
    name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
    return name, date(1950 + i % 60, 1 + i % 12, 1 + i % 28)


# -- filling --------------------------------------------------------------------------------------------


def bulk(connection: Connection, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY on Postgres, executemany elsewhere; ids are given, so nothing needs returning."""
    table: Table = model.__table__
    count = 0
    if connection.dialect.name == "postgresql":
        columns = [c.name for c in table.columns]
        # COPY bypasses SQLAlchemy's types: encrypt names and blind-index keys as an INSERT would
        convert = {
            c.name: c.type.process_bind_param
            for c in table.columns
            if isinstance(c.type, EncryptedText | BlindIndex)
        }
        dialect = connection.dialect
        raw = connection.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy,
        ):
            for row in rows:
                values = {c: convert[c](row.get(c), dialect) if c in convert else row.get(c) for c in columns}
                copy.write_row([_pg(values[c]) for c in columns])
                count += 1
        return count
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 20_000:
            connection.execute(table.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
    return count + len(batch)


def _pg(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def next_id(connection: Connection, table: str) -> int:
    return int(connection.execute(text(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')).scalar_one())


def fill(app: App, size: int) -> None:
    with app.engine.begin() as c:
        orgs = [row[0] for row in c.execute(text("SELECT id FROM organisation ORDER BY id"))]
        m0, s0, k0 = next_id(c, "member"), next_id(c, "signal"), next_id(c, "case")
        # every first id up front: no query may run on the connection while a COPY streams
        first = {t: next_id(c, t) for t in ("subject", "case_participant", "regie_assignment")}
        count = max(20, size // MEMBERS_PER_CASES)
        members = list(range(m0, m0 + count))
        managers, partners = members[::10], [m for i, m in enumerate(members) if i % 10]
        org_of = {m: orgs[i % len(orgs)] for i, m in enumerate(members)}
        bulk(
            c,
            Member,
            (
                {
                    "id": m,
                    "name": f"Bench Lid {m}",
                    "organisation_id": org_of[m],
                    "language": "nl",
                    "active": True,
                    "created_at": NOW,
                    "revoked_at": None,
                }
                for m in members
            ),
        )
        bulk(
            c,
            MemberRole,
            ({"member_id": m, "role": "procesmanager" if m in managers else "partner"} for m in members),
        )
        i0 = next_id(c, "identity")
        bulk(
            c,
            Identity,
            (
                {
                    "id": i0 + n,
                    "member_id": m,
                    "platform": "console",
                    "external_id": f"bench-{n}",
                    "display_name": None,
                    "direct_chat_id": f"bench-{n}",
                    "last_used_at": NOW,
                }
                for n, m in enumerate(members)
            ),
        )
        cases = range(size)

        def ids(i: int) -> tuple[int, int, int, int]:
            return (
                k0 + i,
                managers[i % len(managers)],
                partners[(i * 7) % len(partners)],
                partners[(i * 13 + 1) % len(partners)],
            )

        def case_rows() -> Iterable[dict[str, Any]]:
            for i in cases:
                cid, pm, _, _ = ids(i)
                year, number = FIRST_YEAR + i % YEARS, i // YEARS + 1
                closed = (i * 2_654_435_761) % 97 < 20  # ~20 %, not in step with the member rotation
                yield {
                    "id": cid,
                    "code": f"VH-{year}-{number:04d}",
                    "year": year,
                    "number": number,
                    "status": "gesloten" if closed else "actief",
                    "track": "topx",
                    "initials": initials(person(i)[0]),
                    "signal_id": s0 + i,
                    "opened_by": pm,
                    "opened_at": NOW - timedelta(days=i % 700),
                    "closed_at": NOW if closed else None,
                }

        bulk(c, Case, case_rows())
        bulk(
            c,
            Signal,
            (
                {
                    "id": s0 + i,
                    "reporter_id": ids(i)[3],
                    "gemeente": "Waterdam",
                    "categories": ["overlast"],
                    "urgency": "normaal",
                    "description": "Fictief.",
                    "subject_informed": False,
                    "status": "decided",
                    "matched_case_id": None,
                    "outcome": "topx",
                    "reason": None,
                    "decided_by": ids(i)[1],
                    "decided_at": NOW,
                    "case_id": k0 + i,
                    "created_at": NOW - timedelta(days=i % 700),
                }
                for i in cases
            ),
        )

        def subject_rows() -> Iterable[dict[str, Any]]:
            sid = first["subject"]
            for i in cases:
                for j in (0, 1) if i % 10 == 0 else (0,):
                    name, born = person(i + j * 7919)
                    yield {
                        "id": sid,
                        "signal_id": s0 + i,
                        "case_id": k0 + i,
                        "name": name,
                        "name_key": name_key(name),
                        "surname_key": surname_key(name),
                        "initials": initials(name),
                        "birth_date": born,
                    }
                    sid += 1

        bulk(c, Subject, subject_rows())

        def participant_rows() -> Iterable[dict[str, Any]]:
            pid = first["case_participant"]
            for i in cases:
                cid, pm, casus, third = ids(i)
                for m in dict.fromkeys((pm, casus, third)):
                    yield {
                        "id": pid,
                        "case_id": cid,
                        "member_id": m,
                        "organisation_id": None,
                        "added_by": pm,
                        "added_at": NOW,
                        "removed_at": None,
                    }
                    pid += 1
                if i % 5 == 1:
                    yield {
                        "id": pid,
                        "case_id": cid,
                        "member_id": None,
                        "organisation_id": orgs[i % len(orgs)],
                        "added_by": pm,
                        "added_at": NOW,
                        "removed_at": None,
                    }
                    pid += 1

        bulk(c, CaseParticipant, participant_rows())

        def regie_rows() -> Iterable[dict[str, Any]]:
            rid = first["regie_assignment"]
            for i in cases:
                cid, pm, casus, third = ids(i)
                earlier = NOW - timedelta(days=30)
                rows: list[tuple[str, int, datetime, datetime | None]] = [
                    ("procesregie", pm, earlier, None),
                    ("casusregie", casus, earlier, None),
                ]
                if i % 3 == 0:
                    rows.append(("casusregie", third, earlier - timedelta(days=60), earlier))
                for kind, m, start, end in rows:
                    yield {
                        "id": rid,
                        "case_id": cid,
                        "kind": kind,
                        "organisation_id": org_of[m],
                        "member_id": m,
                        "from_at": start,
                        "to_at": end,
                    }
                    rid += 1

        bulk(c, RegieAssignment, regie_rows())
        a0, e0 = next_id(c, "case_action"), next_id(c, "case_event")
        bulk(
            c,
            Action,
            (
                {
                    "id": a0 + i,
                    "case_id": k0 + i,
                    "text": "Fictieve actie",
                    "owner_id": ids(i)[2],
                    "deadline": date(2026, 12, 1) + timedelta(days=i % 60),
                    "created_by": ids(i)[1],
                    "created_at": NOW,
                    "done_at": None if i % 2 else NOW,
                    "done_by": None if i % 2 else ids(i)[2],
                }
                for i in cases
            ),
        )
        bulk(
            c,
            CaseEvent,
            (
                {
                    "id": e0 + n,
                    "case_id": k0 + n // 2,
                    "at": NOW - timedelta(hours=n),
                    "member_id": ids(n // 2)[1],
                    "kind": "opened" if n % 2 == 0 else "regie",
                    "params": {"signal": f"S-{s0 + n // 2}", "track": "topx"}
                    if n % 2 == 0
                    else {"kind": "casusregie", "who": "Bench"},
                }
                for n in range(2 * size)
            ),
        )
        h0 = next_id(c, "huisverbod")
        bulk(
            c,
            Huisverbod,
            (  # one case in ten had a huisverbod in the last half year (the report's huisverbod figures)
                {
                    "id": h0 + n,
                    "case_id": k0 + i,
                    "started_on": (NOW - timedelta(days=i % 180)).date(),
                    "extended": None if i % 3 == 0 else (i // 10) % 2 == 0,
                    "created_by": ids(i)[1],
                    "created_at": NOW,
                    "decided_at": None,
                }
                for n, i in enumerate(range(0, size, 10))
            ),
        )
        u0 = next_id(c, "audit_event")
        bulk(
            c,
            AuditEvent,
            (
                {
                    "id": u0 + n,
                    "at": NOW - timedelta(seconds=n),
                    "member_id": members[n % len(members)],
                    "platform": "console",
                    "chat_kind": "direct",
                    "kind": "read",
                    "name": "casus",
                    "case_id": k0 + n % size,
                    "outcome": "ok",
                    "detail": None,
                    "correlation_id": None,
                }
                for n in range(AUDIT_PER_CASE * size)
            ),
        )
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            c.execute(text("DELETE FROM case_counter WHERE year = :y"), {"y": year})
            c.execute(
                text(
                    "INSERT INTO case_counter (year, last)"
                    ' VALUES (:y, (SELECT COALESCE(MAX(number), 0) FROM "case" WHERE year = :y))'
                ),
                {"y": year},
            )
        if c.dialect.name == "postgresql":
            for table in (
                "member",
                "identity",
                "case",
                "signal",
                "subject",
                "case_participant",
                "regie_assignment",
                "case_action",
                "case_event",
                "huisverbod",
                "audit_event",
                "organisation",
            ):
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                        f' (SELECT MAX(id) FROM "{table}"))'
                    )
                )
    with app.engine.connect() as c:
        c.execute(text("ANALYZE"))
        c.commit()
