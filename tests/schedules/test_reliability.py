"""Issue 19, items 2-4, on the real dispatcher with the injected clock: one chat answering 429 slowly does
not hold up the others (it is parked with its not-before time); a console-only dispatcher never touches a
Telegram member's rows; a stop or a cancellation during a send finishes or hands back every row."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.core.clock import FixedClock
from bot.core.sending import SendError
from bot.core.types import Outgoing
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.conftest import keyed_engine
from tests.schedules.helpers import T0, add_members, bulk_outbox, make_dispatcher, statuses

DEADLINE = 20.0  # seconds; only reached when the behaviour under test is broken


def rows_of(engine: Engine) -> dict[str, OutboxMessage]:
    with UnitOfWork(engine) as uow:
        found = uow.session.exec(select(OutboxMessage)).scalars().all()  # type: ignore[call-overload]
        return {row.dedupe_key: row for row in found}


@dataclass
class SickChatPlatform:
    """Healthy chats take every message. The sick chat's send hangs (as the adapter does while it waits
    out Telegram's Retry-After) until every healthy chat has had a message, then answers 429."""

    sick_chat: str
    healthy_chats: int
    retry_after: float = 10.0
    sent: list[tuple[str, str]] = field(default_factory=list)
    healthy_reached: asyncio.Event = field(default_factory=asyncio.Event)
    sick: bool = True

    async def send(self, message: Outgoing) -> None:
        chat = message.chat_id or ""
        if chat == self.sick_chat and self.sick:
            await self.healthy_reached.wait()
            raise SendError("429 Too Many Requests", retry_after=self.retry_after)
        self.sent.append((chat, message.dedupe_key or ""))
        if len({c for c, _ in self.sent if c != self.sick_chat}) >= self.healthy_chats:
            self.healthy_reached.set()


def test_one_chat_answering_429_does_not_hold_up_the_others(sqlite_url: str) -> None:
    engine = keyed_engine(sqlite_url)
    members, _ = add_members(engine, 50)
    bulk_outbox(
        engine,
        [{"dedupe_key": f"r:{m}:{i}", "member_id": m, "due_at": T0} for m in members for i in range(5)],
    )
    sick = members[0]
    platform = SickChatPlatform(sick_chat=f"c{sick}", healthy_chats=len(members) - 1)
    clock = FixedClock(T0)
    dispatcher = make_dispatcher(engine, clock, {"telegram": platform}, patience=0.05)

    async def scenario() -> None:
        # the healthy chats are served while the sick chat's send still hangs (the old sequential loop
        # waited for it, and so never got to them: this timed out)
        await asyncio.wait_for(dispatcher.tick(), timeout=DEADLINE)
        for _ in range(20):  # a healthy chat whose send was slow on a busy machine: its rest comes next
            if len(platform.sent) == 49 * 5:
                break
            await asyncio.wait_for(dispatcher.tick(), timeout=DEADLINE)

    asyncio.run(scenario())
    assert len(platform.sent) == 49 * 5
    assert Counter(key for _, key in platform.sent).most_common(1)[0][1] == 1
    rows = rows_of(engine)
    first = rows[f"r:{sick}:0"]
    # parked: pending with its not-before time; its later rows wait behind it, untouched
    assert first.status == "pending" and first.attempts == 1
    assert first.lease_until == T0 + timedelta(seconds=10)
    assert "429" in (first.last_error or "")
    assert all(rows[f"r:{sick}:{i}"].attempts == 0 for i in range(1, 5))
    assert statuses(engine).get("claimed", 0) == 0
    # not before its time; then in order
    platform.sick = False
    clock.advance(timedelta(seconds=9))
    assert asyncio.run(dispatcher.tick()) == 0
    clock.advance(timedelta(seconds=1))
    assert asyncio.run(dispatcher.tick()) == 5
    assert [key for chat, key in platform.sent if chat == f"c{sick}"] == [f"r:{sick}:{i}" for i in range(5)]
    engine.dispose()


@dataclass
class Recorder:
    sent: list[str] = field(default_factory=list)

    async def send(self, message: Outgoing) -> None:
        self.sent.append(message.dedupe_key or "")


