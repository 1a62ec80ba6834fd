"""A member with a console and a Telegram identity gets a message on the one they used last; the console's
dispatcher (``ketenbot console``) takes only rows whose preferred identity is the console (issue 17)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from bot.core.context import encode_reply
from bot.core.types import ChatKind, Incoming, Reply
from schedules.dispatcher import Dispatcher
from storage.models import Identity, OutboxStatus
from tests.harness import Chat, RecordingSender

TELEGRAM_ID = "4242"


def _setup(chat: Chat) -> int:
    """procesmanager (console identity from the demo) also links a Telegram account, used once."""
    with chat.app.uow() as uow:
        member = uow.members.by_handle("procesmanager")
        assert member is not None and member.id is not None
        uow.identities.link(
            member.id,
            "telegram",
            TELEGRAM_ID,
            display_name=None,
            direct_chat_id=TELEGRAM_ID,
            at=chat.clock.now(),
        )
        uow.commit()
        return member.id


def _on_telegram(chat: Chat, text: str = "/ik") -> None:
    chat.app.router.handle(
        Incoming(
            platform="telegram",
            chat_id=TELEGRAM_ID,
            user_id=TELEGRAM_ID,
            user_name="Anouk",
            chat_kind=ChatKind.DIRECT,
            text=text,
        )
    )


def _queue(chat: Chat, key: str, member_id: int) -> None:
    with chat.app.uow() as uow:
        now = chat.clock.now()
        uow.outbox.add(key, encode_reply(Reply("Fictief: bericht")), due_at=now, now=now, member_id=member_id)
        uow.commit()


def _console_and_telegram(chat: Chat) -> tuple[Dispatcher, RecordingSender, Dispatcher, RecordingSender]:
    console, telegram = RecordingSender(), RecordingSender()
    # as `ketenbot console` builds it: its own platform only, rows nobody can deliver left alone
    console_dispatcher = chat.app.dispatcher({"console": console}, fail_unreachable=False)
    return console_dispatcher, console, chat.app.dispatcher({"telegram": telegram}), telegram


def _status(chat: Chat, key: str) -> str:
    with chat.app.uow() as uow:
        row = uow.outbox.by_key(key)
        assert row is not None
        return row.status


def test_a_member_back_on_telegram_within_minutes_is_not_served_by_the_console(chat: Chat) -> None:
    """Telegram at 10:10, the console at 10:11, Telegram again at 10:12: the last was Telegram, also though
    its identity had been touched only two minutes before (the router touches at most every 5 minutes)."""
    member_id = _setup(chat)
    chat.clock.advance(timedelta(minutes=10))
    _on_telegram(chat)
    chat.clock.advance(timedelta(minutes=1))
    chat.say("/ik", user="procesmanager")  # the console
    chat.clock.advance(timedelta(minutes=1))
    _on_telegram(chat)
    _queue(chat, "test:two:1", member_id)
    console_dispatcher, console, telegram_dispatcher, telegram = _console_and_telegram(chat)
    asyncio.run(console_dispatcher.tick())
    assert [m.dedupe_key for m in console.sent] == []
    assert _status(chat, "test:two:1") == OutboxStatus.PENDING  # handed back untouched, for `ketenbot run`
    asyncio.run(telegram_dispatcher.tick())
    assert [(m.platform, m.chat_id, m.dedupe_key) for m in telegram.sent] == [
        ("telegram", TELEGRAM_ID, "test:two:1")
    ]
    chat.clock.advance(timedelta(minutes=1))
    chat.say("/ik", user="procesmanager")  # back on the console: from now on the console's rows
    _queue(chat, "test:two:2", member_id)
    asyncio.run(telegram_dispatcher.tick())
    asyncio.run(console_dispatcher.tick())
    assert [m.dedupe_key for m in console.sent] == ["test:two:2"]
    assert [m.dedupe_key for m in telegram.sent] == ["test:two:1"]


def test_an_identity_never_used_does_not_win_over_the_one_used(chat: Chat) -> None:
    """A console identity that was never used (no last_used_at) is not preferred over Telegram: Postgres
    sorts NULL first in a descending order, so the console took the Telegram member's messages there."""
    member_id = _setup(chat)
    with chat.app.uow() as uow:
        uow.session.execute(
            update(Identity)
            .where(Identity.member_id == member_id, Identity.platform == "console")  # type: ignore[arg-type]
            .values(last_used_at=None)
        )
        uow.commit()
        preferred = uow.identities.preferred(member_id)
        assert preferred is not None and preferred.platform == "telegram"
    _queue(chat, "test:two:3", member_id)
    console_dispatcher, console, telegram_dispatcher, telegram = _console_and_telegram(chat)
    asyncio.run(console_dispatcher.tick())
    asyncio.run(telegram_dispatcher.tick())
    assert [m.dedupe_key for m in console.sent] == []
    assert [m.dedupe_key for m in telegram.sent] == ["test:two:3"]
