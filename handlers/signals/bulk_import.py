"""Bulk import of signals from a partner's CSV export (``ketenbot import signals``; later a chat upload).

Each valid row becomes a signal, or a mutatie when its person is a subject of an open case. The whole file is
one transaction: a file with any invalid row imports nothing, and every invalid row is reported by line
number with the reason. UTF-8 (with or without BOM) and Windows-1252 are both read; ``;`` or ``,`` separate.
Exact duplicate rows are imported once and reported; so is a row imported before (the same person, gemeente,
categories, urgency and description), so importing the same file twice adds nothing. Headers may be English
or Dutch (``naam;geboortedatum;gemeente;categorieen;urgentie;omschrijving``), in any order; categories and
urgency may be written as their value or as what the form's buttons say, in Dutch or English.

The signals are credited to the member who imports (they get the terugkoppeling) and record the kind of
partner the file came from (``Signal.import_source``). Acuut rows alert every procesmanager at once, with the
code-rood offer for acute huiselijk geweld, as ``/signaal`` does.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.context import encode_reply
from bot.core.dates import parse_date
from bot.core.errors import UserError
from bot.core.fields import match_label
from bot.core.hygiene import echo
from bot.core.i18n import Catalogue, Text, t
from bot.core.types import Reply
from handlers.network.code_rood import offer as code_rood_offer
from handlers.signals.mutatie import mutatie_messages
from storage.cases.tables import Case, CaseEventKind, Signal, SignalCategory, SignalStatus, Urgency
from storage.models import Role
from storage.names import initials, name_key
from storage.uow import UnitOfWork

COLUMNS = ("name", "birth_date", "gemeente", "categories", "urgency", "description")
# the header words a partner's export may use (lower case, accents and spaces dropped) -> the column
HEADER_WORDS = {
    **{column: column for column in COLUMNS},
    "birthdate": "birth_date",
    "category": "categories",
    "naam": "name",
    "geboortedatum": "birth_date",
    "categorie": "categories",
    "categorieen": "categories",
    "zorgen": "categories",
    "urgentie": "urgency",
    "omschrijving": "description",
    "beschrijving": "description",
}
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
    imported_before: list[tuple[int, int]] = field(default_factory=list)  # (line, the earlier signal's id)
    errors: list[tuple[int, Text]] = field(default_factory=list)
    mutatie_cases: dict[str, int] = field(default_factory=dict)  # case code -> mutaties

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def skipped(self) -> int:
        """Rows not imported because they were already there: twice in the file, or imported before."""
        return len(self.duplicates) + len(self.imported_before)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as Windows-1252 (Excel's default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return HEADER_WORDS.get(
        word.replace(" ", "_").replace("-", "_"), HEADER_WORDS.get(word.replace(" ", ""), "")
    )


def read_rows(
    data: bytes, today: date, result: ImportResult, catalogue: Catalogue | None = None
) -> list[Row]:
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    columns = [_header_word(h) for h in header]
    if sorted(columns) != sorted(COLUMNS):
        raise UserError(
            "import.bad_header", expected=delimiter.join(COLUMNS), found=delimiter.join(header)[:200]
        )
    order = [columns.index(column) for column in COLUMNS]
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
        if len(normalised) == len(COLUMNS):
            normalised = tuple(normalised[i] for i in order)
        if normalised in seen:
            result.duplicates.append((line, seen[normalised]))
            continue
        seen[normalised] = line
        row = parse_row(line, list(normalised), today, result, catalogue)
        if row is not None:
            rows.append(row)
    return rows


def _choice(text: str, values: frozenset[str], prefix: str, catalogue: Catalogue | None) -> str | None:
    """A category or urgency as its stored value or as its label (either language), else None."""
    word = text.strip().lower()
    if word in values:
        return word
    if word.replace(" ", "_") in values:
        return word.replace(" ", "_")
    return match_label(word, [(v, t(f"{prefix}.{v}")) for v in sorted(values)], catalogue)


def parse_row(
    line: int, values: list[str], today: date, result: ImportResult, catalogue: Catalogue | None = None
) -> Row | None:
    def refuse(reason: Text) -> None:
        result.errors.append((line, reason))

    if len(values) != len(COLUMNS):
        refuse(t("import.wrong_columns", expected=len(COLUMNS), found=len(values)))
        return None
    name, born_text, gemeente, categories_text, urgency_text, description = values
    key = name_key(name)
    if not key or len(name) > 120:
        refuse(t("import.bad_name"))
        return None
    born: date | None = None
    if born_text:
        try:
            born = parse_date(born_text, today)
        except UserError:
            refuse(t("import.bad_birth_date", text=echo(born_text, 20)))
            return None
        if born > today:
            refuse(t("import.bad_birth_date", text=echo(born_text, 20)))
            return None
    words = [c.strip() for c in re.split(r"[,;|]", categories_text) if c.strip()]
    found = {word: _choice(word, _CATEGORIES, "signal.category", catalogue) for word in words}
    unknown = [word for word, value in found.items() if value is None]
    if not words or unknown:
        valid = [t(f"signal.category.{c.value}") for c in SignalCategory]
        refuse(t("import.bad_category", text=", ".join(unknown)[:60] or "-", valid=valid))
        return None
    categories = list(dict.fromkeys(value for value in found.values() if value is not None))
    urgency = _choice(urgency_text, _URGENCIES, "signal.urgency", catalogue)
    if urgency is None:
        refuse(t("import.bad_urgency", text=echo(urgency_text, 20)))
        return None
    if not gemeente or len(gemeente) > 80 or not description or len(description) > 2000:
        refuse(t("import.missing_field"))
        return None
    return Row(line, name, key, born, gemeente, categories, urgency, description)


def _match(row: Row, known: dict[str, list[tuple[date | None, Case]]]) -> Case | None:
    for born, case in known.get(row.key, []):
        if row.birth_date is None or born is None or born == row.birth_date:
            return case
    return None


def route_mutaties(
    uow: UnitOfWork,
    now: datetime,
    reporter_id: int,
    reporter_name: Text | str,
    imported: list[tuple[int, Row, Case | None]],
) -> None:
    """The mutatie flow (``handlers.signals.mutatie``) for a batch of imported signals already stored as
    mutaties: timeline events and the alerts to the regie holders, in one query and two multi-row inserts."""
    mutaties = [(signal_id, row, case) for signal_id, row, case in imported if case is not None]
    if not mutaties:
        return
    holders = uow.signal_import.current_holders([case.id for _, _, case in mutaties if case.id is not None])
    managers = [m.id for m in uow.members.with_role(Role.PROCESMANAGER) if m.id is not None]
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
            signal_id,
            case,
            [row.name],
            row.urgency,
            row.description,
            reporter_name,
            holders.get(case.id, {}),
            managers,
        )
    uow.signal_import.add_events(events)
    uow.signal_import.add_messages(messages, now)


def acute_alerts(
    uow: UnitOfWork, now: datetime, reporter_name: Text | str, imported: list[tuple[int, Row, Case | None]]
) -> list[tuple[str, int, dict[str, Any]]]:
    """The acute alert of ``/signaal`` for every acuut row: to every procesmanager at once, with the code-rood
    offer for acute huiselijk geweld; an acuut mutatie says it is not in the triage queue."""
    acute = [(signal_id, row, case) for signal_id, row, case in imported if row.urgency == Urgency.ACUUT]
    if not acute:
        return []
    managers = [m.id for m in uow.members.with_role(Role.PROCESMANAGER) if m.id is not None]
    messages = []
    for signal_id, row, case in acute:
        alert = t(
            "import.acute_alert" if case is None else "import.acute_alert_known",
            ref=f"S-{signal_id}",
            initials=initials(row.name),
            gemeente=row.gemeente,
            reporter=reporter_name,
        )
        probe = Signal(
            id=signal_id,
            reporter_id=0,
            gemeente=row.gemeente,
            categories=row.categories,
            urgency=row.urgency,
            description="",
            created_at=now,
        )
        extra, buttons = code_rood_offer(probe)
        payload = encode_reply(Reply([alert, *extra], buttons=buttons))
        messages += [(f"signal:{signal_id}:acuut:{manager}", manager, payload) for manager in managers]
    return messages


def _fingerprint(row: Row) -> tuple[str, date | None, str, tuple[str, ...], str, str]:
    return (
        row.key,
        row.birth_date,
        row.gemeente.lower(),
        tuple(sorted(row.categories)),
        row.urgency,
        row.description,
    )


def drop_imported_before(uow: UnitOfWork, rows: list[Row], result: ImportResult) -> list[Row]:
    """Rows whose signal is already there (the same file imported again) are reported and left out."""
    earlier: dict[tuple[str, date | None, str, tuple[str, ...], str, str], int] = {}
    for key, born, gemeente, categories, urgency, description, signal_id in uow.signal_import.signals_by_key(
        [row.key for row in rows]
    ):
        fingerprint = (key, born, gemeente.lower(), tuple(sorted(categories)), urgency, description)
        earlier.setdefault(fingerprint, signal_id)
    kept: list[Row] = []
    for row in rows:
        before = earlier.get(_fingerprint(row))
        if before is None:
            kept.append(row)
        else:
            result.imported_before.append((row.line, before))
    return kept


def import_signals(
    uow: UnitOfWork,
    data: bytes,
    *,
    reporter_id: int,
    source: str | None = None,
    now: datetime,
    today: date,
    dry_run: bool,
    catalogue: Catalogue | None = None,
) -> ImportResult:
    """Validate the whole file, then (unless a dry run or any row is invalid) import it in one commit.

    ``reporter_id`` is the member who imports; ``source`` the kind of partner the file came from."""
    result = ImportResult()
    rows = read_rows(data, today, result, catalogue)
    with uow:
        rows = drop_imported_before(uow, rows, result)
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
        name = reporter.name if reporter else "?"
        reporter_name: Text | str = (
            t("import.reporter", name=name, source=t(f"upload.kind.{source}")) if source else name
        )
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
                        "import_source": source,
                    },
                    row.name,
                    row.birth_date,
                )
                for row, case in zip(batch, cases, strict=True)
            ]
            ids = uow.signal_import.add_many(values)
            imported = list(zip(ids, batch, cases, strict=True))
            route_mutaties(uow, now, reporter_id, reporter_name, imported)
            uow.signal_import.add_messages(acute_alerts(uow, now, reporter_name, imported), now)
        uow.commit()
    return result
