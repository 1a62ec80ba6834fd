"""Pacing sends to a platform's limits: overall, per chat and per group, as sliding windows.

One ``Pacer`` per platform. ``await pacer.acquire(chat_id, is_group)`` returns when a send to that chat is
within every limit, and records it. ``pause`` honours a 429's Retry-After for one chat or for all.
Time and sleeping are injectable, so tests run on a virtual clock and never sleep for real.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    count: int
    per: float  # seconds


@dataclass(frozen=True)
class Limits:
    overall: Limit | None = None
    per_chat: Limit | None = None
    per_group: Limit | None = None


TELEGRAM_LIMITS = Limits(overall=Limit(30, 1.0), per_chat=Limit(1, 1.0), per_group=Limit(20, 60.0))
SLACK_LIMITS = Limits(per_chat=Limit(1, 1.0))


class Pacer:
    def __init__(
        self,
        limits: Limits,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.monotonic = monotonic
        self.sleep = sleep
        self._overall: deque[float] = deque()
        self._chats: dict[str, deque[float]] = {}
        self._paused_until: dict[str | None, float] = {}
        self._held: dict[float, int] = {}  # sends acquired with hold=True and not settled yet
        self._lock = asyncio.Lock()

    @property
    def unlimited(self) -> bool:
        """No limit at all (the benchmarks' "pacer lifted"): nothing to count; a pause still holds."""
        limits = self.limits
        return limits.overall is None and limits.per_chat is None and limits.per_group is None

    def paused(self, chat_id: str) -> float:
        """Seconds that sends to ``chat_id`` are still held by a pause (``pause``); 0 when none holds."""
        until = max(self._paused_until.get(None, 0.0), self._paused_until.get(chat_id, 0.0))
        return max(0.0, until - self.monotonic())

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """Hold sends (to one chat, or to all when ``chat_id`` is None) for ``seconds``."""
        until = self.monotonic() + seconds
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), until)

    def settle(self, chat_id: str) -> None:
        """The last send to ``chat_id`` is done: count it from now, in its chat's window and the overall one.
        The platform saw it somewhere between ``acquire`` and now, so later sends keep their distance however
        long this one took on the way (a busy event loop, a slow connection)."""
        sent = self._chats.get(chat_id)
        if not sent:
            return
        now = self.monotonic()
        started = sent[-1]
        if self._held.get(started):
            self._held[started] -= 1
            if not self._held[started]:
                del self._held[started]
        if started >= now:
            return
        sent[-1] = now
        index = bisect.bisect_left(self._overall, started)
        if index < len(self._overall) and self._overall[index] == started:
            del self._overall[index]
            bisect.insort(self._overall, now)  # the window stays sorted

    def wait_time(self, chat_id: str, is_group: bool) -> float:
        """Seconds until a send to ``chat_id`` fits every limit (0 when it fits now)."""
        now = self.monotonic()
        waits = [self._paused_until.get(None, 0.0) - now, self._paused_until.get(chat_id, 0.0) - now]
        if self.limits.overall is not None:
            waits.append(_window_wait(self._overall, self.limits.overall, now, self._held))
        sent = self._chats.get(chat_id, deque())
        # a group is a chat too: it gets the per-chat limit and, on top, the per-group one
        for limit in (self.limits.per_chat, self.limits.per_group if is_group else None):
            if limit is not None:
                waits.append(_window_wait(sent, limit, now, self._held))
        return max(0.0, *waits)

    async def acquire(
        self, chat_id: str, is_group: bool = False, *, max_wait: float = 3600.0, hold: bool = False
    ) -> float:
        """Wait until the send fits, record it, and return how long we waited.

        ``hold``: the send counts as happening now until ``settle(chat_id)`` says it is done (the caller
        promises to call it), so a request stuck on its way cannot let later ones crowd it at the platform.

        The lock covers only check-and-record, never the sleep: a send waiting for one chat's slot does
        not hold up sends to other chats (direct replies overtake a paced reminder burst)."""
        waited = 0.0
        for _ in range(10_000):  # bounded: each round waits for the next free slot
            async with self._lock:
                delay = self.wait_time(chat_id, is_group)
                if delay <= 0:
                    now = self.monotonic()
                    self._overall.append(now)
                    self._chats.setdefault(chat_id, deque()).append(now)
                    if hold:
                        self._held[now] = self._held.get(now, 0) + 1
                    self._trim(now, chat_id)
                    return waited
            if waited + delay > max_wait:
                raise TimeoutError(f"pacing would wait more than {max_wait}s for {chat_id}")
            await self.sleep(delay)
            waited += delay
        raise TimeoutError(f"pacing found no slot for {chat_id}")

    def _trim(self, now: float, chat_id: str) -> None:
        """Keep each window only as long as its limit looks back: every check stays O(limit), not O(history)
        (many tasks wake for each free slot)."""
        if self.limits.overall is not None:
            while self._overall and self._overall[0] <= now - self.limits.overall.per:
                if self._overall[0] in self._held:
                    break
                self._overall.popleft()
        span = max((lim.per for lim in (self.limits.per_chat, self.limits.per_group) if lim), default=0.0)
        sent = self._chats.get(chat_id)
        while sent and sent[0] <= now - span and sent[0] not in self._held:
            sent.popleft()
        if len(self._chats) > 10_000:
            for key in [k for k, q in self._chats.items() if not q or q[-1] <= now - span]:
                del self._chats[key]


HELD_POLL = 0.02  # seconds between checks while the slot we need belongs to a send still on its way


def _window_wait(sent: deque[float], limit: Limit, now: float, held: dict[float, int]) -> float:
    """How long until fewer than ``limit.count`` sends fall within the last ``limit.per`` seconds.
    A held send (not settled yet) is always within the window."""
    recent = [at for at in sent if at > now - limit.per or at in held]
    if len(recent) < limit.count:
        return 0.0
    blocking = recent[-limit.count]
    if blocking in held:
        return HELD_POLL
    return blocking + limit.per - now
