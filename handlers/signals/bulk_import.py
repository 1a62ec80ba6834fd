"""Bulk import of signals from a partner's CSV export (``ketenbot import signals``; later a chat upload).

Each valid row becomes a signal, or a mutatie when its person is a subject of an open case. The whole file is
one transaction: a file with any invalid row imports nothing, and every invalid row is reported by line
number with the reason. UTF-8 (with or without BOM) and Windows-1252 are both read; ``;`` or ``,`` separate.
Exact duplicate rows are imported once and reported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.core.dates import parse_date
from bot.core.errors import UserError
from bot.core.i18n import Text, t
from handlers.signals.mutatie import mutatie_messages
from storage.cases.tables import Case, CaseEventKind, SignalCategory, SignalStatus, Urgency
from storage.names import name_key
from storage.uow import UnitOfWork

COLUMNS = ("name", "birth_date", "gemeente", "categories", "urgency", "description")
MAX_ROWS = 100_000
BATCH = 1000
_CATEGORIES = frozenset(c.value for c in SignalCategory)
_URGENCIES = frozenset(u.value for u in Urgency)


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    key: str
    birth_date: date | None
    gemeente: str
    categories: list[str]
    urgency: str
    description: str


@dataclass
class ImportResult:
    rows: int = 0
    signals: int = 0
    mutaties: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, same as line)
    errors: list[tuple[int, Text]] = field(default_factory=list)
    mutatie_cases: dict[str, int] = field(default_factory=dict)  # case code -> mutaties

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as Windows-1252 (Excel's default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(data: bytes, today: date, result: ImportResult) -> list[Row]:
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise UserError(
            "import.bad_header", expected=delimiter.join(COLUMNS), found=delimiter.join(header)[:200]
        )
    rows: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise UserError("import.too_many_rows", limit=MAX_ROWS)
        normalised = tuple(" ".join(v.split()) for v in values)
        if normalised in seen:
            result.duplicates.append((line, seen[normalised]))
            continue
        seen[normalised] = line
        row = parse_row(line, list(normalised), today, result)
        if row is not None:
            rows.append(row)
    return rows


def parse_row(line: int, values: list[str], today: date, result: ImportResult) -> Row | None:
    def refuse(reason: Text) -> None:
        result.errors.append((line, reason))

    if len(values) != len(COLUMNS):
        refuse(t("import.wrong_columns", expected=len(COLUMNS), found=len(values)))
        return None
    name, born_text, gemeente, categories_text, urgency, description = values
    key = name_key(name)
    if not key or len(name) > 120:
        refuse(t("import.bad_name"))
        return None
    born: date | None = None
    if born_text:
        try:
            born = parse_date(born_text, today)
        except UserError:
            refuse(t("import.bad_birth_date", text=born_text[:20]))
            return None
        if born > today:
            refuse(t("import.bad_birth_date", text=born_text[:20]))
            return None
    categories = [c.strip().lower() for c in re.split(r"[,;|]", categories_text) if c.strip()]
    unknown = [c for c in categories if c not in _CATEGORIES]
    if not categories or unknown:
        refuse(t("import.bad_category", text=", ".join(unknown)[:60] or "-"))
        return None
    if urgency.lower() not in _URGENCIES:
        refuse(t("import.bad_urgency", text=urgency[:20]))
        return None
    if not gemeente or len(gemeente) > 80 or not description or len(description) > 2000:
        refuse(t("import.missing_field"))
        return None
    return Row(line, name, key, born, gemeente, categories, urgency.lower(), description)


def _match(row: Row, known: dict[str, list[tuple[date | None, Case]]]) -> Case | None:
    for born, case in known.get(row.key, []):
        if row.birth_date is None or born is None or born == row.birth_date:
            return case
    return None


def route_mutaties(
    uow: UnitOfWork,
    now: datetime,
    reporter_id: int,
    reporter_name: str,
    imported: list[tuple[int, Row, Case | None]],
) -> None:
    """The mutatie flow (``handlers.signals.mutatie``) for a batch of imported signals already stored as
    mutaties: timeline events and the alerts to the regie holders, in one query and two multi-row inserts."""
    mutaties = [(signal_id, row, case) for signal_id, row, case in imported if case is not None]
    if not mutaties:
        return
    holders = uow.signal_import.current_holders([case.id for _, _, case in mutaties if case.id is not None])
    events, messages = [], []
    for signal_id, row, case in mutaties:
        assert case.id is not None
        events.append(
            {
                "case_id": case.id,
                "at": now,
                "member_id": reporter_id,
                "kind": CaseEventKind.MUTATIE.value,
                "params": {"signal": f"S-{signal_id}"},
            }
        )
        messages += mutatie_messages(
            signal_id, case, [row.name], row.urgency, row.description, reporter_name, holders.get(case.id, {})
        )
    uow.signal_import.add_events(events)
    uow.signal_import.add_messages(messages, now)


def import_signals(
    uow: UnitOfWork, data: bytes, *, reporter_id: int, now: datetime, today: date, dry_run: bool
) -> ImportResult:
    """Validate the whole file, then (unless a dry run or any row is invalid) import it in one commit."""
    result = ImportResult()
    rows = read_rows(data, today, result)
    with uow:
        known = uow.signal_import.open_cases_by_key([row.key for row in rows])
        matches = [_match(row, known) for row in rows]
        for case in matches:
            if case is not None:
                result.mutatie_cases[case.code] = result.mutatie_cases.get(case.code, 0) + 1
        result.mutaties = sum(1 for case in matches if case is not None)
        result.signals = len(rows) - result.mutaties
        if dry_run or not result.ok:
            return result  # leaving the block rolls back: nothing written
        reporter = uow.members.get(reporter_id)
        reporter_name = reporter.name if reporter else "?"
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cases = matches[start : start + BATCH]
            values = [
                (
                    {
                        "reporter_id": reporter_id,
                        "gemeente": row.gemeente,
                        "categories": row.categories,
                        "urgency": row.urgency,
                        "description": row.description,
                        "subject_informed": False,
                        "status": (SignalStatus.NEW if case is None else SignalStatus.MUTATIE).value,
                        "matched_case_id": None if case is None else case.id,
                        "case_id": None if case is None else case.id,
                        "created_at": now,
                    },
                    row.name,
                    row.birth_date,
                )
                for row, case in zip(batch, cases, strict=True)
            ]
            ids = uow.signal_import.add_many(values)
            route_mutaties(uow, now, reporter_id, reporter_name, list(zip(ids, batch, cases, strict=True)))
        uow.commit()
    return result
