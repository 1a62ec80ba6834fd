"""Starting an adapter whose platform is not reachable yet (a bot started before the network is up).

The first failed start logs one line and the runtime goes on: the other adapters, the dispatcher and the
scheduled jobs run, ``/healthz`` reports the adapter as down, and its outbox rows wait (the dispatcher has
no sender for it, so it hands them back untouched). A background task tries again with growing pauses
(``Backoff``) until the adapter starts; then its sender joins the dispatcher. A refusal that waiting cannot
cure (a rejected token: ``AdapterConfigError``) stops the start with one line instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field

from bot.core.adapter import Adapter, AdapterConfigError

log = logging.getLogger("ketenbot.runtime")

Wait = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    """Pauses between attempts: ``first``, then times ``factor``, at most ``cap`` seconds. ``wait`` is how a
    pause is spent (``asyncio.sleep``; a test passes one that waits for its own signal instead)."""

    first: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    wait: Wait = field(default=asyncio.sleep)

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(self.cap, delay * self.factor)


def one_line(error: BaseException, secrets: Iterable[str | None] = ()) -> str:
    """``Type: message`` on one line, without any configured secret (a token can sit in a URL)."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:300]


async def try_start(adapter: Adapter, next_delay: float, secrets: Iterable[str | None]) -> bool:
    """Start ``adapter``; False (one log line, the adapter reset for the next try) when it cannot yet.

    ``AdapterConfigError`` propagates: waiting does not cure a rejected token."""
    try:
        await adapter.start()
    except AdapterConfigError:
        await _reset(adapter)
        raise
    except Exception as error:  # unreachable, timed out, 5xx: the platform may come back
        log.warning(
            "%s not reachable (%s); trying again in %.0f s",
            adapter.platform,
            one_line(error, secrets),
            next_delay,
        )
        await _reset(adapter)
        return False
    return True


async def keep_trying(
    adapter: Adapter,
    backoff: Backoff,
    delay: float,
    delays: Iterator[float],
    secrets: Iterable[str | None],
    on_connected: Callable[[Adapter], None],
) -> None:
    """Until ``adapter`` starts: wait ``delay``, try, wait the next delay, ... Cancelled by the runtime's
    stop. ``delay`` is the pause the first failure announced; ``delays`` yields the ones after it."""
    secrets = tuple(secrets)
    attempt = 1
    while True:
        await backoff.wait(delay)
        attempt += 1
        delay = next(delays)
        try:
            started = await try_start(adapter, delay, secrets)
        except Exception as error:  # a refusal found late (a revoked token): nothing more to try
            log.error("%s cannot start: %s", adapter.platform, one_line(error, secrets))
            return
        if started:
            log.info("%s connected (attempt %d)", adapter.platform, attempt)
            on_connected(adapter)
            return


async def _reset(adapter: Adapter) -> None:
    """Undo a half start (a client opened, a poller begun) so that the next ``start`` begins afresh."""
    try:
        await adapter.stop()
    except Exception:  # best effort: the next start reports what is still wrong
        log.debug("%s: stop after a failed start failed too", adapter.platform, exc_info=True)
