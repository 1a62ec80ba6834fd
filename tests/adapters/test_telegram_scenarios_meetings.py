"""End to end on Telegram, continued: an overleg planned by a chair reaches an invitee with RSVP buttons and
an .ics document; a release alert delivered by the dispatcher, with whatever buttons it carries pressed.
Assertions are on what the fake Bot API recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.adapters.telegram_support import buttons, running_bot
from tests.handlers.overleg_helpers import event_of
from tests.harness import Chat

CHAIR, INVITEE, MANAGER = 7511, 7512, 7521
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
        (until,) = await bot.press(CHAIR, recurrence, "eenmalig")
        (summary,) = await bot.press(CHAIR, until, "Overslaan")
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


async def test_a_release_alert_is_delivered_with_its_buttons_and_a_press_is_handled(chat: Chat) -> None:
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
        (alert,) = bot.fake.sent_messages(MANAGER)[before:]
        assert alert["text"].startswith("Vrijlating over 28 dag(en)") and "VH-2026-0001" in alert["text"]
        assert "PI Rivierland" in alert["text"] and "28-01-2027" in alert["text"]
        # Every button the alert carries (the nazorg checklist, when it has one) is pressed and answered.
        for label, data in buttons(alert):
            assert len(data.encode()) <= 64
            current = bot.fake.messages[(MANAGER, alert["message_id"])]
            if label not in [b for b, _ in buttons(current)]:
                continue  # the previous press replaced this keyboard
            answers = await bot.press(MANAGER, current, label, expect=None)  # a new message or an edit
            updated = bot.fake.messages[(MANAGER, alert["message_id"])]
            for text in [a["text"] for a in answers] + [updated["text"]]:
                assert not any(refusal in text for refusal in REFUSALS)
        (shown,) = await bot.messages(MANAGER, "/detentie VH-2026-0001", 1)
    assert "PI Rivierland, sinds 01-11-2026, verwachte vrijlating 28-01-2027" in shown["text"]
    console = [m.text for m in chat.sender.sent if "Vrijlating over 28" in m.text]
    assert console  # the casusregisseur, on the console, got the same alert
