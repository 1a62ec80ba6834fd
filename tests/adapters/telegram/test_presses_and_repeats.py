"""Found by black-box testing:

1. A button press whose ``answerCallbackQuery`` fails (Telegram: "query is too old", which it answers for
   any press not answered within about 15 s: a press made while the bot was down, or one queued behind a
   chat's held-back replies) was dropped: the handler never ran, nothing was saved, no answer. The spinner
   is now stopped as the press arrives, and a refusal does not drop the press.
2. The same update (same ``update_id``) delivered twice was handled twice: ``/actie`` made two actions.
3. ``/casus@otherbot`` in a group (a command for another bot) was answered by ketenbot.
"""

from __future__ import annotations

import pytest

from tests.adapters.telegram.telegram_support import press_data, running_bot
from tests.fakes.telegram_updates import chat as tg_chat
from tests.fakes.telegram_updates import message, user
from tests.harness import Chat

PROCESMANAGER = 7401
GGZ = 7402
TOO_OLD = "Bad Request: query is too old and response timeout expired or query id is invalid"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_press_whose_callback_answer_fails_still_runs(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", PROCESMANAGER)
        bot.link("ggz", GGZ)
        await bot.answers(PROCESMANAGER, "/regie VH-2026-0001 overdragen @ggz", 1)
        await bot.deliver()  # the offer goes out through the outbox
        await bot.fake.wait_until(lambda: any("overnemen" in m["text"] for m in bot.fake.sent_messages(GGZ)))
        offer = next(m for m in bot.fake.sent_messages(GGZ) if "overnemen" in m["text"])
        bot.fake.fail_next("answerCallbackQuery", 400, description=TOO_OLD)
        before = len(bot.fake.sent_messages(GGZ))
        await bot.fake.push_callback(GGZ, GGZ, offer["message_id"], press_data(offer, "Accepteren"))
        # the press must still be handled: the handover accepted, and the member told so
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(GGZ)) > before)
        assert "casusregie" in bot.fake.sent_messages(GGZ)[-1]["text"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_same_update_twice_is_handled_once(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", PROCESMANAGER)
        text = "/actie VH-2026-0001 dubbel-test @ggz morgen"
        update = {"message": message(555, tg_chat(PROCESMANAGER, "private"), user(PROCESMANAGER), text=text)}
        await bot.fake.push_update({**update, "update_id": 900_000})
        await bot.fake.push_update({**update, "update_id": 900_000})
        await bot.answers(PROCESMANAGER, "/casus VH-2026-0001 plan", 2)  # wait for the first + the plan

        def plans() -> list[str]:
            return [m["text"] for m in bot.fake.sent_messages(PROCESMANAGER) if m["text"].startswith("Plan")]

        await bot.fake.wait_until(lambda: bool(plans()))
        assert plans()[0].count("dubbel-test") == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_command_for_another_bot_in_a_group_is_left_alone(chat: Chat) -> None:
    group = -4401
    async with running_bot(chat) as bot:
        bot.link("procesmanager", PROCESMANAGER)
        await bot.fake.push_message(PROCESMANAGER, group, "/casus@anderebot VH-2026-0001", chat_type="group")
        answers = await bot.answers(PROCESMANAGER, "/casus@ketenbot_test VH-2026-0001", 1, chat=group)
        assert len(answers) == 1 and "VH-2026-0001" in answers[0]  # only the one addressed to us
        assert len(bot.fake.sent_messages(group)) == 1
