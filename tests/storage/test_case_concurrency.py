"""Two instances at once: case codes stay unique per year, and one triage decision wins."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import create_engine
from sqlmodel import col, select

from storage.cases.tables import Case, Signal, SignalStatus
from storage.uow import UnitOfWork
from tests.harness import make_chat

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
THREADS = 4
PER_THREAD = 10


def run_at_once(work, count: int) -> list[BaseException]:
    """Start ``count`` threads that wait on one barrier, then run ``work(i)``; return their errors."""
    barrier = threading.Barrier(count, timeout=30)
    errors: list[BaseException] = []

    def go(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # collected and asserted on by the test
            errors.append(error)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return errors


def test_cases_opened_at_once_from_separate_engines_get_unique_consecutive_codes(database_url: str):
    engines = [create_engine(database_url) for _ in range(THREADS)]  # one engine per "instance"

    def open_cases(index: int) -> None:
        for _ in range(PER_THREAD):
            uow = UnitOfWork(engines[index])
            with uow:
                uow.cases.open(track="topx", initials="T.", at=NOW, year=2026, opened_by=None)
                uow.commit()

    errors = run_at_once(open_cases, THREADS)
    assert errors == []
    with UnitOfWork(engines[0]) as uow:
        codes = list(uow.session.exec(select(Case.code).where(Case.year == 2026)).all())
        uow.cases.open(track="topx", initials="T.", at=NOW, year=2027, opened_by=None)
        next_year = uow.cases.open(track="topx", initials="T.", at=NOW, year=2027, opened_by=None)
    for engine in engines:
        engine.dispose()
    assert len(codes) == len(set(codes)) == THREADS * PER_THREAD
    assert sorted(codes) == [f"VH-2026-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert next_year.code == "VH-2027-0002"


def test_two_procesmanagers_deciding_at_once_one_wins(database_url: str):
    chat = make_chat(database_url)
    with chat.app.uow() as uow:
        signal_id = uow.session.exec(
            select(Signal.id).where(Signal.status == SignalStatus.NEW).order_by(col(Signal.id).desc())
        ).first()
    assert signal_id is not None  # the newest demo signal: no known person, so a case outcome opens one
    answers: dict[int, str] = {}

    def decide(index: int) -> None:
        handle = ("procesmanager", "procesmanager2")[index]
        answers[index] = "\n".join(
            o.text for o in chat.press("triage.decide", f"{signal_id}:topx", user=handle)
        )

    assert run_at_once(decide, 2) == []
    chat.app.engine.dispose()
    winners = [a for a in answers.values() if "is geopend" in a]
    losers = [a for a in answers.values() if "al beoordeeld door" in a]
    assert len(winners) == 1 and len(losers) == 1, answers
    with chat.app.uow() as uow:
        opened = uow.session.exec(select(Case).where(Case.signal_id == signal_id)).all()
    assert len(opened) == 1
