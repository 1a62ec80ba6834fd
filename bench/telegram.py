"""Telegram throughput against the local fake Bot API, everything measured in the same run.

    .venv/bin/python -m bench.telegram [--updates 2000] [--users 200] [--reminders 3000] [--chats 300]
        [--concurrent N] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Updates: 2,000 updates from 200 users, queued in the fake and fetched by long polling.
   (a) baseline: a bare python-telegram-bot echo bot answering /ping;
   (b) ketenbot: the real adapter and router answering /regie CODE (identity lookup, the case and its
       regie holders read, two audit rows written, i18n), on SQLite; ``--command /ik`` for the lighter
       profile command. Each user is a member of an organisation that takes part in the demo case.
       Pacing is off in both (the bare bot has none), so this measures the cost of ketenbot's path,
       not Telegram's limits.
   Prints updates/s for both and the ratio (target: ketenbot >= 0.75x the bare bot).
2. Pacing: 3,000 reminders to 300 chats as outbox rows, delivered by the dispatcher through the adapter's
   sender and pacer, against a fake that enforces Telegram's limits (1/s per chat, 30/s overall).
   Prints the achieved rate as a share of 30/s (target >= 95%) and the limit violations (target 0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bench.dispatch import drop_postgres, fresh_postgres
from bench.floor import MinimalRouter, canned
from bot.adapters.telegram.app import TelegramAdapter
from bot.app import App, build_app
from bot.config import Settings
from bot.core.context import encode_reply
from bot.core.pacing import TELEGRAM_LIMITS, Limits
from bot.core.types import Incoming, Outgoing, Reply
from bot.demo.loader import load_demo
from bot.runtime import command_menu
from schedules.dispatcher import Dispatcher
from storage import migrate
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:BENCH"
BENCH_KEY = "bench:" + "A" * 43 + "="  # personal fields are encrypted: a throwaway key for fictional data
ORGANISATION = "GGZ Rivierland"  # a deelnemer (as an organisation) of the demo's first case
FIRST_USER = 100_000
AnyApp = Application[Any, Any, Any, Any, Any, Any]
Handle = Callable[[Incoming], list[Outgoing]]


async def queue_updates(fake: FakeTelegram, updates: int, users: int, text: str) -> None:
    for index in range(updates):
        user = FIRST_USER + index % users
        await fake.push_message(user, user, text)


async def answered(fake: FakeTelegram, count: int, timeout: float) -> float:
    """Seconds from the first getUpdates to the ``count``-th answer."""
    await fake.wait_until(lambda: len(fake.send_times) >= count, timeout)  # accepted sends, O(1)
    first_poll = next(c.at for c in fake.calls if c.method == "getUpdates")
    # from send_times, not calls: a send is in send_times as soon as it is accepted, in calls only once
    # its answer is ready, so the last ones may not be in calls yet
    last_send = sorted(at for at, _ in fake.send_times)[count - 1]
    return last_send - first_poll


async def bare_ptb(updates: int, users: int) -> float:
    async def pong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("pong")

    async with FakeTelegram(token=TOKEN) as fake:
        await queue_updates(fake, updates, users, "/ping")
        app: AnyApp = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
        app.add_handler(CommandHandler("ping", pong))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            seconds = await answered(fake, updates, timeout=600)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
    return updates / seconds


def database(directory: Path, postgres: str | None) -> str:
    """A fresh SQLite file, or a fresh database on the given Postgres server."""
    if postgres is None:
        return f"sqlite:///{directory / 'bench.db'}"
    return fresh_postgres(postgres, f"ketenbot_bench_{directory.name.lower().replace('-', '_')[-12:]}")


def drop_database(app: App, postgres: str | None) -> None:
    """Dispose of the app's engine; on Postgres drop the scratch database ``database`` made."""
    app.engine.dispose()
    if postgres is not None:
        drop_postgres(postgres, str(app.engine.url.database))


def ketenbot_app(directory: Path, users: int, postgres: str | None = None) -> App:
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", BENCH_KEY)
    url = database(directory, postgres)
    migrate.upgrade(url)
    app = build_app(Settings(KETENBOT_DATABASE_URL=url))  # type: ignore[call-arg]
    now = app.clock.now()
    load_demo(app.uow(), now)
    with app.uow() as uow:
        organisation = uow.organisations.by_name(ORGANISATION)
        assert organisation is not None and organisation.id is not None
        for index in range(users):
            user = str(FIRST_USER + index)
            member = uow.members.add(f"Deelnemer {index}", organisation.id, ["partner"], at=now)
            assert member.id is not None
            uow.identities.link(member.id, "telegram", user, display_name=None, direct_chat_id=user, at=now)
        uow.commit()
    return app


def adapter_for(
    app: App, fake: FakeTelegram, limits: Limits, concurrent: int = 1, handle: Handle | None = None
) -> TelegramAdapter:
    return TelegramAdapter(
        handle or app.router.handle,
        token=TOKEN,
        metrics=app.router.metrics,
        commands=command_menu(app),
        base_url=fake.base_url,
        limits=limits,
        poll_timeout=1,
        concurrent_updates=concurrent,
    )


def first_case_code(app: App) -> str:
    """The code of the demo's first case (its regie is held by two members of other organisations)."""
    with app.engine.connect() as connection:
        return str(connection.execute(text('SELECT code FROM "case" ORDER BY id LIMIT 1')).scalar_one())


