"""Two dispatcher instances (threads with their own engines) on Postgres drain the same 10,000 due rows
at once: nothing sent twice, nothing lost, and each recipient's messages still in order."""

import asyncio
import threading
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import event

from bot.core.clock import FixedClock
from bot.core.types import Outgoing
from storage.uow import UnitOfWork
from tests.conftest import keyed_engine, truncate_all
from tests.schedules.helpers import T0, add_members, bulk_outbox, make_dispatcher, statuses

ROWS = 10_000
MEMBERS = 500


class SharedLog:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (instance, key), in the order the platform got them
        self.lock = threading.Lock()

    def sender(self, instance: str):
        log = self

        class NullSender:
            async def send(self, message: Outgoing) -> None:
                with log.lock:
                    log.sent.append((instance, message.dedupe_key or ""))

        return NullSender()


@pytest.fixture
def postgres_url(postgres_database: str) -> str:
    truncate_all(postgres_database)
    return postgres_database


def test_two_instances_send_10000_rows_once_each_in_order(postgres_url):
    setup = keyed_engine(postgres_url)
    members, _ = add_members(setup, MEMBERS)
    per_member = ROWS // MEMBERS
    bulk_outbox(
        setup,
        [
            {"dedupe_key": f"t:{m}:{i:03d}", "member_id": m, "due_at": T0 - timedelta(seconds=per_member - i)}
            for i in range(per_member)
            for m in members
        ],
    )
    log = SharedLog()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def instance(name: str) -> None:
        engine = keyed_engine(postgres_url)
        dispatcher = make_dispatcher(engine, FixedClock(T0), {"telegram": log.sender(name)})

        async def drain() -> None:
            for _ in range(20_000):  # bounded
                if await dispatcher.tick() == 0:
                    left = statuses(engine)
                    if left.get("pending", 0) + left.get("claimed", 0) == 0:
                        return
            raise AssertionError("did not drain")

        try:
            start.wait(timeout=30)
            asyncio.run(drain())
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=instance, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    keys = [key for _, key in log.sent]
    assert len(keys) == ROWS  # 0 duplicates ...
    assert len(set(keys)) == ROWS  # ... and 0 lost
    by_instance: dict[str, int] = defaultdict(int)
    for name, _ in log.sent:
        by_instance[name] += 1
    assert min(by_instance.values()) > ROWS // 10, by_instance  # both really worked
    per_recipient: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        per_recipient[key.split(":")[1]].append(key)
    assert all(sent == sorted(sent) for sent in per_recipient.values())
    assert statuses(setup) == {"sent": ROWS}
    setup.dispose()


def test_a_claim_that_races_another_one_takes_only_rows_nobody_else_took(database_url):
    """Another dispatcher claims in the instant between our read of the candidates and our UPDATE. On
    SQLite (no row locks) our UPDATE re-checks each row; on Postgres our rows are locked and the other
    skips them. Either way the two claims are disjoint and each keeps every recipient's order."""
    ours, theirs = keyed_engine(database_url), keyed_engine(database_url)
    members, _ = add_members(ours, 10)
    bulk_outbox(
        ours,
        [
            {"dedupe_key": f"r:{m}:{i}", "member_id": m, "due_at": T0 - timedelta(seconds=100 - 10 * n - i)}
            for n, m in enumerate(members)
            for i in range(4)
        ],
    )
    raced: list[list[str]] = []

    def claim_elsewhere(conn, cursor, statement, parameters, context, executemany):
        if (
            statement.lstrip().upper().startswith("UPDATE OUTBOX")
            and "RETURNING" in statement.upper()
            and not raced
        ):
            with UnitOfWork(theirs) as uow:
                raced.append([row.dedupe_key for row in uow.outbox.claim_due(T0, limit=20)])
                uow.commit()

    event.listen(ours, "before_cursor_execute", claim_elsewhere)
    with UnitOfWork(ours) as uow:
        mine = [row.dedupe_key for row in uow.outbox.claim_due(T0, limit=40)]
        uow.commit()
    event.remove(ours, "before_cursor_execute", claim_elsewhere)

    assert raced and mine
    assert not set(mine) & set(raced[0])
    assert set(mine) | set(raced[0]) == {f"r:{m}:{i}" for m in members for i in range(4)}
    if ours.dialect.name == "sqlite":  # they took the first five members, we the other five
        assert {key.split(":")[1] for key in raced[0]} == {str(m) for m in members[:5]}
    with UnitOfWork(ours) as uow:
        for key in mine + raced[0]:
            row = uow.outbox.by_key(key)
            assert row is not None and row.status == "claimed" and row.attempts == 1, key
    for claimed in (mine, raced[0]):
        per_recipient: dict[str, list[int]] = defaultdict(list)
        for key in claimed:
            per_recipient[key.split(":")[1]].append(int(key.split(":")[2]))
        # each claim holds, per recipient, a run of rows that starts at that recipient's first row
        assert all(offsets == list(range(len(offsets))) for offsets in per_recipient.values()), claimed
    ours.dispose()
    theirs.dispose()
