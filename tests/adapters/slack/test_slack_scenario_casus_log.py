"""End to end on Slack: ``/ketenbot casus CODE log`` (the access log) for procesregie in a direct message,
showing who looked at the case through Slack; in a channel only a short line, the log itself privately;
refused for a deelnemer without procesregie."""

from __future__ import annotations

from tests.adapters.slack.slack_bot import SlackBot, running_bot
from tests.harness import Chat

MANAGER, WIJKAGENT, WOONSTEDE = "U600", "U610", "U620"
CODE = "VH-2026-0001"  # demo case: procesregie Anouk de Wit (procesmanager); the wijkagent is a deelnemer


async def read_case(bot: SlackBot, user: str) -> str:
    await bot.command(f"casus {CODE}", user=user, channel=f"D{user}")
    [answer] = await bot.replies(f"D{user}")
    return answer


async def test_procesregie_reads_the_access_log_in_a_dm_with_the_slack_reads_in_it(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("wijkagent", WIJKAGENT)
        bot.link("woonstede", WOONSTEDE)
        assert CODE in await read_case(bot, WIJKAGENT)
        assert "geen toegang" in await read_case(bot, WOONSTEDE)  # not a deelnemer: refused, and logged

        await bot.command(f"casus {CODE} log", user=MANAGER, channel=f"D{MANAGER}")
        [log] = await bot.replies(f"D{MANAGER}")
        assert log.startswith(f"Toegangslog van {CODE} (")
        lines = log.splitlines()[1:]
        assert any(line.endswith("— Bram Kuipers — casus (read) via slack/direct: ok") for line in lines), (
            lines
        )
        assert any(line.endswith("— Daan Peters — casus (read) via slack/direct: denied") for line in lines)
        assert not bot.fake.called("conversations.open")  # answered where it was asked


async def test_in_a_channel_the_log_stays_out_and_goes_to_the_direct_chat(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager", MANAGER)
        bot.link("wijkagent", WIJKAGENT)
        await read_case(bot, WIJKAGENT)
        bot.fake.calls.clear()

        await bot.command(f"casus {CODE} log", user=MANAGER, channel="C300", channel_name="zvh-team")
        [in_channel] = await bot.replies("C300")
        [private] = await bot.fake.wait_for(lambda: bot.fake.posted(f"D{MANAGER}"))
        assert f"Toegangslog van {CODE}:" in in_channel and "privéchat" in in_channel
        for secret in ("Bram Kuipers", "slack/direct", "(read)"):
            assert secret not in in_channel
        assert [c.params["users"] for c in bot.fake.called("conversations.open")] == [MANAGER]
        assert "— Bram Kuipers — casus (read) via slack/direct: ok" in str(private.params["text"])
        assert not bot.fake.called("chat.postEphemeral")


async def test_a_deelnemer_without_procesregie_is_refused_in_a_dm_and_in_a_channel(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", WIJKAGENT)
        await bot.command(f"casus {CODE} log", user=WIJKAGENT, channel=f"D{WIJKAGENT}")
        [refused] = await bot.replies(f"D{WIJKAGENT}")
        assert f"Alleen wie de procesregie van {CODE} heeft" in refused and "Toegangslog" not in refused

        await bot.command(f"casus {CODE} log", user=WIJKAGENT, channel="C300", channel_name="zvh-team")
        [in_channel] = await bot.replies("C300")
        assert "Alleen wie de procesregie" in in_channel and "Toegangslog" not in in_channel
        assert len(bot.fake.posted(f"D{WIJKAGENT}")) == 1  # nothing sent privately either
