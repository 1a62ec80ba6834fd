"""End to end on Slack: a detention registered with ``/ketenbot detentie``; the dispatcher delivers the
release alert to the regie holders' direct messages, with the alert's buttons; each press is handled and
updates the alert in place.

The nazorg checklist buttons are being added on another branch: ``EXPECTED_BUTTONS`` lists the buttons the
alert has (none yet); add theirs there and ``PRESSED`` says what a press must answer, and the test presses
every one of them on Slack.
"""

from __future__ import annotations

from tests.adapters.slack_bot import buttons_of, running_bot
from tests.harness import Chat

MANAGER, REGISSEUR = "U800", "U810"
CODE = "VH-2026-0001"  # demo: procesregie Anouk de Wit (procesmanager), casusregie Fatima el Idrissi
# 26-11-2026 today: a release on 03-12-2026 is 7 days ahead, so the T-7 rung is due now
DETENTION = f"detentie {CODE} 01-11-2026 03-12-2026 gevangenisstraf PI Rivierland"
EXPECTED_BUTTONS: list[str] = []  # the alert's action ids, in order (checklist buttons: add them here)
PRESSED: dict[str, str] = {}  # action id -> text the updated alert must contain after the press


async def test_a_release_alert_reaches_both_regie_holders_and_its_buttons_work(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("regisseur", REGISSEUR)
        await bot.command(DETENTION, user=MANAGER, channel=f"D{MANAGER}")
        [registered] = await bot.replies(f"D{MANAGER}")
        assert CODE in registered and "03-12-2026" in registered

        assert await bot.deliver_outbox() == 2
        alerts = {}
        for user in (MANAGER, REGISSEUR):
            found = [c for c in bot.fake.posted(f"D{user}") if "over 7 dag(en)" in str(c.params["text"])]
            assert len(found) == 1, [c.params["text"] for c in bot.fake.posted(f"D{user}")]
            text = str(found[0].params["text"])
            assert CODE in text and "PI Rivierland" in text and "03-12-2026" in text
            alerts[user] = found[0]
        assert {c.params["users"] for c in bot.fake.called("conversations.open")} == {MANAGER, REGISSEUR}

        alert = alerts[REGISSEUR]
        buttons = buttons_of(alert)
        assert [b["action_id"].partition("#")[0] for b in buttons] == EXPECTED_BUTTONS
        for button in buttons:
            update = await bot.press(REGISSEUR, alert, button["action_id"], str(button.get("value", "")))
            assert update.params["ts"] == alert.response["ts"]
            assert PRESSED[button["action_id"].partition("#")[0]] in update.params["text"]
            assert "referentie" not in update.params["text"].lower()  # no apology: the press was handled

        assert await bot.deliver_outbox() == 0  # each rung once
