"""End to end on Slack: ``/ketenbot actie ... spoor:zorg voor:R.J.`` adds an action on a track of the plan
van aanpak (the App Home is re-published after it), and ``/ketenbot casus CODE plan`` shows the plan per
track and subject in a direct message; in a channel only the case's code and initials, the plan privately.
Demo: VH-2026-0002 (the Jansen household) has #4 on veiligheid, #6 on jeugd for Noah, and a fallback."""

from __future__ import annotations

from tests.adapters.slack.slack_bot import running_bot
from tests.harness import Chat

MANAGER, WIJKAGENT = "U150", "U160"  # procesmanager2 (procesregie of VH-2026-0002); a deelnemer
CODE = "VH-2026-0002"
ACTIE = f"actie {CODE} Daderhulp starten spoor:zorg voor:R.J. @veiligthuis 15-12-2026"


async def test_an_action_on_a_track_and_the_plan_per_track_in_a_dm(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager2", MANAGER)
        bot.link("wijkagent", WIJKAGENT)
        published = len(bot.fake.views("publish"))
        await bot.command(ACTIE, user=MANAGER, channel=f"D{MANAGER}")
        [added] = await bot.replies(f"D{MANAGER}")
        assert added.splitlines() == [
            f"Actie #7 staat in het plan van {CODE} (M.J., N.J., R.J.): Iris Mulder, uiterlijk 15-12-2026.",
            "Spoor: Zorg.",
        ]
        await bot.home_published(MANAGER, after=published)  # /actie re-publishes the App Home

        await bot.command(f"casus {CODE} plan", user=WIJKAGENT, channel=f"D{WIJKAGENT}")
        [plan] = await bot.replies(f"D{WIJKAGENT}")
        lines = plan.splitlines()
        assert lines[:5] == [
            f"Plan van aanpak {CODE}:",
            "Spoor: Zorg",
            "Voor R.J. (pleger):",
            "#7 Daderhulp starten — Iris Mulder, uiterlijk 15-12-2026",
            "Spoor: Veiligheid en straf",
        ]
        assert "Spoor: Gezin en jeugd" in lines and "Voor N.J. (kind/getuige):" in lines
        assert lines[-1].startswith("Bij niet nakomen van de afspraken (drang/dwang): Melding aan het OM")
        assert not bot.fake.called("conversations.open")  # answered where it was asked


async def test_a_bad_track_is_refused_on_slack_and_nothing_is_added(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("procesmanager2", MANAGER)
        await bot.command(
            f"actie {CODE} Sporten spoor:sport @veiligthuis 15-12-2026", user=MANAGER, channel=f"D{MANAGER}"
        )
        [refused] = await bot.replies(f"D{MANAGER}")
        assert "Het spoor 'sport' ken ik niet" in refused
        await bot.command(f"casus {CODE} plan", user=MANAGER, channel=f"D{MANAGER}")
        [_, plan] = await bot.replies(f"D{MANAGER}", count=2)
        assert "Sporten" not in plan and "#7" not in plan


async def test_in_a_channel_the_plan_goes_to_the_direct_chat(chat: Chat) -> None:
    async with running_bot(chat) as bot:
        bot.link("wijkagent", WIJKAGENT)
        await bot.command(f"casus {CODE} plan", user=WIJKAGENT, channel="C300", channel_name="zvh-team")
        [in_channel] = await bot.replies("C300")
        [private] = await bot.fake.wait_for(lambda: bot.fake.posted(f"D{WIJKAGENT}"))
        assert in_channel.startswith(f"{CODE} (M.J., N.J., R.J.)") and "privéchat" in in_channel
        for secret in ("Daderhulp", "Veiligheidsplan", "Noah", "OM", "Iris Mulder"):
            assert secret not in in_channel
        assert str(private.params["text"]).startswith(f"Plan van aanpak {CODE}:")
        assert "#4 Veiligheidsplan evalueren" in str(private.params["text"])