def expected_answer(command: str) -> str:
    """A word every right answer to ``command`` contains (anything else is a refusal or an error)."""
    return "Casusregie" if command.startswith("/regie") else "Deelnemer"


async def ketenbot(
    updates: int, users: int, concurrent: int, postgres: str | None, command: str, stand_in: str = ""
) -> float:
    """(b) the real router; with ``stand_in`` "minimal" or "canned" the adapter with a ``bench.floor``
    stand-in instead (the same updates and database, so the rows are comparable)."""
    with tempfile.TemporaryDirectory() as directory:
        app = ketenbot_app(Path(directory), users, postgres)
        code = first_case_code(app)
        message = command.replace("CODE", code)
        handle: Handle | None = None
        if stand_in == "minimal":
            handle = MinimalRouter(app.engine, code)
        elif stand_in == "canned":
            handle = partial(canned, text=f"Casusregie {code}")
        async with FakeTelegram(token=TOKEN) as fake:
            await queue_updates(fake, updates, users, message)
            adapter = adapter_for(app, fake, Limits(), concurrent, handle)
            await adapter.start()
            try:
                seconds = await answered(fake, updates, timeout=600)
            finally:
                await adapter.stop()
            wrong = [
                c
                for c in fake.calls
                if c.method == "sendMessage" and expected_answer(command) not in c.params["text"]
            ]
            assert not wrong, f"unexpected answers, e.g. {wrong[0].params['text']!r}"
        drop_database(app, postgres)
    return updates / seconds


async def pacing(reminders: int, chats: int) -> tuple[float, int, float]:
    """(achieved sends/s, limit violations, seconds) for ``reminders`` outbox rows to ``chats`` chats."""
    with tempfile.TemporaryDirectory() as directory:
        app = ketenbot_app(Path(directory), chats)
        now = app.clock.now()
        with app.uow() as uow:
            members = [m.id for m in uow.members.list_all() if m.name.startswith("Deelnemer")]
            for number in range(reminders // chats):
                for member_id in members:
                    payload = encode_reply(Reply(f"herinnering {number}"))
                    uow.outbox.add(
                        f"bench:{member_id}:{number}", payload, due_at=now, now=now, member_id=member_id
                    )
            uow.commit()
        async with FakeTelegram(token=TOKEN) as fake:
            fake.enforce_limits()
            adapter = adapter_for(app, fake, TELEGRAM_LIMITS)
            await adapter.application.initialize()
            dispatcher = Dispatcher(app.uow, app.clock, app.catalogue, {"telegram": adapter.sender})
            sent = 0
            for _ in range(10):  # bounded: retries (there should be none) come due within seconds
                sent += await dispatcher.tick()
                if sent >= reminders:
                    break
                await asyncio.sleep(1)
            await adapter.application.shutdown()
            times = [at for at, _ in fake.send_times]
            violations = len(fake.limit_violations)
        app.engine.dispose()
    assert sent == reminders == len(times), (sent, reminders, len(times))
    seconds = times[-1] - times[0]
    return (len(times) - 1) / seconds, violations, seconds


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--reminders", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--command", default="/regie CODE", help="what ketenbot answers (CODE: a case)")
    parser.add_argument("--concurrent", type=int, default=1, help="chats served at once by ketenbot")
    parser.add_argument("--postgres", help="admin URL of a Postgres server (default: SQLite)")
    parser.add_argument("--skip-pacing", action="store_true")
    parser.add_argument("--skip-ceiling", action="store_true", help="leave out the stand-in routers")
    args = parser.parse_args()

    started = time.perf_counter()
    bare = await bare_ptb(args.updates, args.users)
    ours = await ketenbot(args.updates, args.users, args.concurrent, args.postgres, args.command)
    where = "Postgres" if args.postgres else "SQLite"
    setup = f"long polling, {where}, concurrent={args.concurrent}"
    print(f"updates: {args.updates} from {args.users} users ({setup})")
    print(f"  (a) bare PTB echo bot, /ping : {bare:8.1f} updates/s")
    print(f"  (b) ketenbot, {args.command:<15}: {ours:8.1f} updates/s")
    print(f"  ratio ketenbot / bare PTB    : {ours / bare:8.2f}x   (target >= 0.75x)")
    if not args.skip_ceiling:
        same = (args.updates, args.users, args.concurrent, args.postgres, args.command)
        minimal = await ketenbot(*same, stand_in="minimal")
        answer = await ketenbot(*same, stand_in="canned")
        print("  the ceiling, the same adapter with a stand-in router (bench/floor.py):")
        print(f"  (c) one Core read + one audit row: {minimal:8.1f} updates/s = {minimal / bare:.2f}x")
        print(f"  (d) canned answer, no database   : {answer:8.1f} updates/s = {answer / bare:.2f}x")
    if not args.skip_pacing:
        rate, violations, seconds = await pacing(args.reminders, args.chats)
        limit = TELEGRAM_LIMITS.overall.count if TELEGRAM_LIMITS.overall else 30
        print(
            f"pacing: {args.reminders} reminders to {args.chats} chats through outbox, dispatcher and pacer"
        )
        share = f"{rate / limit:.1%} of {limit}/s"
        print(f"  achieved {rate:.2f} sends/s over {seconds:.1f} s = {share} (target >= 95%)")
        print(f"  limit violations: {violations} (target 0)")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
