"""Delivery through the outbox on Telegram: pacing under a 429 storm, blocked users, migrated groups."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import encode_reply
from bot.core.pacing import TELEGRAM_LIMITS
from bot.core.types import Reply
from schedules.dispatcher import Dispatcher
from storage.models import OutboxStatus
from tests.adapters.telegram.telegram_support import TelegramBot, running_bot
from tests.harness import Chat

FIRST_USER = 8001


def add_members(bot: TelegramBot, count: int, first: int) -> list[int]:
    """Members that exist only on Telegram (user ids first, first+1, ...); returns their member ids."""
    app, now = bot.chat.app, bot.chat.clock.now()
    with app.uow() as uow:
        organisation = uow.organisations.by_name("Gemeente Waterdam")
        assert organisation is not None and organisation.id is not None
        ids = []
        for offset in range(count):
            user = str(first + offset)
            member = uow.members.add(f"Deelnemer {offset}", organisation.id, ["partner"], at=now)
            assert member.id is not None
            uow.identities.link(member.id, "telegram", user, display_name=None, direct_chat_id=user, at=now)
            ids.append(member.id)
        uow.commit()
    return ids


def queue(bot: TelegramBot, key: str, text: str, *, member_id: int | None = None, purpose: str | None = None):
    with bot.chat.app.uow() as uow:
        now = bot.chat.clock.now()
        uow.outbox.add(
            key, encode_reply(Reply(text)), due_at=now, now=now, member_id=member_id, group_purpose=purpose
        )
        uow.commit()


async def drain(bot: TelegramBot, dispatcher: Dispatcher, expected: int, *, rounds: int = 30) -> int:
    """Tick (moving the fixed clock past retry times) until Telegram accepted ``expected`` messages;
    bounded. A send that outlasts the dispatcher's patience (paced, or a busy machine) finishes in the
    background and is counted by no tick: each round waits for those (``settle``) and counts what arrived."""

    def accepted() -> int:
        return len([c for c in bot.fake.calls if c.method == "sendMessage" and c.ok])

    start = accepted()
    for _ in range(rounds):
        await dispatcher.tick()
        await dispatcher.settle()
        if accepted() - start >= expected:
            break
        bot.chat.clock.advance(timedelta(seconds=5))
    return accepted() - start


async def test_429_storm_while_sending_200_reminders_to_20_chats(sqlite_chat: Chat) -> None:
    async with running_bot(sqlite_chat, limits=TELEGRAM_LIMITS) as bot:
        fake = bot.fake
        fake.enforce_limits()  # Telegram's: 1/s per chat, 20/min per group, 30/s overall
        members = add_members(bot, 20, FIRST_USER)
        with sqlite_chat.app.uow() as uow:
            before = uow.outbox.depth()  # the demo's release alerts, due weeks from now
        for number in range(10):  # the same reminders for everyone, as a reminder rule makes them
            for index, member_id in enumerate(members):
                queue(bot, f"reminder:{index}:{number}", f"herinnering {number}", member_id=member_id)
        fake.fail_next("sendMessage", 429, retry_after=1, count=30)  # the storm
        dispatcher = sqlite_chat.app.dispatcher({"telegram": bot.adapter.sender})
        assert await drain(bot, dispatcher, 200) == 200
    storm = [c for c in fake.calls if c.method == "sendMessage" and c.status == 429]
    assert len(storm) == 30 and fake.limit_violations == []
    for offset in range(20):
        texts = [m["text"] for m in fake.sent_messages(FIRST_USER + offset)]
        assert texts == [f"herinnering {n}" for n in range(10)]  # everything, in order per chat
    with sqlite_chat.app.uow() as uow:
        assert uow.outbox.depth() == before  # all 200 went out; nothing else was touched


async def test_a_chat_answering_429_is_parked_at_once_while_the_others_get_all(sqlite_chat: Chat) -> None:
    """Issue 19 item 2: a 429 for one chat goes back to the dispatcher at once (one try, no waiting out the
    Retry-After inside the send); its rows wait with a not-before time and every other chat is served."""
    async with running_bot(sqlite_chat) as bot:
        members = add_members(bot, 3, FIRST_USER)
        bot.fake.sick_chats[str(FIRST_USER)] = 60  # this chat answers 429, retry after 60 s, for now
        for number in range(3):
            for index, member_id in enumerate(members):
                queue(bot, f"reminder:{index}:{number}", f"herinnering {number}", member_id=member_id)
        dispatcher = sqlite_chat.app.dispatcher({"telegram": bot.adapter.sender})
        assert await dispatcher.tick() == 6
        sick_tries = [c for c in bot.fake.calls if c.method == "sendMessage" and c.params.get("chat_id") in
                      (FIRST_USER, str(FIRST_USER))]  # fmt: skip
        assert len(sick_tries) == 1  # not retried inside the send
        for offset in (1, 2):
            texts = [m["text"] for m in bot.fake.sent_messages(FIRST_USER + offset)]
            assert texts == ["herinnering 0", "herinnering 1", "herinnering 2"]
        with sqlite_chat.app.uow() as uow:
            rows = [uow.outbox.by_key(f"reminder:0:{n}") for n in range(3)]
        assert [(r.status, r.attempts) for r in rows if r is not None] == [
            (OutboxStatus.PENDING, 1), (OutboxStatus.PENDING, 0), (OutboxStatus.PENDING, 0)
        ]  # fmt: skip
        parked_until = rows[0].lease_until if rows[0] is not None else None
        assert parked_until is not None and parked_until >= sqlite_chat.clock.now() + timedelta(seconds=59)
        bot.fake.sick_chats.clear()
        sqlite_chat.clock.advance(timedelta(seconds=61))
        assert await dispatcher.tick() == 3
        texts = [m["text"] for m in bot.fake.sent_messages(FIRST_USER)]
        assert texts == ["herinnering 0", "herinnering 1", "herinnering 2"]  # in order, once each


async def test_blocked_user_is_marked_unreachable_and_procesregie_told_once(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        (member_id,) = add_members(bot, 1, 8101)
        bot.fake.block_chat(8101)
        queue(bot, "reminder:blocked:1", "eerste", member_id=member_id)
        queue(bot, "reminder:blocked:2", "tweede", member_id=member_id)
        dispatcher = chat.app.dispatcher({"telegram": bot.adapter.sender, "console": chat.sender})
        await dispatcher.tick()
        await dispatcher.tick()  # the notices to procesregie
        queue(bot, "reminder:blocked:3", "derde", member_id=member_id)
        await dispatcher.tick()
        with chat.app.uow() as uow:
            identity = uow.identities.find("telegram", "8101")
            assert identity is not None and identity.unreachable_at == chat.clock.now()
            assert uow.identities.preferred(member_id) is None
            statuses = [uow.outbox.by_key(f"reminder:blocked:{n}") for n in (1, 2, 3)]
            assert [row.status if row else None for row in statuses] == [OutboxStatus.FAILED] * 3
        notices = [m for m in chat.sender.sent if "geblokkeerd" in m.text]
        assert sorted(m.user_id or "" for m in notices) == ["procesmanager", "procesmanager2"]
        assert all("Deelnemer 0" in m.text and "telegram" in m.text for m in notices)
        assert len([c for c in bot.fake.calls if c.status == 403]) == 1  # not retried, not tried again

        bot.fake.unblock_chat(8101)
        chat.clock.advance(timedelta(minutes=10))
        reply = await bot.say(8101, "/ik")  # writing again: reachable again
        assert "Deelnemer 0" in reply.params["text"]
        with chat.app.uow() as uow:
            preferred = uow.identities.preferred(member_id)
            assert preferred is not None and preferred.external_id == "8101"


async def test_group_migration_updates_the_stored_chat_id(chat: Chat) -> None:
    old, new = -4001, -1004001000000
    with chat.app.uow() as uow:
        uow.groups.link("telegram", str(old), "Triage Rivierland", "triage-tg")
        uow.commit()

    def moved() -> bool:
        with chat.app.uow() as uow:
            group = uow.groups.for_purpose("triage-tg")
            return group is not None and group.chat_id == str(new)

    async with running_bot(chat) as bot:
        await bot.fake.push_migrate(old, new)
        await bot.fake.wait_until(moved)
        queue(bot, "triage:tg:1", "nieuwe signalen", purpose="triage-tg")
        dispatcher = chat.app.dispatcher({"telegram": bot.adapter.sender})
        assert await dispatcher.tick() == 1
    assert [m["text"] for m in bot.fake.sent_messages(new)] == ["nieuwe signalen"]


async def test_a_send_that_finds_the_group_migrated_follows_it(sqlite_chat: Chat) -> None:
    old, new = -4002, -1004002000000
    with sqlite_chat.app.uow() as uow:
        uow.groups.link("telegram", str(old), "MDO", "mdo-tg")
        uow.commit()
    async with running_bot(sqlite_chat) as bot:
        bot.fake.migrated[old] = new  # no update seen: the send itself learns it
        queue(bot, "mdo:tg:1", "agenda", purpose="mdo-tg")
        queue(bot, "mdo:tg:2", "verslag", purpose="mdo-tg")
        dispatcher = sqlite_chat.app.dispatcher({"telegram": bot.adapter.sender})
        assert await dispatcher.tick() >= 1
        # the second waits for the group's pace (20/min) beyond the dispatcher's patience: in the background
        await dispatcher.settle()
    assert [m["text"] for m in bot.fake.sent_messages(new)] == ["agenda", "verslag"]
    with sqlite_chat.app.uow() as uow:
        group = uow.groups.for_purpose("mdo-tg")
        assert group is not None and group.chat_id == str(new)


async def test_network_errors_are_retried_with_backoff(sqlite_chat: Chat) -> None:
    async with running_bot(sqlite_chat) as bot:
        bot.link("wijkagent", 8201)
        bot.fake.fail_next("sendMessage", 502, count=1)
        bot.fake.fail_next("sendMessage", disconnect=True)
        reply = await bot.say(8201, "/ik")
        assert reply.ok and "Bram Kuipers" in reply.params["text"]
    attempts = [c for c in bot.fake.calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [502, 429, 200]  # 502, a dropped connection, then through
    assert len(bot.fake.sent_messages(8201)) == 1
    errors = bot.chat.app.router.metrics
    assert errors.value("ketenbot_telegram_errors_total", kind="network", method="sendMessage") == 2
