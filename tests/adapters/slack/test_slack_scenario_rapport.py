"""End to end on Slack: ``/ketenbot rapport`` by a procesmanager in a direct message gives the summary as a
message and the PNG chart and the CSV through the files upload flow (getUploadURLExternal, the bytes,
completeUploadExternal); a partner without the role is refused and gets no files."""

from __future__ import annotations

import csv
import io

from PIL import Image

from tests.adapters.slack.slack_bot import running_bot
from tests.fakes.slack_api import Upload
from tests.harness import Chat

MANAGER, WIJKAGENT = "U700", "U710"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHART_DEADLINE = 30.0  # seconds: matplotlib renders the chart, slow on a busy shared machine


async def test_rapport_in_a_dm_posts_the_summary_and_uploads_the_chart_and_the_csv(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        status, _ = await bot.command("rapport kwartaal 2026Q4", user=MANAGER, channel=f"D{MANAGER}")
        assert status == 200

        uploads: list[Upload] = await bot.fake.wait_for(
            lambda: done if len(done := [u for u in bot.fake.uploads() if u.completed]) >= 2 else [],
            timeout=CHART_DEADLINE,
        )
        [summary] = bot.fake.posted(f"D{MANAGER}")
        text = str(summary.params["text"])
        assert text.startswith("Kwartaalrapportage 2026Q4 (vergeleken met 2026Q3) — alle gemeenten")
        assert "Huisverboden en verlengingen, huisverboden opgelegd: 0 (vorig kwartaal 0)" in text
        assert "niet beschikbaar" not in text
        # the summary first, then the two files, in the order the handler returned them
        methods = [c.method for c in bot.fake.calls if c.method != "auth.test"]
        assert methods.index("chat.postMessage") < methods.index("files.getUploadURLExternal")

        chart, table = uploads
        assert (chart.filename, chart.channel) == ("rapport-2026Q4.png", f"D{MANAGER}")
        assert chart.data[:8] == PNG_MAGIC and 10_000 < len(chart.data) < 2_000_000
        image = Image.open(io.BytesIO(chart.data))
        assert image.format == "PNG" and image.size == (1200, 1350)

        assert (table.filename, table.channel) == ("rapport-2026Q4.csv", f"D{MANAGER}")
        rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["Onderdeel", "Omschrijving", "2026Q4 t/m 26-11-2026", "2026Q3"]
        assert ["Signalen per urgentie", "acuut", "1", "0"] in rows

        # the announced length is what arrived, and each file carries its caption as the comment
        announced = [int(c.params["length"]) for c in bot.fake.called("files.getUploadURLExternal")]
        assert announced == [len(chart.data), len(table.data)]
        comments = [
            str(c.params.get("initial_comment")) for c in bot.fake.called("files.completeUploadExternal")
        ]
        assert comments == ["Grafiek bij de kwartaalrapportage", "Tabel bij de kwartaalrapportage (CSV)"]
        assert all(
            c.params["channel_id"] == f"D{MANAGER}" for c in bot.fake.called("files.completeUploadExternal")
        )


async def test_rapport_is_refused_for_a_partner_without_the_role_and_sends_no_files(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", WIJKAGENT)
        await bot.command("rapport kwartaal 2026Q4", user=WIJKAGENT, channel=f"D{WIJKAGENT}")
        [refused] = await bot.replies(f"D{WIJKAGENT}")
        assert "geen toegang tot /rapport" in refused and "Kwartaalrapportage" not in refused
        await bot.command("help", user=WIJKAGENT, channel=f"D{WIJKAGENT}")  # a later request: all handled
        await bot.replies(f"D{WIJKAGENT}", count=2)
        assert bot.fake.uploads() == [] and not bot.fake.called("files.getUploadURLExternal")


async def test_rapport_in_a_channel_the_bot_is_not_in_arrives_whole_in_the_dm(chat: Chat) -> None:
    """A slash command works in any channel; when the bot may not post there, the summary and both files
    go to the user's direct chat instead."""
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.fake.outside.add("C777")
        await bot.command("rapport kwartaal 2026Q4", user=MANAGER, channel="C777", channel_name="extern")

        uploads: list[Upload] = await bot.fake.wait_for(
            lambda: done if len(done := [u for u in bot.fake.uploads() if u.completed]) >= 2 else [],
            timeout=CHART_DEADLINE,
        )
        assert [(u.filename, u.channel) for u in uploads] == [
            ("rapport-2026Q4.png", f"D{MANAGER}"),
            ("rapport-2026Q4.csv", f"D{MANAGER}"),
        ]
        assert uploads[0].data[:8] == PNG_MAGIC and uploads[1].data.startswith(b"\xef\xbb\xbfOnderdeel;")
        [summary] = bot.fake.posted(f"D{MANAGER}")
        assert str(summary.params["text"]).startswith("Kwartaalrapportage 2026Q4")
        assert not bot.fake.posted("C777")
        # the channel is tried once; the files go straight to the DM (each file's bytes uploaded once)
        refused = [c for c in bot.fake.calls if not c.ok and c.response.get("error") == "not_in_channel"]
        assert [c.method for c in refused] == ["chat.postMessage"]
        assert len(bot.fake.called("files.getUploadURLExternal")) == 2


async def test_an_english_speaking_procesmanager_gets_the_summary_and_the_csv_in_english(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        await bot.command("taal en", user=MANAGER, channel=f"D{MANAGER}")
        await bot.replies(f"D{MANAGER}")
        await bot.command("report 2026Q4", user=MANAGER, channel=f"D{MANAGER}")

        uploads: list[Upload] = await bot.fake.wait_for(
            lambda: done if len(done := [u for u in bot.fake.uploads() if u.completed]) >= 2 else [],
            timeout=CHART_DEADLINE,
        )
        [_, summary] = bot.fake.posted(f"D{MANAGER}")
        assert str(summary.params["text"]).startswith("Quarterly report 2026Q4 (compared with 2026Q3)")
        rows = list(csv.reader(io.StringIO(uploads[1].data.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["Section", "Item", "2026Q4 up to 26-11-2026", "2026Q3"]
        comments = [
            str(c.params.get("initial_comment")) for c in bot.fake.called("files.completeUploadExternal")
        ]
        assert comments == ["Chart for the quarterly report", "Table for the quarterly report (CSV)"]
