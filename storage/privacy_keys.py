"""Key checks and rotation for the encrypted personal fields (see storage/crypto.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from storage.cases import Signal, Subject
from storage.crypto import PREFIX, KeyRing, keyring_of
from storage.names import name_key, surname_key

BATCH = 500


def check_key(engine: Engine) -> None:
    """Decrypt one stored value of each kind: a wrong or missing key fails here, at start-up, not later."""
    keyring = keyring_of(engine.dialect)
    with engine.connect() as connection:
        for sql in (
            "SELECT name FROM subject WHERE name LIKE :p LIMIT 1",
            "SELECT description FROM signal WHERE description LIKE :p LIMIT 1",
        ):
            stored = connection.execute(text(sql), {"p": PREFIX + "%"}).scalar()
            if stored is not None:
                keyring.decrypt(str(stored))


@dataclass
class RotationResult:
    subjects: int = 0
    signals: int = 0
    key_id: str = ""


def rotate(session: Session) -> RotationResult:
    """Re-encrypt every personal field with the current key (plaintext rows too) and recompute the name
    indexes with the current index key. Old keys are only read; afterwards they may be removed."""
    keyring: KeyRing = keyring_of(session.get_bind().dialect)
    result = RotationResult(key_id=keyring.current)
    last = 0
    while True:
        subjects = session.exec(
            select(Subject).where(col(Subject.id) > last).order_by(col(Subject.id)).limit(BATCH)
        ).all()
        if not subjects:
            break
        for subject in subjects:
            if subject.name_key:  # anonymised rows have no index
                subject.name_key = name_key(subject.name)
                subject.surname_key = surname_key(subject.name)
            flag_modified(subject, "name")
            session.add(subject)
            result.subjects += 1
        last = subjects[-1].id or 0
        session.flush()
    last = 0
    while True:
        signals = session.exec(
            select(Signal).where(col(Signal.id) > last).order_by(col(Signal.id)).limit(BATCH)
        ).all()
        if not signals:
            break
        for signal in signals:
            flag_modified(signal, "description")
            session.add(signal)
            result.signals += 1
        last = signals[-1].id or 0
        session.flush()
    return result
