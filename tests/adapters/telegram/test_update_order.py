"""The Telegram adapter's update processor: one chat's updates in order, a slow chat holds up no other,
quick updates one after the other, and at most ``chats_in_flight`` slow chats at once. Driven by events,
never by the clock: ``patience=0`` moves on at once, a day's patience waits for the update to finish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.adapters.telegram.inbound import PerChatUpdateProcessor

DAY = 86_400.0  # patience that never runs out in a test
BOUND = 30.0  # seconds a wait may take at most before the test fails


def update(chat_id: int, number: int) -> Update:
    chat = Chat(id=chat_id, type=Chat.PRIVATE)
    sent = datetime(2026, 12, 7, tzinfo=UTC)
    return Update(number, message=Message(number, sent, chat, text=f"/m{number}"))


class Log:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    async def job(self, name: str, *, blocked: bool = False) -> None:
        self.events.append(f"start {name}")
        if blocked:
            await self.gates.setdefault(name, asyncio.Event()).wait()
        self.events.append(f"end {name}")

    def release(self, name: str) -> None:
        self.gates.setdefault(name, asyncio.Event()).set()


async def test_one_chats_updates_run_in_order_even_when_the_first_is_slow() -> None:
    processor, log = PerChatUpdateProcessor(chats_in_flight=8, patience=0), Log()
    await processor.do_process_update(update(5, 1), log.job("a", blocked=True))
    await processor.do_process_update(update(5, 2), log.job("b"))
    assert log.events == ["start a"]  # b waits for a, although the fetcher moved on
    log.release("a")
    await processor.drain()
    assert log.events == ["start a", "end a", "start b", "end b"]


async def test_a_slow_chat_holds_up_no_other_chat() -> None:
    processor, log = PerChatUpdateProcessor(chats_in_flight=8, patience=0), Log()
    await processor.do_process_update(update(5, 1), log.job("slow", blocked=True))
    await processor.do_process_update(update(6, 2), log.job("other"))
    await asyncio.wait_for(_until(lambda: "end other" in log.events), BOUND)
    assert "end slow" not in log.events
    log.release("slow")
    await processor.drain()
    assert log.events[-1] == "end slow"


async def test_a_quick_update_is_done_before_the_next_is_taken() -> None:
    """No overlap while updates are quick: the fetcher waits for each (that costs less CPU than running the
    router in its thread while the loop sends the reply before)."""
    processor, log = PerChatUpdateProcessor(chats_in_flight=8, patience=DAY), Log()
    for number, chat in enumerate((5, 6, 7)):
        await processor.do_process_update(update(chat, number), log.job(str(number)))
        assert log.events[-1] == f"end {number}"
    assert not processor._jobs


async def test_at_most_chats_in_flight_slow_chats_at_once() -> None:
    processor, log = PerChatUpdateProcessor(chats_in_flight=2, patience=0), Log()
    await processor.do_process_update(update(1, 1), log.job("one", blocked=True))
    await processor.do_process_update(update(2, 2), log.job("two", blocked=True))
    third = asyncio.create_task(processor.do_process_update(update(3, 3), log.job("three")))
    await asyncio.wait_for(_until(lambda: len(log.events) == 2), BOUND)
    await asyncio.sleep(0)  # let the third try for a slot: none is free
    assert not third.done() and "start three" not in log.events
    log.release("one")
    await third
    log.release("two")
    await processor.drain()
    assert sorted(log.events) == sorted(
        ["start one", "start two", "end one", "start three", "end three", "end two"]
    )


async def test_a_failing_update_does_not_stop_the_chat() -> None:
    processor, log = PerChatUpdateProcessor(chats_in_flight=8, patience=DAY), Log()

    async def boom() -> None:
        raise RuntimeError("kapot")

    await processor.do_process_update(update(5, 1), boom())
    await processor.do_process_update(update(5, 2), log.job("next"))
    assert log.events == ["start next", "end next"]


async def _until(condition: Callable[[], bool]) -> None:
    """Yield to the loop until ``condition`` holds (callers bound it with ``asyncio.wait_for``)."""
    while not condition():
        await asyncio.sleep(0)
