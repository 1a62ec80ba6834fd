"""End to end on Slack: a chair plans an overleg in the modal; the invitee gets a DM with RSVP buttons and
the .ics through the files upload flow, presses "ja" (the invite is updated in place, the App Home
re-published), and the chair's overview shows the answer."""

from __future__ import annotations

import re

from icalendar import Calendar

from tests.adapters.slack.slack_bot import buttons_of, home_text, running_bot
from tests.harness import Chat

CHAIR, INVITEE = "U500", "U510"
PLAN: dict[str, str | list[str]] = {
    "kind": "mdo",
    "start": "01-12-2026 10:00",
    "duration": "90",
    "place": "Stadhuis Waterdam, kamer 2",
    "invitees": "@ggz",
    "recurrence": "none",
}


async def test_an_overleg_invite_with_rsvp_and_ics_on_slack(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("voorzitter", CHAIR)
        bot.link("ggz", INVITEE)

        view = await bot.modal("overleg plan", user=CHAIR, channel=f"D{CHAIR}")
        assert {"kind", "start", "invitees", "recurrence"} <= {b["block_id"] for b in view["blocks"]}
        assert await bot.submit(CHAIR, view, PLAN) == ""
        # the chair's answer carries the .ics: one upload with the text as its comment
        [planned] = await bot.fake.wait_for(lambda: bot.fake.called("files.completeUploadExternal"))
        assert planned.params["channel_id"] == f"D{CHAIR}"
        found = re.search(r"#(\d+)", str(planned.params["initial_comment"]))
        assert found is not None, planned
        meeting = found.group(1)
        chair_home = home_text(await bot.home_published(CHAIR, after=0))  # re-published after the submit
        assert f"#{meeting} MDO" in chair_home and "jouw antwoord: ja" in chair_home

        await bot.deliver_outbox()
        invite = await bot.fake.wait_for(
            lambda: [c for c in bot.fake.posted(f"D{INVITEE}") if f"#{meeting}" in str(c.params["text"])]
        )
        assert "Marieke Hoekstra" in invite[0].params["text"]
        values = [b["value"] for b in buttons_of(invite[0])]
        assert values == [f"{meeting}:ja", f"{meeting}:nee", f"{meeting}:vervanger"]

        [ics] = await bot.fake.wait_for(
            lambda: [u for u in bot.fake.uploads() if u.completed and u.channel == f"D{INVITEE}"]
        )
        assert ics.filename.endswith(".ics")
        [event] = Calendar.from_ical(ics.data).walk("VEVENT")
        assert str(event["LOCATION"]) == "Stadhuis Waterdam, kamer 2"
        completed = [u for u in bot.fake.uploads() if u.completed]  # the chair's copy and the invite
        assert len(completed) == len(bot.fake.called("files.completeUploadExternal")) == 2
        assert len(bot.fake.called("files.getUploadURLExternal")) == 2

        published = len(bot.fake.views("publish"))
        [yes] = [b for b in buttons_of(invite[0]) if b["value"] == f"{meeting}:ja"]
        update = await bot.press(INVITEE, invite[0], yes["action_id"], f"{meeting}:ja")
        assert update.params["channel"] == f"D{INVITEE}" and update.params["ts"] == invite[0].response["ts"]
        assert f"#{meeting}" in update.params["text"] and ": ja" in update.params["text"]
        assert buttons_of(update) == []

        home = home_text(await bot.home_published(INVITEE, after=published))
        assert f"#{meeting}" in home and "jouw antwoord: ja" in home

        await bot.command(f"overleg {meeting}", user=CHAIR, channel=f"D{CHAIR}")
        overview = await bot.fake.wait_for(
            lambda: [c for c in bot.fake.posted(f"D{CHAIR}") if "Lotte Bakker" in str(c.params["text"])]
        )
        assert "• Lotte Bakker: ja" in overview[0].params["text"]
