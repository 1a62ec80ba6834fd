"""Claiming and retrying on a real database (SQLite and Postgres): order per recipient, backoff that
holds back later rows, leases, rows handed back when their turn would come after the lease."""

import asyncio
from datetime import timedelta

from sqlalchemy import Engine

from bot.core.clock import FixedClock
from bot.core.pacing import Limit, Limits
from bot.core.sending import SendError
from schedules.dispatcher import backoff
from storage.uow import UnitOfWork
from tests.conftest import keyed_engine
from tests.schedules.helpers import (
    T0,
    Recorder,
    VirtualTime,
    add_members,
    bulk_outbox,
    make_dispatcher,
    statuses,
)


def rows_for(members: list[int], per_member: int) -> list[dict[str, object]]:
    return [
        {"dedupe_key": f"test:{m}:{i}", "member_id": m, "due_at": T0 - timedelta(minutes=per_member - i)}
        for m in members
        for i in range(per_member)
    ]


class FailFirst(Recorder):
    """Fails the first try of each key in ``keys`` with a 502."""

    def __init__(self, keys: set[str]) -> None:
        super().__init__()
        self.keys = set(keys)

    async def send(self, message):
        if message.dedupe_key in self.keys:
            self.keys.discard(message.dedupe_key)
            raise SendError("502 Bad Gateway")
        await super().send(message)


def engine_for(database_url: str) -> Engine:
    return keyed_engine(database_url)


def test_a_failed_row_holds_back_later_rows_of_its_recipient_only(database_url):
    engine = engine_for(database_url)
    (a, b), _ = add_members(engine, 2)
    bulk_outbox(engine, rows_for([a, b], 3))
    clock = FixedClock(T0)
    sender = FailFirst({f"test:{a}:0"})
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})

    assert asyncio.run(dispatcher.tick()) == 3
    assert [key for _, _, key in sender.sent] == [f"test:{b}:0", f"test:{b}:1", f"test:{b}:2"]
    assert dispatcher.last_report.retried == 1 and dispatcher.last_report.released == 2

    assert asyncio.run(dispatcher.tick()) == 0  # still backing off: nothing for a, nothing jumps the queue
    clock.advance(timedelta(seconds=backoff(1)))
    assert asyncio.run(dispatcher.tick()) == 3
    assert [key for _, _, key in sender.sent[3:]] == [f"test:{a}:0", f"test:{a}:1", f"test:{a}:2"]
    assert statuses(engine) == {"sent": 6}
    with UnitOfWork(engine) as uow:
        first = uow.outbox.by_key(f"test:{a}:0")
        second = uow.outbox.by_key(f"test:{a}:1")
        assert first is not None and second is not None
        assert (first.attempts, second.attempts) == (2, 1)  # handing back did not count as a try
    engine.dispose()


def test_a_row_claimed_elsewhere_holds_back_its_recipient_until_the_lease_ends(database_url):
    engine = engine_for(database_url)
    (a, b), _ = add_members(engine, 2)
    bulk_outbox(engine, rows_for([a, b], 2))
    with UnitOfWork(engine) as uow:
        claimed = uow.outbox.claim_due(T0, limit=1, lease=timedelta(minutes=2))  # "another instance"
        uow.commit()
    assert [row.member_id for row in claimed] == [a]
    with UnitOfWork(engine) as uow:
        mine = uow.outbox.claim_due(T0, limit=10)
        for row in mine:
            uow.outbox.mark_sent(row.id or 0, T0)
        uow.commit()
    assert [row.dedupe_key for row in mine] == [f"test:{b}:0", f"test:{b}:1"]
    with UnitOfWork(engine) as uow:
        later = uow.outbox.claim_due(T0 + timedelta(minutes=3), limit=10)  # the other one died
        uow.commit()
    assert [row.dedupe_key for row in later] == [f"test:{a}:0", f"test:{a}:1"]
    assert later[0].attempts == 2
    engine.dispose()


