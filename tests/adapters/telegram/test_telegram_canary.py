"""The canary (issue 16) through the real PTB Application against the fake Bot API: a /signaal typed step
by step (its form state stored between the steps), triage in the group, the terugkoppeling delivered. The
raw database and the captured logs (at DEBUG, PTB and httpx included) hold none of the canary texts; after
``ketenbot privacy erase`` the decrypted database holds none either. SQLite and Postgres."""

from __future__ import annotations

import pytest

from storage.privacy.retention import find_subjects
from tests.adapters.telegram.telegram_support import buttons, running_bot
from tests.harness import Chat
from tests.storage.test_privacy_canary import NAME, TEXTS, decrypted_database, hits, raw_database

PARTNER, MANAGER, TRIAGE_GROUP = 7601, 7602, -4601


async def test_telegram_canary_leaves_no_clear_text_and_erase_leaves_none(
    chat: Chat, debug_logs: pytest.LogCaptureFixture
) -> None:
    caplog = debug_logs
    async with running_bot(chat) as bot:
        bot.link("wijkagent", PARTNER)
        bot.link("procesmanager2", MANAGER)
        await bot.messages(PARTNER, "/signaal", 2)
        (birth,) = await bot.messages(PARTNER, NAME, 1)
        half_way = hits(raw_database(chat))  # the name is in the form state now
        (others,) = await bot.press(PARTNER, birth, "Overslaan")
        await bot.press(PARTNER, others, "Overslaan")
        (categories,) = await bot.messages(PARTNER, "Waterdam", 1)
        await bot.press(PARTNER, categories, "overlast", expect=0)
        (urgency,) = await bot.press(PARTNER, bot.last(PARTNER), "Klaar")
        await bot.press(PARTNER, urgency, "normaal")
        (informed,) = await bot.messages(PARTNER, TEXTS["description"], 1)
        (summary,) = await bot.press(PARTNER, informed, "nee")
        (received,) = await bot.press(PARTNER, summary, "Versturen")
        ref = received["text"].split("referentie ")[1].split(".")[0]
        queue = await bot.messages(MANAGER, "/triage", 5, chat=TRIAGE_GROUP)
        (item,) = [m for m in queue if ref in m["text"]]
        assert buttons(item)
        await bot.press(MANAGER, item, "top-X")
        assert await bot.deliver() >= 1
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    before_raw, before_logs = hits(raw_database(chat)), hits(logged)
    seen = hits(decrypted_database(chat))
    print(f"telegram canary: raw {sorted(half_way | before_raw)}, logs {sorted(before_logs)}")
    assert half_way == set() and before_raw == set() and before_logs == set()
    assert {"Zwxqvrtl", "qjzxwvkanarie"} <= seen  # stored (encrypted): the scan can see them
    with chat.app.uow() as uow:
        (subject,) = [s.id for s in find_subjects(uow.session, NAME)][:1]
    done = chat.cli(["privacy", "erase", "--subject", str(subject), "--reason", "canary", "--force"])
    assert done.exit_code == 0, done.output
    assert hits(decrypted_database(chat)) == set() and hits(raw_database(chat)) == set()
