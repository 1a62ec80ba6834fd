"""A member who blocked the bot (403 on Telegram) is reached through their deputy, when they named one."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import encode_reply
from bot.core.types import Reply
from storage.models import OutboxStatus
from storage.outbox.absence import Absence
from tests.adapters.telegram.telegram_support import TelegramBot, running_bot
from tests.harness import Chat

MEMBER, DEPUTY = 8301, 8302


def queue(bot: TelegramBot, key: str, text: str, member_id: int) -> None:
    """A message about no case (``case_ids=()``): a deputy may receive it (storage/outbox/forwarding.py)."""
    with bot.chat.app.uow() as uow:
        now = bot.chat.clock.now()
        payload = encode_reply(Reply(text))
        uow.outbox.add(key, payload, due_at=now, now=now, member_id=member_id, case_ids=())
        uow.commit()


def telegram_member(chat: Chat, name: str, telegram_id: int) -> int:
    """A member known only on Telegram (no console identity to fall back on)."""
    now = chat.clock.now()
    with chat.app.uow() as uow:
        organisation = uow.organisations.by_name("GGZ Rivierland")
        assert organisation is not None and organisation.id is not None
        member = uow.members.add(name, organisation.id, ["partner"], at=now)
        assert member.id is not None
        user = str(telegram_id)
        uow.identities.link(member.id, "telegram", user, display_name=None, direct_chat_id=user, at=now)
        uow.commit()
        return member.id


def name_deputy(chat: Chat, member_id: int, deputy_id: int, *, days_ago: int) -> None:
    """An /afwezig of some while ago (long over) that named ``deputy_id``."""
    today = chat.clock.today()
    with chat.app.uow() as uow:
        uow.absences.add(
            Absence(
                member_id=member_id,
                deputy_id=deputy_id,
                from_on=today - timedelta(days=days_ago),
                to_on=today - timedelta(days=days_ago - 2),
                created_at=chat.clock.now() - timedelta(days=days_ago + 1),
            )
        )
        uow.commit()


async def test_a_reminder_to_a_member_who_blocked_the_bot_goes_to_their_deputy(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        member_id = telegram_member(chat, "Sanne Visser", MEMBER)
        earlier_deputy = telegram_member(chat, "Youssef Amrani", 8303)
        deputy_id = telegram_member(chat, "Noor Jansen", DEPUTY)
        name_deputy(chat, member_id, earlier_deputy, days_ago=60)
        name_deputy(chat, member_id, deputy_id, days_ago=20)  # the one named last stands in
        bot.fake.block_chat(MEMBER)
        queue(bot, "reminder:deputy:1", "Actie #12 verloopt morgen", member_id)

        await bot.deliver()  # 403: marked unreachable, tried again at once
        await bot.deliver()  # ... through the deputy
        queue(bot, "reminder:deputy:2", "Actie #13 verloopt morgen", member_id)
        await bot.deliver()
    texts = [m["text"] for m in bot.fake.sent_messages(DEPUTY)]
    forwarded = "(Doorgestuurd omdat Sanne Visser de bot niet meer ontvangt; jij bent de vervanger.)"
    assert texts == [f"{forwarded}\nActie #12 verloopt morgen", f"{forwarded}\nActie #13 verloopt morgen"]
    assert bot.fake.sent_messages(8303) == []
    assert [c.status for c in bot.fake.calls if c.params.get("chat_id") == MEMBER] == [403]
    with chat.app.uow() as uow:
        rows = [uow.outbox.by_key(f"reminder:deputy:{n}") for n in (1, 2)]
        assert [row.status if row else None for row in rows] == [OutboxStatus.SENT] * 2
    notices = [m for m in chat.sender.sent if "geblokkeerd" in m.text]
    assert len(notices) == 2  # procesregie still hears of the block, once each


async def test_without_a_named_deputy_the_reminder_still_fails(sqlite_chat: Chat) -> None:
    async with running_bot(sqlite_chat) as bot:
        member_id = telegram_member(sqlite_chat, "Sanne Visser", MEMBER)
        bot.fake.block_chat(MEMBER)
        queue(bot, "reminder:nodeputy:1", "Actie #12 verloopt morgen", member_id)
        await bot.deliver()
        await bot.deliver()
    with sqlite_chat.app.uow() as uow:
        row = uow.outbox.by_key("reminder:nodeputy:1")
        assert row is not None and row.status == OutboxStatus.FAILED