def test_rows_whose_turn_would_come_after_the_lease_go_back_untried(database_url):
    engine = engine_for(database_url)
    (a,), _ = add_members(engine, 1)
    bulk_outbox(engine, rows_for([a], 10))
    clock = FixedClock(T0)
    time = VirtualTime(clock)
    sender = Recorder(time)
    dispatcher = make_dispatcher(
        engine,
        clock,
        {"telegram": sender},
        time=time,
        limits={"telegram": Limits(per_chat=Limit(1, 10.0))},  # one per 10 s
        lease=timedelta(seconds=30),  # 24 s of sending per claim
    )
    assert asyncio.run(dispatcher.tick()) == 3  # at 0, 10 and 20 s; the 4th would be at 30 s
    assert dispatcher.last_report.released == 7
    assert statuses(engine) == {"sent": 3, "pending": 7}
    for _ in range(10):
        if statuses(engine).get("pending", 0) == 0:
            break
        asyncio.run(dispatcher.tick())
    assert [key for _, _, key in sender.sent] == [f"test:{a}:{i}" for i in range(10)]
    assert [at for at, _, _ in sender.sent] == [10.0 * i for i in range(10)]
    engine.dispose()


def test_permanent_failures_and_unreachable_members_are_summarised_to_procesregie(database_url):
    engine = engine_for(database_url)
    (a,), managers = add_members(engine, 1, procesmanagers=2)
    bulk_outbox(engine, rows_for([a], 1))
    bulk_outbox(engine, [{"dedupe_key": "test:group:0", "group_purpose": "nowhere", "due_at": T0}])
    clock = FixedClock(T0)

    class Blocked(Recorder):
        async def send(self, message):
            if message.user_id == f"u{a}":
                raise SendError("403 Forbidden: bot was blocked by the user", permanent=True)
            await super().send(message)

    sender = Blocked()
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})
    asyncio.run(dispatcher.tick())
    assert statuses(engine)["failed"] == 2
    asyncio.run(dispatcher.tick())  # the summary goes out
    summaries = [key for _, _, key in sender.sent if key.startswith("missed:")]
    assert sorted(int(key.rsplit("@", 1)[1]) for key in summaries) == managers
    with UnitOfWork(engine) as uow:
        row = uow.outbox.by_key(summaries[0])
        assert row is not None
        texts = str(row.payload)
    assert "outbox.failed_summary" in texts and texts.count("outbox.missed_item") == 2
    assert "test:" not in texts  # named in words, never by outbox key (issue 19)
    engine.dispose()


def test_an_unexpected_sender_error_is_retried_and_does_not_stall_the_batch(database_url):
    engine = engine_for(database_url)
    (a, b), _ = add_members(engine, 2)
    bulk_outbox(engine, rows_for([a, b], 1))
    clock = FixedClock(T0)

    class Buggy(Recorder):
        async def send(self, message):
            if message.user_id == f"u{a}" and not self.sent:
                raise KeyError("chat_id")  # an adapter bug, not a SendError
            await super().send(message)

    sender = Buggy()
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})
    asyncio.run(dispatcher.tick())
    assert [key for _, _, key in sender.sent] == [f"test:{b}:0"]
    assert dispatcher.last_report.retried == 1
    clock.advance(timedelta(seconds=backoff(1)))
    asyncio.run(dispatcher.tick())
    assert [key for _, _, key in sender.sent] == [f"test:{b}:0", f"test:{a}:0"]
    engine.dispose()


def test_a_backlog_larger_than_a_batch_drains_in_one_tick_in_order(database_url):
    engine = engine_for(database_url)
    (a, b, c), _ = add_members(engine, 3)
    bulk_outbox(engine, rows_for([a, b, c], 3))
    sender = Recorder()
    dispatcher = make_dispatcher(engine, FixedClock(T0), {"telegram": sender}, batch=2)

    assert asyncio.run(dispatcher.tick()) == 9  # five claims of at most 2 rows in one tick
    assert statuses(engine) == {"sent": 9}
    for member in (a, b, c):
        keys = [key for _, _, key in sender.sent if key.startswith(f"test:{member}:")]
        assert keys == [f"test:{member}:{i}" for i in range(3)]
    assert asyncio.run(dispatcher.tick()) == 0
    engine.dispose()


def test_while_draining_a_row_waiting_for_a_retry_holds_back_only_its_recipient(database_url):
    engine = engine_for(database_url)
    (a, b), _ = add_members(engine, 2)
    bulk_outbox(engine, rows_for([a, b], 3))
    sender = FailFirst({f"test:{a}:0"})
    dispatcher = make_dispatcher(engine, FixedClock(T0), {"telegram": sender}, batch=2)

    assert asyncio.run(dispatcher.tick()) == 3  # b's three rows over several claims; a's wait for a:0
    assert [key for _, _, key in sender.sent] == [f"test:{b}:{i}" for i in range(3)]
    assert statuses(engine) == {"sent": 3, "pending": 3}
    engine.dispose()
