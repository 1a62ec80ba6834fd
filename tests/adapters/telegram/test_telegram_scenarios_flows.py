"""End to end on Telegram for the report and informatieverzoek flows: /rapport by a procesmanager in a
direct chat gives the summary and the PNG chart and the CSV as documents (a partner is refused); /info by a
partner reaches the procesmanager with Bekend / Niet bekend buttons, and the asker learns only that.
Assertions are on what the fake Bot API recorded."""

from __future__ import annotations

import csv
import io

from tests.adapters.telegram.telegram_support import TelegramBot, buttons, running_bot
from tests.fakes.telegram_updates import JSON
from tests.harness import Chat

MANAGER, WIJKAGENT, PARTNER = 7601, 7602, 7603
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHART_DEADLINE = 30.0  # seconds: matplotlib renders the chart, slow on a busy shared machine
SECRETS = ("VH-2026", "J.d.V.", "Woonplek", "Schuldhulp", "topx", "actief", "Fatima", "GGZ")


async def test_rapport_in_a_dm_sends_the_summary_then_the_png_and_the_csv(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        await bot.fake.push_message(MANAGER, MANAGER, "/rapport kwartaal 2026Q4")
        await bot.fake.wait_until(lambda: len(bot.fake.documents(MANAGER)) >= 2, timeout=CHART_DEADLINE)
        summary, chart_text, table_text = bot.fake.sent_messages(MANAGER)
        chart, table = bot.fake.documents(MANAGER)
    text = summary["text"]
    assert text.startswith("Kwartaalrapportage 2026Q4 (vergeleken met 2026Q3) — alle gemeenten")
    assert "huisverboden opgelegd: 0 (vorig kwartaal 0)" in text and "niet beschikbaar" not in text
    methods = [c.method for c in bot.fake.calls if c.method in ("sendMessage", "sendDocument")]
    # the summary first, then each file after its own line of text, in the order the handler returned them
    assert methods == ["sendMessage", "sendMessage", "sendDocument", "sendMessage", "sendDocument"]
    assert chart_text["text"] == "Grafiek bij de kwartaalrapportage"
    assert table_text["text"] == "Tabel bij de kwartaalrapportage (CSV)"
    assert chart.filename == "rapport-2026Q4.png" and chart.data[:8] == PNG_MAGIC
    assert 10_000 < len(chart.data) < 2_000_000
    assert table.filename == "rapport-2026Q4.csv"
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Omschrijving", "2026Q4 t/m 26-11-2026", "2026Q3"]
    assert ["Signalen per urgentie", "acuut", "1", "0"] in rows
    assert (chart.caption, table.caption) == ("rapport-2026Q4.png", "rapport-2026Q4.csv")


async def test_rapport_is_refused_for_a_partner_and_sends_no_documents(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", WIJKAGENT)
        (refused,) = await bot.answers(WIJKAGENT, "/rapport kwartaal 2026Q4", 1)
        (helped,) = await bot.answers(WIJKAGENT, "/help", 1)  # a later request: everything was handled
    assert "geen toegang tot /rapport" in refused and "Kwartaalrapportage" not in refused
    assert helped.startswith("Wat je met ketenbot kunt doen:")
    assert bot.fake.documents() == [] and not [c for c in bot.fake.calls if c.method == "sendDocument"]


async def ask(bot: TelegramBot, query: str) -> tuple[str, JSON]:
    """The partner asks; the dispatcher delivers; the ref and the request in the procesmanager's DM."""
    (sent,) = await bot.answers(PARTNER, f"/info {query}", 1)
    assert "is doorgezet naar de procesmanagers" in sent and "26-11-2026 17:00" in sent
    ref = sent.split()[2]
    assert ref.startswith("I-"), sent
    assert await bot.deliver() >= 1
    (request,) = [m for m in bot.fake.sent_messages(MANAGER) if f"Informatieverzoek {ref} " in m["text"]]
    return ref, request


def to_partner(bot: TelegramBot) -> list[str]:
    return [m["text"] for m in bot.fake.sent_messages(PARTNER)]


async def test_info_known_reaches_the_asker_with_whom_to_call_and_no_case_content(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("woonstede", PARTNER)
        bot.link("procesmanager", MANAGER)
        ref, request = await ask(bot, "Jan de Vries")
        assert "Jan de Vries" in request["text"] and "Bekend in: VH-2026-0001" in request["text"]
        assert [label for label, _ in buttons(request)] == ["Bekend", "Niet bekend"]
        assert all(len(data.encode()) <= 64 for _, data in buttons(request))

        (confirmed,) = await bot.press(MANAGER, request, "Bekend")
        assert confirmed["text"] == f"Je antwoord op {ref} is naar de vrager gestuurd."
        answered = bot.fake.messages[(MANAGER, request["message_id"])]  # the request, edited in place
        assert answered["text"].endswith("Bekend in: VH-2026-0001\n\n→ <b>Bekend</b>")
        assert buttons(answered) == []  # answered: nothing left to press twice

        assert await bot.deliver() >= 1
        answers = [t for t in to_partner(bot) if t.startswith(f"Antwoord op {ref}")]
    assert answers == [
        f"Antwoord op {ref} ('Jan de Vries'): bekend bij het Veiligheidshuis, neem contact op met "
        "Anouk de Wit (Zorg- en Veiligheidshuis Rivierland, "
        f'<a href="tg://user?id={MANAGER}">via Telegram</a>).'
    ]
    everything = "\n".join(to_partner(bot))
    for secret in SECRETS:
        assert secret not in everything


async def test_info_not_known_is_all_the_asker_learns_and_a_second_answer_is_refused(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("woonstede", PARTNER)
        bot.link("procesmanager", MANAGER)
        ref, request = await ask(bot, "Pieter Fictief")
        assert "Geen open casus gevonden waarvan jij deelnemer bent." in request["text"]
        (confirmed,) = await bot.press(MANAGER, request, "Niet bekend")
        assert "naar de vrager gestuurd" in confirmed["text"]
        assert bot.fake.messages[(MANAGER, request["message_id"])]["text"].endswith("→ <b>Niet bekend</b>")
        (again,) = await bot.press(MANAGER, request, "Bekend")  # a stale copy of the keyboard
        assert again["text"] == f"Informatieverzoek {ref} is al beantwoord."

        await bot.deliver()
    assert [t for t in to_partner(bot) if t.startswith("Antwoord op")] == [
        f"Antwoord op {ref} ('Pieter Fictief'): niet bekend bij het Veiligheidshuis."
    ]