def test_a_console_only_dispatcher_leaves_other_platforms_rows_alone(sqlite_url: str) -> None:
    engine = keyed_engine(sqlite_url)
    telegram, _ = add_members(engine, 3, procesmanagers=1)
    with UnitOfWork(engine) as uow:  # a console member, and one with no identity (nobody can reach them)
        organisation = uow.organisations.list_all()[0]
        assert organisation.id is not None
        shell_user = uow.members.add("Beheerder", organisation.id, [], at=T0).id
        assert shell_user is not None
        uow.identities.link(
            shell_user, "console", "beheer", display_name=None, direct_chat_id="beheer", at=T0
        )
        nobody = uow.members.add("Zonder chat", organisation.id, [], at=T0).id
        uow.commit()
    console = [shell_user]
    due = [*telegram, *console, nobody]
    bulk_outbox(
        engine, [{"dedupe_key": f"a:{m}:{i}", "member_id": m, "due_at": T0} for m in due for i in range(2)]
    )
    before = {key: (row.status, row.attempts) for key, row in rows_of(engine).items()}
    shell = Recorder()
    dispatcher = make_dispatcher(engine, FixedClock(T0), {"console": shell}, fail_unreachable=False)
    assert asyncio.run(dispatcher.tick()) == 2
    assert shell.sent == [f"a:{console[0]}:0", f"a:{console[0]}:1"]
    after = rows_of(engine)
    for key, (status, attempts) in before.items():
        if not key.startswith(f"a:{console[0]}:"):  # not failed, not claimed, not even counted as a try
            assert (after[key].status, after[key].attempts, after[key].last_error) == (status, attempts, None)
    assert not [key for key in after if key.startswith("missed:")]  # nothing to summarise
    # the bot itself (Telegram) delivers its rows and is the one that gives up on the unreachable member
    bot = Recorder()
    dispatcher = make_dispatcher(engine, FixedClock(T0), {"telegram": bot})
    assert asyncio.run(dispatcher.tick()) == 6
    after = rows_of(engine)
    assert after[f"a:{nobody}:0"].status == "failed"
    engine.dispose()


@dataclass
class HangingPlatform:
    """The first send hangs until told to go on; the test stops the dispatcher meanwhile."""

    started: asyncio.Event = field(default_factory=asyncio.Event)
    proceed: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[str] = field(default_factory=list)

    async def send(self, message: Outgoing) -> None:
        if not self.started.is_set():
            self.started.set()
            await self.proceed.wait()
        self.sent.append(message.dedupe_key or "")


@pytest.mark.parametrize("how", ["cancel", "stop"])
def test_a_stop_during_a_send_finishes_it_and_hands_the_rest_back(
    sqlite_url: str, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = keyed_engine(sqlite_url)
    members, _ = add_members(engine, 3)
    bulk_outbox(
        engine,
        [{"dedupe_key": f"t:{m}:{i}", "member_id": m, "due_at": T0} for m in members for i in range(2)],
    )
    platform = HangingPlatform()
    dispatcher = make_dispatcher(engine, FixedClock(T0), {"telegram": platform})
    caplog.set_level(logging.INFO)

    async def scenario() -> None:
        tick = asyncio.create_task(dispatcher.tick_job())  # as the runtime's scheduler runs it
        await asyncio.wait_for(platform.started.wait(), timeout=DEADLINE)
        if how == "cancel":  # SIGTERM at the end of asyncio.run: the job is cancelled mid-send
            tick.cancel()
            await asyncio.sleep(0)
            platform.proceed.set()
            assert await asyncio.wait_for(tick, timeout=DEADLINE) == 0
        else:  # Runtime.stop(): the dispatcher is asked to stop first
            stopping = asyncio.create_task(dispatcher.stop())
            await asyncio.sleep(0)
            platform.proceed.set()
            await asyncio.wait_for(stopping, timeout=DEADLINE)
            assert await asyncio.wait_for(tick, timeout=DEADLINE) == 1

    asyncio.run(scenario())
    assert len(platform.sent) == 1
    rows = rows_of(engine)
    assert rows[platform.sent[0]].status == "sent"  # finished and marked, not left claimed
    assert statuses(engine) == {"sent": 1, "pending": 5}
    assert all(row.attempts == 0 for key, row in rows.items() if key != platform.sent[0])
    assert not [r for r in caplog.records if r.exc_info is not None or r.levelno >= logging.ERROR]
    # restarted: the rest goes out once each, the finished one never again
    after = Recorder()
    assert asyncio.run(make_dispatcher(engine, FixedClock(T0), {"telegram": after}).tick()) == 5
    assert sorted(after.sent + platform.sent) == sorted(rows)
    engine.dispose()
