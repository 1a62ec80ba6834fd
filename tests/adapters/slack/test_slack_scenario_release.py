"""End to end on Slack: a detention registered with ``/ketenbot detentie``; the dispatcher delivers the
release alert to the regie holders' direct messages, with a "geregeld" button per open nazorg item; a press
ticks the item off and updates the alert in place (chat.update), naming what is still open; a second press
changes nothing. An unexpected release (``/ketenbot detentie CODE vrij``) alerts the regie holders with an
"ik pak dit op" button: the first to press takes it, the other is told who did.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.release.nazorg import NazorgItem, NazorgStatus
from tests.adapters.slack.slack_bot import SlackBot, buttons_of, current, running_bot
from tests.fakes.slack_api import Call
from tests.harness import Chat

MANAGER, REGISSEUR = "U800", "U810"
CODE = "VH-2026-0001"  # demo: procesregie Anouk de Wit (procesmanager), casusregie Fatima el Idrissi
# 26-11-2026 today: a release on 03-12-2026 is 7 days ahead, so the T-7 rung is due now
DETENTION = f"detentie {CODE} 01-11-2026 03-12-2026 gevangenisstraf PI Rivierland"
ITEMS = ["ID-bewijs", "onderdak", "inkomen", "schulden", "zorg", "dagbesteding"]


def alert_to(bot: SlackBot, user: str, marker: str) -> Call:
    found = [c for c in bot.fake.posted(f"D{user}") if marker in str(c.params["text"])]
    assert len(found) == 1, [c.params["text"] for c in bot.fake.posted(f"D{user}")]
    return found[0]


def statuses(chat: Chat) -> dict[str, str]:
    with chat.app.uow() as uow:
        return {str(i.item): str(i.status) for i in uow.session.exec(select(NazorgItem)).all()}


async def registered(bot: SlackBot) -> None:
    bot.link("procesmanager", MANAGER)
    bot.link("regisseur", REGISSEUR)
    await bot.command(DETENTION, user=MANAGER, channel=f"D{MANAGER}")
    [answer] = await bot.replies(f"D{MANAGER}")
    assert CODE in answer and "03-12-2026" in answer


async def test_a_release_alert_carries_the_checklist_and_a_press_ticks_an_item_off_in_place(
    chat: Chat,
) -> None:
    async with running_bot(chat) as bot:
        await registered(bot)
        assert await bot.deliver_outbox() == 2
        alerts = {user: alert_to(bot, user, "over 7 dagen:") for user in (MANAGER, REGISSEUR)}
        for alert in alerts.values():
            text = str(alert.params["text"])
            assert CODE in text and "PI Rivierland" in text and "03-12-2026" in text
            assert all(item in text.split("Nog open:")[1] for item in ITEMS)
        assert {c.params["users"] for c in bot.fake.called("conversations.open")} == {MANAGER, REGISSEUR}

        alert = alerts[REGISSEUR]
        buttons = buttons_of(alert)
        assert [b["action_id"].partition("#")[0] for b in buttons] == ["nazorg.tick"] * 6
        assert [b["text"]["text"] for b in buttons] == [f"✓ {item} geregeld" for item in ITEMS]
        [housing] = [b for b in buttons if b["value"].endswith(":onderdak")]

        update = await bot.press(REGISSEUR, alert, housing["action_id"], housing["value"])
        assert (update.params["channel"], update.params["ts"]) == (
            alert.response["channel"],
            alert.response["ts"],
        )
        text = str(update.params["text"])
        assert "- onderdak: geregeld" in text
        for item in ("ID-bewijs", "inkomen", "schulden", "zorg", "dagbesteding"):
            assert f"- {item}: open" in text  # the items still open, named
        assert [b["text"]["text"] for b in buttons_of(update)] == [
            f"✓ {item} geregeld" for item in ITEMS if item != "onderdak"
        ]
        assert len(bot.fake.posted(f"D{REGISSEUR}")) == 1  # updated, not answered with a new message
        assert statuses(chat)["onderdak"] == NazorgStatus.GEREGELD

        again = await bot.press(REGISSEUR, alert, housing["action_id"], housing["value"])  # a stale copy
        assert again.params["ts"] == alert.response["ts"] and "- onderdak: geregeld" in again.params["text"]
        assert "referentie" not in str(again.params["text"]).lower()  # no apology: harmless
        assert len(buttons_of(again)) == 5
        assert list(statuses(chat).values()).count(NazorgStatus.GEREGELD) == 1

        assert await bot.deliver_outbox() == 0  # each rung once


async def test_an_unexpected_release_is_picked_up_by_one_and_the_other_hears_who(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        await registered(bot)
        await bot.deliver_outbox()
        await bot.command(f"detentie {CODE} vrij", user=MANAGER, channel=f"D{MANAGER}")
        recorded = await bot.fake.wait_for(
            lambda: [
                c for c in bot.fake.posted(f"D{MANAGER}") if "Onverwachte vrijlating" in str(c.params["text"])
            ]
        )
        assert "26-11-2026" in str(recorded[0].params["text"])

        await bot.deliver_outbox()
        alerts = {user: alert_to(bot, user, "ONVERWACHTE VRIJLATING") for user in (MANAGER, REGISSEUR)}
        for alert in alerts.values():
            assert CODE in str(alert.params["text"]) and "Scenario:" in str(alert.params["text"])
            assert [(b["action_id"], b["text"]["text"]) for b in buttons_of(alert)] == [
                ("release.pickup", "Ik pak dit op")
            ]

        [pickup] = buttons_of(alerts[REGISSEUR])
        taken = await bot.press(REGISSEUR, alerts[REGISSEUR], "release.pickup", pickup["value"])
        assert taken.params["ts"] == alerts[REGISSEUR].response["ts"]
        assert f"Jij pakt de onverwachte vrijlating van {CODE} op" in taken.params["text"]
        assert "Opgepakt door Fatima el Idrissi" in taken.params["text"] and buttons_of(taken) == []

        await bot.deliver_outbox()
        told = [c for c in bot.fake.posted(f"D{MANAGER}") if "pakt de onverwachte" in str(c.params["text"])]
        assert [str(c.params["text"]) for c in told] == [
            f"Fatima el Idrissi pakt de onverwachte vrijlating van casus {CODE} op."
        ]
        late = await bot.press(MANAGER, current(bot.fake, alerts[MANAGER]), "release.pickup", pickup["value"])
        assert f"Fatima el Idrissi pakte de onverwachte vrijlating van {CODE} al op" in late.params["text"]
        assert buttons_of(late) == []
        chat.clock.advance(timedelta(hours=1, minutes=1))  # no re-alert an hour later: someone picked it up
        await bot.deliver_outbox()
        assert [c for c in bot.fake.posted(f"D{MANAGER}") if "Nog niemand" in str(c.params["text"])] == []
