"""The Slack bench's load generator, in its own process: signed slash commands over HTTP, N in flight.

It runs apart from the bot so its own work (signing, aiohttp client, the event loop it needs) does not sit on
the bot's event loop and count as ack latency: it measures what Slack measures, the time from sending the
request to having the response. Prints one JSON object: the ack times and when sending started and ended
(``time.monotonic``, comparable across processes on one machine).

    python -m bench.slack_client URL SECRET COMMAND TEXT COUNT CONCURRENCY USERS
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp

from tests.fakes.slack_signing import signed_headers, slash_command_body


async def drive(
    url: str, secret: str, command: str, text: str, count: int, concurrency: int, users: int
) -> dict[str, object]:
    acks: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    bodies = [
        slash_command_body(command, text, f"U{i % users:04d}", f"DU{i % users:04d}") for i in range(count)
    ]
    statuses: list[int] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            while not queue.empty():
                data = bodies[queue.get_nowait()]
                headers = signed_headers(secret, data)
                started = time.monotonic()
                async with session.post(url, data=data, headers=headers) as response:
                    await response.read()
                acks.append(time.monotonic() - started)
                if response.status != 200:
                    statuses.append(response.status)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        ended = time.monotonic()
    return {"acks": acks, "began": began, "ended": ended, "errors": statuses}


def main() -> None:
    url, secret, command, text, count, concurrency, users = sys.argv[1:8]
    result = asyncio.run(drive(url, secret, command, text, int(count), int(concurrency), int(users)))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
