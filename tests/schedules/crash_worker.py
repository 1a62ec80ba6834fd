"""A dispatcher process for the crash test: drains the outbox at a fixed time, appending every key it
sends to a file (the "platform") and announcing it on stdout, so the test can kill it mid-send.

    python -m tests.schedules.crash_worker DATABASE_URL OUT_FILE ISO_TIME
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

from bot.core.clock import FixedClock
from bot.core.types import Outgoing
from tests.conftest import keyed_engine
from tests.schedules.helpers import make_dispatcher, statuses


class FileSender:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    async def send(self, message: Outgoing) -> None:
        os.write(self.fd, f"{message.dedupe_key}\n".encode())  # delivered, as far as the platform knows
        sys.stdout.write("sent\n")
        sys.stdout.flush()


def main() -> int:
    url, out, at = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
    engine = keyed_engine(url)
    dispatcher = make_dispatcher(engine, FixedClock(at), {"telegram": FileSender(out)}, batch=50)

    async def drain() -> None:
        for _ in range(10_000):  # bounded
            if await dispatcher.tick() == 0:
                left = statuses(engine)
                if left.get("pending", 0) + left.get("claimed", 0) == 0:
                    return
        raise RuntimeError("did not drain")

    asyncio.run(drain())
    sys.stdout.write("done\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
