"""Files shared with the bot in a direct message: downloaded with the bot token and handed to the router as
``Incoming.file``; too large or unreachable files get a friendly refusal and reach nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.adapters.slack.manifest import manifest, to_yaml
from bot.adapters.slack.uploads import trusted_url
from bot.core.types import Incoming, Outgoing
from tests.adapters.slack.slack_bot import TOKEN, SlackBot, running_bot
from tests.fakes.slack_signing import BOT_USER_ID, event_body
from tests.harness import Chat

USER = "U950"
CSV = b"naam;geboortedatum;gemeente\nKarel Zwart;02-04-1979;Waterdam\n"

Handle = Callable[[Incoming], list[Outgoing]]


def recording(seen: list[Incoming]) -> Callable[[Handle], Handle]:
    def wrap(handle: Handle) -> Handle:
        def record(incoming: Incoming) -> list[Outgoing]:
            seen.append(incoming)
            return handle(incoming)

        return record

    return wrap


def file_share(file: dict[str, Any], *, channel: str = f"D{USER}", text: str = "", user: str = USER) -> bytes:
    kind = "im" if channel.startswith("D") else "channel"
    event = {
        "type": "message",
        "subtype": "file_share",
        "channel": channel,
        "channel_type": kind,
        "user": user,
        "text": text,
        "files": [file],
        "ts": "1700000001.000200",
        "event_ts": "1700000001.000200",
    }
    return event_body(event)


async def share(bot: SlackBot, file: dict[str, Any], **kwargs: Any) -> str:
    status, _ = await bot.post(file_share(file, **kwargs))
    assert status == 200
    [answer] = await bot.replies(f"D{USER}")
    return answer


async def test_a_csv_shared_in_a_dm_reaches_the_router_with_its_bytes(chat: Chat) -> None:
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        await bot.join(USER)
        seen.clear()
        file = bot.fake.host_file("signalen.csv", CSV, "text/csv", user=USER)
        await share(bot, file, text="import")

        [download] = bot.fake.called("download")
        assert (download.key, download.token, download.status) == (file["id"], TOKEN, 200)
        [incoming] = seen
        assert incoming.file is not None
        assert (incoming.file.name, incoming.file.mime, incoming.file.data) == (
            "signalen.csv",
            "text/csv",
            CSV,
        )
        assert (incoming.chat_id, incoming.user_id, incoming.text) == (f"D{USER}", USER, "import")


async def test_a_file_over_the_cap_is_refused_without_downloading(chat: Chat) -> None:
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        file = bot.fake.host_file("groot.csv", CSV, "text/csv", user=USER, size=6 * 1024 * 1024)
        answer = await share(bot, file)
        assert "te groot" in answer and "5 MB" in answer and "niets opgeslagen" in answer
        assert not bot.fake.called("download") and not seen


async def test_a_file_larger_than_announced_is_cut_off_and_refused(chat: Chat) -> None:
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        bot.adapter.settings = replace(bot.adapter.settings, max_upload_bytes=1024 * 1024)
        data = b"x" * (1024 * 1024 + 1)
        file = bot.fake.host_file("stiekem.csv", data, "text/csv", user=USER, size=10)
        answer = await share(bot, file)
        assert "te groot" in answer and "1 MB" in answer
        assert len(bot.fake.called("download")) == 1 and not seen


async def test_a_file_slack_will_not_hand_over_is_refused_and_foreign_hosts_get_no_token(chat: Chat) -> None:
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        file = bot.fake.host_file("weg.csv", CSV, "text/csv", user=USER)
        gone = {**file, "url_private_download": file["url_private_download"].replace(file["id"], "F0MISSING")}
        assert "niet ophalen" in await share(bot, gone)
        [download] = bot.fake.called("download")
        assert download.status == 404

        bot.fake.calls.clear()
        elsewhere = {**file, "url_private_download": "https://files.example.org/x.csv"}
        assert "niet ophalen" in await share(bot, elsewhere)
        assert not bot.fake.called("download") and not seen


async def test_a_file_shared_in_a_channel_is_ignored(chat: Chat) -> None:
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        file = bot.fake.host_file("kanaal.csv", CSV, "text/csv", user=USER)
        status, _ = await bot.post(file_share(file, channel="C960"))
        assert status == 200
        await bot.command("help", user=USER, channel="C960")  # a later request: the event was handled
        await bot.replies("C960")
        assert not bot.fake.called("download")
        assert [i.text for i in seen] == ["/help"]


async def test_the_bots_own_upload_in_a_dm_is_not_read_back(chat: Chat) -> None:
    """A file the bot sends (an .ics) comes back as the bot user's file_share; Bolt drops its own events."""
    seen: list[Incoming] = []
    async with running_bot(chat, wrap=recording(seen)) as bot:
        file = bot.fake.host_file("overleg.ics", b"BEGIN:VCALENDAR", "text/calendar", user=BOT_USER_ID)
        status, _ = await bot.post(file_share(file, user=BOT_USER_ID))
        assert status == 200
        await bot.command("help", user=USER, channel=f"D{USER}")  # a later request: the event was handled
        await bot.replies(f"D{USER}")
        assert not bot.fake.called("download")
        assert [i.text for i in seen] == ["/help"]


def test_the_bot_token_only_goes_to_the_web_apis_own_hosts() -> None:
    api = "https://slack.com/api/"
    assert trusted_url("https://files.slack.com/files-pri/T1-F1/download/a.csv", api)
    assert not trusted_url("http://files.slack.com/files-pri/T1-F1/download/a.csv", api)  # scheme
    assert not trusted_url("https://files.slack.com.evil.example/a.csv", api)
    assert not trusted_url("https://evilslack.com/a.csv", api)
    assert trusted_url("https://files.slack-gov.com/files-pri/x", "https://slack-gov.com/api/")
    assert trusted_url("http://127.0.0.1:5000/files-pri/F1/a.csv", "http://127.0.0.1:5000/api/")
    assert not trusted_url("http://127.0.0.2:5000/files-pri/F1/a.csv", "http://127.0.0.1:5000/api/")


def test_the_manifest_asks_for_reading_files_and_direct_messages() -> None:
    text = to_yaml(manifest("https://ketenbot.example.org"))
    assert '- "files:read"' in text and '- "im:history"' in text and '- "message.im"' in text
