"""Forms on Telegram: inline keyboards, the date picker, in-place updates, documents and long texts."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from bot.core import CommandGroup, Context, Field, FileAttachment, Form, Incoming, Option, Reply, t
from bot.core.access import NO_TARGET
from tests.adapters.telegram.telegram_support import TelegramBot, buttons, press_data, running_bot
from tests.harness import Chat

USER = 7101
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:MDO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
submitted: list[dict[str, Any]] = []


def record(values: dict[str, Any], ctx: Context) -> Reply:
    submitted.append(values)
    return Reply(f"Opgeslagen: {values['kind']} op {values['day'].isoformat()}")


test_group = CommandGroup("telegramtest")
test_group.form(
    Form(
        id="telegramtest.plan",
        title=t("telegramtest.title"),
        fields=[
            Field.choice("kind", t("telegramtest.kind"), [Option("mdo", "MDO"), Option("triage", "Triage")]),
            Field.multichoice("who", t("telegramtest.who"), [Option("pol", "Politie"), Option("ggz", "GGZ")]),
            Field.date("day", t("telegramtest.day")),
            Field.yesno("urgent", t("telegramtest.urgent")),
        ],
        on_submit=record,
        target=NO_TARGET,
    )
)


@test_group.command("plannen", target=NO_TARGET)
def start_plan(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        replies = ctx.forms.start("telegramtest.plan", ctx)
        uow.commit()
    return replies


@test_group.command("invite", target=NO_TARGET)
def send_invite(msg: Incoming, ctx: Context) -> Reply:
    return Reply("Uitnodiging", file=FileAttachment("overleg.ics", ICS, "text/calendar"))


@test_group.command("lang", target=NO_TARGET)
def long_text(msg: Incoming, ctx: Context) -> Reply:
    return Reply([f"regel {i:04d} <{'x' * 40}> & meer" for i in range(300)])


async def press(bot: TelegramBot, message: dict[str, Any], label: str) -> None:
    await bot.fake.push_callback(USER, USER, message["message_id"], press_data(message, label))


def last(bot: TelegramBot) -> dict[str, Any]:
    return bot.fake.sent_messages(USER)[-1]


async def test_form_with_keyboard_presses_date_picker_and_submission(chat: Chat) -> None:
    submitted.clear()
    async with running_bot(chat, extra=[test_group]) as bot:
        bot.link("voorzitter", USER)
        texts = await bot.answers(USER, "/plannen", 2)
        assert "telegramtest.title" in texts[0] and "(1/4)" in texts[1]
        first = last(bot)
        assert [label for label, _ in buttons(first)] == ["MDO", "Triage", "Annuleren"]
        assert all(len(data.encode()) <= 64 for _, data in buttons(first))

        count = len(bot.fake.sent_messages(USER))
        await press(bot, first, "MDO")
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(USER)) == count + 1)
        answered = bot.fake.messages[(USER, first["message_id"])]
        assert "reply_markup" not in answered and answered["text"].endswith("→ <b>MDO</b>")  # no double taps
        who = last(bot)
        assert "(2/4)" in who["text"]

        edits = len([c for c in bot.fake.calls if c.method == "editMessageText"])
        await press(bot, who, "GGZ")  # a toggle: the same question is updated in place
        await bot.fake.wait_until(
            lambda: len([c for c in bot.fake.calls if c.method == "editMessageText"]) == edits + 1
        )
        toggled = bot.fake.messages[(USER, who["message_id"])]
        assert [label for label, _ in buttons(toggled)][:2] == ["Politie", "✔ GGZ"]
        assert len(bot.fake.sent_messages(USER)) == count + 1  # no new message for a toggle

        await press(bot, toggled, "Klaar")
        await bot.fake.wait_until(lambda: "(3/4)" in last(bot)["text"])
        picker = last(bot)
        labels = [label for label, _ in buttons(picker)]
        assert labels[:3] == ["vandaag 26-11", "morgen 27-11", "ma 30-11"]  # Thursday: Friday is tomorrow
        assert labels[-1] == "Annuleren"
        await press(bot, picker, "ma 30-11")
        await bot.fake.wait_until(lambda: "(4/4)" in last(bot)["text"])
        await press(bot, last(bot), "ja")
        await bot.fake.wait_until(lambda: "controleer" in last(bot)["text"])
        summary = last(bot)
        assert "30-11-2026" in summary["text"] and "Politie" not in summary["text"]
        await press(bot, summary, "Versturen")
        await bot.fake.wait_until(lambda: last(bot)["text"].startswith("Opgeslagen"))
    assert submitted == [{"kind": "mdo", "who": ["ggz"], "day": date(2026, 11, 30), "urgent": True}]
    answers = [c for c in bot.fake.calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 6 and all(c.ok for c in answers)


async def test_typed_date_still_works_and_a_bad_one_asks_again(chat: Chat) -> None:
    async with running_bot(chat, extra=[test_group]) as bot:
        bot.link("voorzitter", USER)
        await bot.answers(USER, "/plannen", 2)
        await bot.answers(USER, "2", 1)  # typed: the second option
        refused = await bot.answers(USER, "klaar", 2)  # multichoice needs one: error + same question
        assert "minstens" in refused[0] and "(2/4)" in refused[1]
        await bot.answers(USER, "1", 1)
        await bot.answers(USER, "klaar", 1)
        bad = await bot.answers(USER, "31-02-2026", 2)
        assert "bestaat niet" in bad[0] and "(3/4)" in bad[1]
        good = await bot.answers(USER, "morgen", 1)
        assert "(4/4)" in good[0]


async def test_document_is_sent_as_a_file(chat: Chat) -> None:
    async with running_bot(chat, extra=[test_group]) as bot:
        bot.link("voorzitter", USER)
        await bot.fake.push_message(USER, USER, "/invite")
        await bot.fake.wait_for(lambda c: c.method == "sendDocument" and c.ok)
    (document,) = bot.fake.documents(USER)
    assert (document.filename, document.data) == ("overleg.ics", ICS)
    assert document.mime_type == "text/calendar"
    assert [m["text"] for m in bot.fake.sent_messages(USER)] == ["Uitnodiging"]


async def test_long_texts_are_split_at_line_boundaries(sqlite_chat: Chat) -> None:
    async with running_bot(sqlite_chat, extra=[test_group]) as bot:
        bot.link("voorzitter", USER)
        await bot.fake.push_message(USER, USER, "/lang")
        await bot.fake.wait_until(lambda: any("0299" in m["text"] for m in bot.fake.sent_messages(USER)))
    parts = [c.params["text"] for c in bot.fake.calls if c.method == "sendMessage"]
    assert len(parts) == 6 and all(len(p) <= 4096 for p in parts)
    lines = [line for part in parts for line in part.split("\n")]
    assert lines == [f"regel {i:04d} &lt;{'x' * 40}&gt; &amp; meer" for i in range(300)]
    for part, following in itertools.pairwise(parts):  # each part is as full as lines allow
        assert len(part) + 1 + len(following.split("\n")[0]) > 4096
