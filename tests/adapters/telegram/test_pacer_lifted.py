"""The benchmarks' "pacer lifted" (``Limits()``): no send is counted, yet a 429 is still waited out."""

from __future__ import annotations

from telegram.error import RetryAfter

from bot.adapters.telegram.outbound import PacedRateLimiter
from bot.core.metrics import Metrics
from bot.core.pacing import TELEGRAM_LIMITS, Limits, Pacer


class Sleeps:
    """A virtual clock: sleeping moves ``now`` on and is remembered."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.now = 100.0

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


class Api:
    """sendMessage that answers 429 (retry after 3 s) the first ``sick`` times."""

    def __init__(self, sick: int) -> None:
        self.sick = sick
        self.calls = 0

    async def __call__(self) -> bool:
        self.calls += 1
        if self.calls <= self.sick:
            raise RetryAfter(3)
        return True


async def send(limiter: PacedRateLimiter, api: Api) -> object:
    return await limiter.process_request(api, (), {}, "sendMessage", {"chat_id": 5}, None)


async def test_with_no_limits_nothing_is_counted_and_a_429_is_waited_out() -> None:
    sleeps = Sleeps()
    pacer = Pacer(Limits(), monotonic=sleeps.monotonic, sleep=sleeps)
    api = Api(sick=1)
    assert await send(PacedRateLimiter(pacer, Metrics(), sleep=sleeps), api) is True
    assert api.calls == 2 and sleeps.seconds == [3.0]
    assert pacer.unlimited and not pacer._chats and not pacer._overall  # no window kept


async def test_with_limits_every_send_is_counted() -> None:
    pacer = Pacer(TELEGRAM_LIMITS, sleep=Sleeps())
    assert await send(PacedRateLimiter(pacer, Metrics()), Api(sick=0)) is True
    assert not pacer.unlimited and list(pacer._chats) == ["5"] and len(pacer._overall) == 1


async def test_a_pause_holds_an_unlimited_pacer_too() -> None:
    sleeps = Sleeps()
    pacer = Pacer(Limits(), monotonic=sleeps.monotonic, sleep=sleeps)
    pacer.pause(4.0, "5")
    assert pacer.paused("5") == 4.0 and not pacer.paused("6")
    assert await send(PacedRateLimiter(pacer, Metrics(), sleep=sleeps), Api(sick=0)) is True
    assert sleeps.seconds == [4.0] and not pacer.paused("5")
