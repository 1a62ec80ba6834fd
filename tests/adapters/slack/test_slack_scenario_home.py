"""End to end on Slack: the App Home tab shows a member's open actions, cases and regie, upcoming overleg
and reminders, and is re-published after a change the member makes (here: an action marked done)."""

from __future__ import annotations

import re

from tests.adapters.slack.slack_bot import home_text, running_bot
from tests.harness import Chat

REGISSEUR = "U900"
ACTION = "Contact opnemen met de huisarts"
PLAN = {
    "kind": "mdo",
    "start": "01-12-2026 10:00",
    "duration": "60",
    "place": "Gemeentehuis Waterdam",
    "cases": "",
    "invitees": "@regisseur",
    "recurrence": "none",
    "until": "",
}


def prepare(chat: Chat) -> tuple[str, str]:
    """On the console: an action for the regisseur (with its deadline reminder) and an overleg she is
    invited to. The action's and the meeting's ids."""
    added = chat.say(f"/actie VH-2026-0001 {ACTION} @regisseur 15-12-2026", user="procesmanager")
    action = re.search(r"#(\d+)", added)
    planned = "\n".join(o.text for o in chat.submit("overleg.plan", PLAN, user="procesmanager"))
    meeting = re.search(r"#(\d+)", planned)
    assert action is not None and meeting is not None, (added, planned)
    return action.group(1), meeting.group(1)


async def test_app_home_shows_actions_cases_regie_overleg_and_reminders(chat: Chat) -> None:
    action, meeting = prepare(chat)
    async with running_bot(chat) as bot:
        bot.link("regisseur", REGISSEUR)
        view = await bot.open_home(REGISSEUR)
        assert view["blocks"][0]["text"]["text"] == "ketenbot — mijn overzicht"
        home = home_text(view)
        assert f"#{action} VH-2026-0001" in home and ACTION in home  # open actions
        assert "Mijn casussen" in home and "VH-2026-0001" in home  # cases
        assert "Waar ik regie heb" in home  # regie (casusregie of the demo case)
        assert f"#{meeting} " in home and "Gemeentehuis Waterdam" in home  # upcoming overleg
        assert "Jouw komende herinneringen" in home  # the action's deadline reminders
        assert "Jan de Vries" not in home  # the overview names cases by code only

        published = len(bot.fake.views("publish"))
        await bot.command(f"actie klaar {action}", user=REGISSEUR, channel=f"D{REGISSEUR}")
        after = home_text(await bot.home_published(REGISSEUR, after=published))
        assert ACTION not in after.split("Mijn casussen")[0]
