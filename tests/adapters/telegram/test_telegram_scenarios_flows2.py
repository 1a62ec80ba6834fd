"""End to end on Telegram, continued: a CSV dropped in a direct chat without a caption asks for its source
with buttons, shows the dry run and imports on Importeren (signals in the database); the mutatie it makes
on a known subject reaches procesregie with buttons and a press updates the alert; the stale-case digest
delivered by the dispatcher with its buttons; /casus CODE log in a direct chat vs a group.
Assertions are on what the fake Bot API recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from schedules.stale import run_stale_watchdog
from storage.cases.tables import Signal
from storage.cases.uploads import PendingUpload
from tests.adapters.telegram.telegram_support import TelegramBot, buttons, running_bot
from tests.fakes.telegram_updates import JSON
from tests.harness import Chat
from tests.stale_cases import finish_all_actions

MANAGER, REGISSEUR, WIJKAGENT, WOONSTEDE, GROUP = 7701, 7702, 7703, 7704, -4701
CODE = "VH-2026-0001"  # demo: Jan de Vries; procesregie procesmanager, casusregie regisseur
CSV = (
    b"name,birth_date,gemeente,categories,urgency,description\n"
    b"Pieter Fictief,01-02-1980,Waterdam,overlast,normaal,Fictief: geluidsoverlast\n"
    b'Jan de Vries,12-03-1985,Waterdam,"overlast,schulden",hoog,Fictief: weer overlast & ruzie\n'
)


def signal_count(chat: Chat) -> int:
    with chat.app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(Signal)).one())


async def upload(bot: TelegramBot) -> JSON:
    """The procesmanager drops the CSV in the DM without a caption; returns the dry run (Veilig Thuis)."""
    before = len(bot.fake.sent_messages(MANAGER))
    await bot.fake.push_document(MANAGER, MANAGER, CSV, filename="lijst.csv")
    await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(MANAGER)) > before)
    ask = bot.fake.sent_messages(MANAGER)[-1]
    assert "Ik heb lijst.csv ontvangen. Van welke partner" in ask["text"]
    labels = [label for label, _ in buttons(ask)]
    assert "Politie" in labels and "Veilig Thuis" in labels and "Veiligheidshuis" not in labels
    assert all(len(data.encode()) <= 64 for _, data in buttons(ask))
    (dry,) = await bot.press(MANAGER, ask, "Veilig Thuis")
    return dry


async def test_a_csv_without_caption_asks_the_source_shows_the_dry_run_and_imports(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        before = signal_count(chat)
        dry = await upload(bot)
        summary = "Proefrun van lijst.csv (bron: Veilig Thuis): 2 rijen -&gt; 1 nieuw signaal en 1 mutatie"
        assert summary in dry["text"]
        assert [label for label, _ in buttons(dry)] == ["Importeren", "Annuleren"]
        assert signal_count(chat) == before  # a dry run writes nothing

        (done,) = await bot.press(MANAGER, dry, "Importeren")
        assert "lijst.csv is geïmporteerd: 1 nieuw signaal en 1 mutatie" in done["text"]
        assert buttons(bot.fake.messages[(MANAGER, dry["message_id"])]) == []  # no second import
    assert signal_count(chat) == before + 2
    with chat.app.uow() as uow:
        signals = uow.session.exec(select(Signal)).all()
        (mutatie,) = [s for s in signals if s.description == "Fictief: weer overlast & ruzie"]
        assert mutatie.status == "mutatie" and mutatie.case_id == 1
        assert [s for s in signals if s.description == "Fictief: geluidsoverlast"]


async def test_a_mutatie_reaches_procesregie_with_buttons_and_a_press_updates_the_alert(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("regisseur", REGISSEUR)
        (done,) = await bot.press(MANAGER, await upload(bot), "Importeren")
        assert "geïmporteerd" in done["text"]
        assert await bot.deliver() >= 2
        (alert,) = [m for m in bot.fake.sent_messages(MANAGER) if f"Mutatie op {CODE}" in m["text"]]
        (to_casusregie,) = [m for m in bot.fake.sent_messages(REGISSEUR) if f"Mutatie op {CODE}" in m["text"]]
        assert "weer overlast &amp; ruzie" in alert["text"]  # the partner's text, escaped for HTML
        labels = [label for label, _ in buttons(alert)]
        assert len(labels) == 3 and all(len(data.encode()) <= 64 for _, data in buttons(alert))
        assert buttons(to_casusregie) == []  # only procesregie chooses
        ref = next(word for word in alert["text"].split() if word.startswith("S-")).rstrip(".,:)")

        (noted,) = await bot.press(MANAGER, alert, labels[0])
        assert f"Mutatie {ref} is genoteerd in de tijdlijn van {CODE}." in noted["text"]
        updated = bot.fake.messages[(MANAGER, alert["message_id"])]
        assert updated["text"].endswith(f"→ <b>{labels[0]}</b>") and buttons(updated) == []
        (again,) = await bot.press(MANAGER, alert, labels[2])  # a stale copy of the keyboard
        assert f"Over mutatie {ref} is al besloten." in again["text"]


async def digest(bot: TelegramBot) -> JSON:
    """What ``ketenbot run``'s morning job does: the watchdog writes the outbox, the dispatcher sends."""
    chat = bot.chat
    finish_all_actions(chat, CODE, chat.clock.now() - timedelta(weeks=3, days=1))
    assert run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3) == 2
    assert await bot.deliver() >= 1
    (message,) = [m for m in bot.fake.sent_messages(MANAGER) if "niets gepland" in m["text"]]
    return message


