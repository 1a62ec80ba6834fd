"""End to end on Telegram, continued: an overleg planned by a chair reaches an invitee with RSVP buttons and
an .ics document; a release alert delivered by the dispatcher with its nazorg checklist buttons, one ticked
off in place; an unexpected release picked up by one regie holder while the other sees who.
Assertions are on what the fake Bot API recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.adapters.telegram.telegram_support import TelegramBot, buttons, press_data, running_bot
from tests.handlers.overleg.overleg_helpers import event_of
from tests.harness import Chat

CHAIR, INVITEE, MANAGER, REGISSEUR = 7511, 7512, 7521, 7522
REFUSALS = ("werkt niet meer", "referentie", "niet voor jouw rol")  # a stale button, an error, not allowed


async def test_an_overleg_invite_with_rsvp_buttons_and_ics_and_the_chair_sees_the_answer(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("voorzitter", CHAIR)
        bot.link("ggz", INVITEE)

        started = await bot.messages(CHAIR, "/overleg plan", 2)
        assert "(1/8) Soort overleg" in started[-1]["text"]
        (start,) = await bot.press(CHAIR, started[-1], "MDO/casusoverleg")
        assert "(2/8)" in start["text"]
        (duration,) = await bot.messages(CHAIR, "01-12-2026 10:00", 1)
        assert "(3/8)" in duration["text"]
        (place,) = await bot.messages(CHAIR, "90", 1)
        assert "(4/8) Plaats" in place["text"]
        (cases,) = await bot.messages(CHAIR, "Stadhuis Waterdam, kamer 2", 1)
        (invitees,) = await bot.press(CHAIR, cases, "Overslaan")
        assert "(6/8)" in invitees["text"]
        (recurrence,) = await bot.messages(CHAIR, "@ggz", 1)
        # a one-off meeting is not asked "Herhalen tot en met" (issue 17): straight to the summary
        (summary,) = await bot.press(CHAIR, recurrence, "eenmalig")
        assert "Herhalen tot en met" not in summary["text"]
        assert "Lotte Bakker" in summary["text"] and "01-12-2026 10:00" in summary["text"]
        (planned,) = await bot.press(CHAIR, summary, "Versturen")
        assert "MDO/casusoverleg #3 is gepland" in planned["text"]
        await bot.fake.wait_until(lambda: bool(bot.fake.documents(CHAIR)))  # the chair's own calendar file

        assert await bot.deliver() >= 1
        (invite,) = [m for m in bot.fake.sent_messages(INVITEE) if m["text"].startswith("Uitnodiging")]
        assert "MDO/casusoverleg #3 van Marieke Hoekstra" in invite["text"]
        assert [label for label, _ in buttons(invite)] == ["Ja, ik kom", "Nee", "Ik stuur een vervanger"]
        (ics,) = bot.fake.documents(INVITEE)
        assert ics.mime_type == "text/calendar" and ics.filename and ics.filename.endswith(".ics")
        event = event_of(ics.data)
        assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 local

        (saved,) = await bot.press(INVITEE, invite, "Ja, ik kom")
        assert saved["text"] == "Genoteerd voor overleg #3: ja."
        pressed = bot.fake.messages[(INVITEE, invite["message_id"])]
        assert "reply_markup" not in pressed  # answered: no double taps

        (overview,) = await bot.messages(CHAIR, "/overleg 3", 1)
    assert "Lotte Bakker: ja" in overview["text"]


ITEMS = ["ID-bewijs", "onderdak", "inkomen", "schulden", "zorg", "dagbesteding"]


def edits(bot: TelegramBot) -> int:
    return len([c for c in bot.fake.calls if c.method == "editMessageText"])


async def test_a_release_alert_carries_the_checklist_and_a_press_ticks_an_item_off_in_place(
    chat: Chat,
) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        (registered,) = await bot.messages(
            MANAGER, "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", 1
        )
        assert registered["text"].startswith("Detentie vastgelegd voor VH-2026-0001 (J.d.V.)")
        await bot.deliver()
        before = len(bot.fake.sent_messages(MANAGER))
        chat.clock.set(datetime(2026, 12, 31, 8, 0, tzinfo=UTC))  # T-28, 09:00 in Amsterdam
        assert await bot.deliver() >= 1
        (alert,) = [m for m in bot.fake.sent_messages(MANAGER)[before:] if m["text"].startswith("Vrijlating")]
        assert alert["text"].startswith("Vrijlating over 28 dagen:") and "VH-2026-0001" in alert["text"]
        assert "PI Rivierland" in alert["text"] and "28-01-2027" in alert["text"]
        assert all(item in alert["text"].split("Nog open:")[1] for item in ITEMS)
        assert [label for label, _ in buttons(alert)] == [f"✓ {item} geregeld" for item in ITEMS]
        assert all(len(data.encode()) <= 64 for _, data in buttons(alert))

        data = press_data(alert, "onderdak")
        count = len(bot.fake.sent_messages(MANAGER))
        assert await bot.press(MANAGER, alert, "onderdak", expect=0) == []  # edited, no new message
        updated = bot.fake.messages[(MANAGER, alert["message_id"])]
        assert "- onderdak: geregeld" in updated["text"]
        for item in ("ID-bewijs", "inkomen", "schulden", "zorg", "dagbesteding"):
            assert f"- {item}: open" in updated["text"]  # the items still open, named
        assert [label for label, _ in buttons(updated)] == [
            f"✓ {item} geregeld" for item in ITEMS if item != "onderdak"
        ]

        done = edits(bot)  # a second press (a stale keyboard on another device): nothing changes
        await bot.fake.push_callback(MANAGER, MANAGER, alert["message_id"], data)
        await bot.fake.wait_until(lambda: edits(bot) > done)
        assert bot.fake.messages[(MANAGER, alert["message_id"])]["text"] == updated["text"]
        assert len(bot.fake.sent_messages(MANAGER)) == count
        (shown,) = await bot.messages(MANAGER, "/nazorg VH-2026-0001", 1)
    assert "- onderdak: geregeld" in shown["text"] and shown["text"].count(": geregeld") == 1
    assert not any(refusal in shown["text"] for refusal in REFUSALS)
    console = [m.text for m in chat.sender.sent if "Vrijlating over 28" in m.text]
    assert console  # the casusregisseur, on the console, got the same alert


async def test_an_unexpected_release_is_picked_up_by_one_and_the_other_sees_who(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("regisseur", REGISSEUR)
        await bot.messages(
            MANAGER, "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", 1
        )
        await bot.deliver()
        (recorded,) = await bot.messages(MANAGER, "/detentie VH-2026-0001 vrij", 1)
        assert (
            "Onverwachte vrijlating van VH-2026-0001" in recorded["text"] and "26-11-2026" in recorded["text"]
        )
        sent = {user: len(bot.fake.sent_messages(user)) for user in (MANAGER, REGISSEUR)}
        assert await bot.deliver() >= 2
        alerts = {}
        for user in (MANAGER, REGISSEUR):
            (alert,) = [m for m in bot.fake.sent_messages(user)[sent[user] :] if "ONVERWACHTE" in m["text"]]
            assert "VH-2026-0001" in alert["text"] and "Scenario:" in alert["text"]
            assert [label for label, _ in buttons(alert)] == ["Ik pak dit op"]
            alerts[user] = alert

        assert await bot.press(REGISSEUR, alerts[REGISSEUR], "Ik pak dit op", expect=0) == []
        taken = bot.fake.messages[(REGISSEUR, alerts[REGISSEUR]["message_id"])]
        assert "Jij pakt de onverwachte vrijlating van VH-2026-0001 op" in taken["text"]
        assert "Opgepakt door Fatima el Idrissi" in taken["text"] and buttons(taken) == []

        before = len(bot.fake.sent_messages(MANAGER))
        assert await bot.deliver() >= 1
        told = [m["text"] for m in bot.fake.sent_messages(MANAGER)[before:]]
        assert told == ["Fatima el Idrissi pakt de onverwachte vrijlating van casus VH-2026-0001 op."]
        await bot.press(MANAGER, alerts[MANAGER], "Ik pak dit op", expect=0)  # too late: shows who
        late = bot.fake.messages[(MANAGER, alerts[MANAGER]["message_id"])]
    assert "Fatima el Idrissi pakte de onverwachte vrijlating van VH-2026-0001 al op" in late["text"]
    assert buttons(late) == []
