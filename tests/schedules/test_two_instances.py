"""Two dispatcher instances (threads with their own engines) on Postgres drain the same 10,000 due rows
at once: nothing sent twice, nothing lost, and each recipient's messages still in order."""

import asyncio
import threading
from collections import defaultdict
from datetime import timedelta

import pytest

from bot.core.clock import FixedClock
from bot.core.types import Outgoing
from storage.db import make_engine
from tests.conftest import truncate_all
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
    setup = make_engine(postgres_url)
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
        engine = make_engine(postgres_url)
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