async def test_the_stale_digest_arrives_with_its_buttons_and_a_press_answers(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        message = await digest(bot)
        assert "1 actieve casus waar al meer dan 3 weken niets gepland staat" in message["text"]
        assert f"{CODE} (J.d.V.)" in message["text"] and "VH-2025-0001" not in message["text"]
        assert [label for label, _ in buttons(message)] == ["MDO plannen", "Actie toevoegen"]

        intro, step = await bot.press(MANAGER, message, "MDO plannen", expect=2)
        # the overleg plan form, the case already on the agenda (issue 17)
        assert f"MDO voor {CODE} (J.d.V.): de casus staat op de agenda." in intro["text"]
        assert "(1/6) Datum en tijd" in step["text"]
        # the form's questions are new messages: the digest stays as it was, every button still there
        kept = bot.fake.messages[(MANAGER, message["message_id"])]
        assert kept["text"] == message["text"] and buttons(kept) == buttons(message)
        assert not [c for c in bot.fake.calls if c.method.startswith("editMessage")]
        (stopped,) = await bot.answers(MANAGER, "/stop", 1)
        assert "geannuleerd" in stopped
        (action,) = await bot.press(MANAGER, kept, "Actie toevoegen")
        assert f"Voeg een actie toe met /actie {CODE}" in action["text"]
        assert await bot.deliver() >= 0
        assert len([m for m in bot.fake.sent_messages(MANAGER) if "niets gepland" in m["text"]]) == 1
    assert run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3) == 0  # per day


async def test_casus_log_in_a_dm_and_in_a_group_only_a_short_line(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("wijkagent", WIJKAGENT)
        bot.link("woonstede", WOONSTEDE)
        (read,) = await bot.answers(WIJKAGENT, f"/casus {CODE}", 1)
        assert CODE in read
        (refused,) = await bot.answers(WOONSTEDE, f"/casus {CODE}", 1)
        assert "geen toegang" in refused

        (log,) = await bot.answers(MANAGER, f"/casus {CODE} log", 1)
        assert log.startswith(f"Toegangslog van {CODE} (")
        assert "— Bram Kuipers — casus (read) via telegram/direct: ok" in log
        assert "— Daan Peters — casus (read) via telegram/direct: denied" in log

        (in_group,) = await bot.answers(MANAGER, f"/casus {CODE} log", 1, chat=GROUP)
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(MANAGER)) == 2)
        private = bot.fake.sent_messages(MANAGER)[-1]["text"]
        (not_yours,) = await bot.answers(WIJKAGENT, f"/casus {CODE} log", 1, chat=GROUP)
    assert f"Toegangslog van {CODE}:" in in_group and "privéchat" in in_group
    for secret in ("Bram Kuipers", "telegram/direct", "(read)"):
        assert secret not in in_group
    assert private.startswith(f"Toegangslog van {CODE} (") and "Bram Kuipers" in private
    assert f"Alleen wie de procesregie van {CODE} heeft" in not_yours and "Toegangslog" not in not_yours
    assert len(bot.fake.sent_messages(WIJKAGENT)) == 1  # nothing sent privately to the deelnemer


async def test_a_refused_press_in_a_group_leaves_the_triage_item_and_its_buttons(chat: Chat) -> None:
    manager, partner, group = 7711, 7712, -4711
    async with running_bot(chat) as bot:
        bot.link("procesmanager2", manager)
        bot.link("wijkagent", partner)
        queue = await bot.messages(manager, "/triage", 4, chat=group)
        item = queue[1]
        (refused,) = await bot.press(partner, item, "top-X")
        assert refused["text"] == "Deze knop is niet voor jouw rol bedoeld."
        after = bot.fake.messages[(group, item["message_id"])]
    assert after["text"] == item["text"] and buttons(after) == buttons(item)  # nothing was decided


async def test_a_csv_from_a_partner_or_in_a_group_is_refused_and_nothing_is_kept(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("wijkagent", WIJKAGENT)
        before = signal_count(chat)
        await bot.fake.push_document(WIJKAGENT, WIJKAGENT, CSV, filename="lijst.csv")
        await bot.fake.wait_until(lambda: bool(bot.fake.sent_messages(WIJKAGENT)))
        await bot.fake.push_document(MANAGER, GROUP, CSV, filename="lijst.csv", chat_type="group")
        await bot.fake.wait_until(lambda: bool(bot.fake.sent_messages(GROUP)))
        (by_partner,) = bot.fake.sent_messages(WIJKAGENT)
        (in_group,) = bot.fake.sent_messages(GROUP)
    assert "Alleen procesmanagers" in by_partner["text"] and buttons(by_partner) == []
    assert "alleen aan in een direct gesprek" in in_group["text"] and buttons(in_group) == []
    assert signal_count(chat) == before
    with chat.app.uow() as uow:
        assert uow.session.exec(select(func.count()).select_from(PendingUpload)).one() == 0
