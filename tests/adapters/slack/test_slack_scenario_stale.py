"""End to end on Slack: the stale-case watchdog's morning message, delivered by the dispatcher to procesregie
with its buttons (MDO plannen / Actie toevoegen); *MDO plannen* opens the overleg plan modal with the case on
the agenda, *Actie toevoegen* answers how; someone without access to the case is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from schedules.stale import run_stale_watchdog
from storage.cases.tables import Case, CaseStatus
from tests.adapters.slack.slack_bot import SlackBot, buttons_of, running_bot
from tests.fakes.slack_api import Call
from tests.harness import Chat
from tests.stale_cases import finish_all_actions

MANAGER, WOONSTEDE = "U400", "U410"
CODE = "VH-2026-0001"  # demo: procesregie procesmanager; its open actions are finished below


def make_active_and_old(chat: Chat, code: str, opened: datetime) -> None:
    """Demo case ``code`` (aangemeld) made active, opened at ``opened``, with nothing planned since."""
    with chat.app.uow() as uow:
        older = update(Case).where(col(Case.code) == code)
        uow.session.execute(older.values(status=CaseStatus.ACTIEF, opened_at=opened))
        uow.commit()
    finish_all_actions(chat, code, opened)


async def digest(bot: SlackBot) -> Call:
    """What ``ketenbot run``'s morning job does: the watchdog writes the outbox, the dispatcher sends."""
    chat = bot.chat
    finish_all_actions(chat, CODE, chat.clock.now() - timedelta(weeks=3, days=1))
    written = run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3)
    assert written == 2  # procesmanager (this case), and procesmanager2 (the demo's VH-2025-0001)
    await bot.deliver_outbox()
    [message] = [c for c in bot.fake.posted(f"D{MANAGER}") if "niets gepland" in str(c.params["text"])]
    return message


async def test_the_digest_reaches_procesregie_with_its_buttons_and_each_press_answers(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        message = await digest(bot)
        text = str(message.params["text"])
        assert "1 actieve casus waar al meer dan 3 weken niets gepland staat" in text
        assert f"{CODE} (J.d.V.)" in text and "VH-2025-0001" not in text  # only this member's cases
        assert [(b["action_id"], b["value"]) for b in buttons_of(message)] == [
            ("stale.mdo", CODE),
            ("stale.action", CODE),
        ]
        assert [b["text"]["text"] for b in buttons_of(message)] == ["MDO plannen", "Actie toevoegen"]

        view = await bot.press_modal(MANAGER, message, "stale.mdo", CODE)
        # the overleg plan form as a modal, the case on the agenda (issue 17)
        [cases] = [b for b in view["blocks"] if b["block_id"] == "cases"]
        assert cases["element"]["initial_value"] == CODE
        [kind] = [b for b in view["blocks"] if b["block_id"] == "kind"]
        assert kind["element"]["initial_option"]["value"] == "mdo"
        # the digest stays as it was (as on Telegram), every button still there
        assert bot.fake.called("chat.update") == []

        action = await bot.press(MANAGER, message, "stale.action", CODE, hint=True)
        assert f"Voeg een actie toe met /actie {CODE}" in action.params["text"]
        assert "referentie" not in action.params["text"].lower()  # no apology: handled

        await bot.deliver_outbox()  # (procesmanager2 has no Slack identity: procesregie hears of that)
        digests = [c for c in bot.fake.posted(f"D{MANAGER}") if "niets gepland" in str(c.params["text"])]
        assert digests == [message]  # the digest once
        assert run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3) == 0  # per day


async def test_a_press_by_someone_without_access_to_the_case_is_refused(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("woonstede", WOONSTEDE)
        message = await digest(bot)
        denied = await bot.press(WOONSTEDE, message, "stale.action", CODE)
        assert denied.method == "chat.postEphemeral" and bot.fake.called("chat.update") == []
        assert (
            "niet gevonden of geen toegang" in denied.params["text"]
            and "Voeg een actie toe" not in denied.params["text"]
        )
        no_chair = await bot.press(WOONSTEDE, message, "stale.mdo", CODE)  # the role comes first
        assert no_chair.method == "chat.postEphemeral" and "niet voor jouw rol" in no_chair.params["text"]
        assert bot.fake.views("open") == []


async def test_with_two_stale_cases_each_button_answers_for_its_own_case(chat: Chat) -> None:
    """The digest has a MDO and an action button per case: same action ids, told apart on Slack."""
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        make_active_and_old(chat, "VH-2026-0003", chat.clock.now() - timedelta(weeks=5))
        message = await digest(bot)
        assert "2 actieve casussen" in str(message.params["text"])
        buttons = buttons_of(message)
        assert [(b["action_id"].partition("#")[0], b["value"]) for b in buttons] == [
            ("stale.mdo", CODE),
            ("stale.mdo", "VH-2026-0003"),
            ("stale.action", CODE),
            ("stale.action", "VH-2026-0003"),
        ]
        assert len({b["action_id"] for b in buttons}) == 4  # Slack refuses duplicate ids in one block

        second = buttons[3]
        answered = await bot.press(MANAGER, message, second["action_id"], "VH-2026-0003", hint=True)
        assert "Voeg een actie toe met /actie VH-2026-0003" in answered.params["text"]
        assert answered.method == "chat.postMessage" and bot.fake.called("chat.update") == []
        first = await bot.press_modal(MANAGER, message, buttons[1]["action_id"], "VH-2026-0003")
        [cases] = [b for b in first["blocks"] if b["block_id"] == "cases"]
        assert cases["element"]["initial_value"] == "VH-2026-0003"  # the other case's own MDO


def section_texts(message: Call) -> list[str]:
    return [str(b["text"]["text"]) for b in message.params["blocks"] if b["type"] == "section"]


def chosen(message: Call) -> str:
    [line] = [e["text"] for b in message.params["blocks"] if b["type"] == "context" for e in b["elements"]]
    return str(line)
