"""One long poller per bot: two instances with the same token share a lock (Postgres advisory lock, a file
lock next to a SQLite database); the other keeps sending the outbox and takes over when the first stops."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import create_engine
from telegram.ext import Application

from bot.adapters.telegram.polling import Poller
from bot.core.context import encode_reply
from bot.core.types import Reply
from storage.poll_lock import AdvisoryLock, FileLock, NoLock, poll_lock
from tests.adapters.telegram.telegram_support import TOKEN, running_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import Chat

USER = 7401
LOCK_NAME = f"telegram-poll:{TOKEN.split(':')[0]}"


def queue_reminder(chat: Chat, member_id: int, key: str, text: str) -> None:
    with chat.app.uow() as uow:
        now = chat.clock.now()
        uow.outbox.add(key, encode_reply(Reply(text)), due_at=now, now=now, member_id=member_id)
        uow.commit()


async def test_only_one_instance_polls_and_the_other_takes_over(chat: Chat) -> None:
    engine = chat.app.engine
    async with FakeTelegram(token=TOKEN) as fake:
        first_bot = running_bot(chat, fake=fake, poll_lock=poll_lock(engine, LOCK_NAME))
        first = await first_bot.__aenter__()
        first_running = True
        try:
            await fake.wait_until(lambda: first.adapter.polling)
            async with running_bot(chat, fake=fake, poll_lock=poll_lock(engine, LOCK_NAME)) as second:
                member_id = first.link("wijkagent", USER)
                reply = await first.say(USER, "/ik")
                assert "Bram Kuipers" in reply.params["text"]
                assert first.adapter.polling and not second.adapter.polling

                queue_reminder(chat, member_id, "reminder:standby:1", "herinnering via de tweede")
                dispatcher = chat.app.dispatcher({"telegram": second.adapter.sender})
                assert await dispatcher.tick() == 1  # the standby instance still sends

                await first_bot.__aexit__(None, None, None)
                first_running = False
                await fake.wait_until(lambda: second.adapter.polling)
                again = await second.say(USER, "/ik")
                assert "Bram Kuipers" in again.params["text"]
                # the gauge of the instance registered last (the second), read while it polls
                assert chat.app.router.metrics.sample("ketenbot_telegram_polling") == 1.0
        finally:
            if first_running:
                await first_bot.__aexit__(None, None, None)
    texts = [m["text"] for m in fake.sent_messages(USER)]
    assert len(texts) == 3 and texts[1] == "herinnering via de tweede"  # each answered once, not twice
    assert fake.conflicts() == []
    assert chat.app.router.metrics.sample("ketenbot_telegram_polling") == 0.0  # stopped: no longer polls


async def test_without_the_lock_two_pollers_conflict(sqlite_chat: Chat) -> None:
    """The control: the fake answers a second poller with 409, as Telegram does."""
    async with (
        FakeTelegram(token=TOKEN) as fake,
        running_bot(sqlite_chat, fake=fake),
        running_bot(sqlite_chat, fake=fake),
    ):
        await fake.wait_until(lambda: bool(fake.conflicts()))


def test_the_lock_fits_the_database(sqlite_chat: Chat) -> None:
    lock = poll_lock(sqlite_chat.app.engine, LOCK_NAME)
    assert isinstance(lock, FileLock)
    other = poll_lock(sqlite_chat.app.engine, LOCK_NAME)
    assert lock.acquire() and lock.acquire() and not other.acquire()  # taking it twice is fine
    lock.release()
    assert other.acquire() and other.held()
    other.release()
    assert not other.held()
    assert isinstance(poll_lock(create_engine("sqlite://"), LOCK_NAME), NoLock)


def test_on_postgres_one_connection_holds_the_advisory_lock(postgres_database: str) -> None:
    engine = create_engine(postgres_database)
    first, second = poll_lock(engine, LOCK_NAME), poll_lock(engine, LOCK_NAME)
    try:
        assert isinstance(first, AdvisoryLock)
        assert first.acquire() and first.held() and not second.acquire()
        first.release()
        assert not first.held() and second.acquire()
    finally:
        first.release()
        second.release()
        engine.dispose()


class SlowLease:
    """A lease whose ``acquire`` is still running in its thread when the poller is stopped."""

    def __init__(self) -> None:
        self.entered, self.finish = threading.Event(), threading.Event()
        self.calls: list[str] = []
        self.holding = False

    def acquire(self) -> bool:
        self.entered.set()
        assert self.finish.wait(5), "the test never let acquire finish"
        self.calls.append("acquire")
        self.holding = True
        return True

    def held(self) -> bool:
        return self.holding

    def release(self) -> None:
        self.calls.append("release")
        self.holding = False


async def test_stopping_waits_for_a_lease_call_in_flight_then_releases() -> None:
    """A cancelled ``to_thread`` call keeps running: stopping must not release before it ends, or the
    lock would be taken again after the release and held by a stopped instance."""
    lease = SlowLease()
    application = Application.builder().token(TOKEN).build()
    poller = Poller(application, timeout=1, lease=lease, interval=0.01)
    await poller.start()
    assert await asyncio.to_thread(lease.entered.wait, 5)
    stopping = asyncio.create_task(poller.stop())
    await asyncio.sleep(0)  # stop() has asked the leader to end and is waiting for it
    assert not stopping.done() and lease.calls == []
    lease.finish.set()
    await asyncio.wait_for(stopping, 5)
    assert lease.calls == ["acquire", "release"] and not lease.holding
    assert not poller.polling  # the lock came after stop was asked: polling never started
