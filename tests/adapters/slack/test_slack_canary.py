"""The canary (issue 16) through real Bolt against the fake Slack API: a /signaal modal with the canary
name and description, triage by a press, the terugkoppeling delivered. The raw database and the logs (at
DEBUG, as ``configure_logging`` leaves them) hold none of the canary texts; after ``ketenbot privacy
erase`` the decrypted database holds none either. SQLite and Postgres."""

from __future__ import annotations

import pytest

from storage.privacy.retention import find_subjects
from tests.adapters.slack.slack_bot import buttons_of, running_bot
from tests.adapters.slack.test_slack_scenario_signal import MANAGER, PARTNER, SIGNAL, queue_item, send_signal
from tests.harness import Chat
from tests.storage.test_privacy_canary import NAME, TEXTS, decrypted_database, hits, raw_database


async def test_slack_canary_leaves_no_clear_text_and_erase_leaves_none(
    chat: Chat, debug_logs: pytest.LogCaptureFixture
) -> None:
    async with running_bot(chat) as bot:
        await bot.join(PARTNER)
        bot.link("procesmanager", MANAGER)
        ref = await send_signal(bot, {**SIGNAL, "name": NAME, "description": TEXTS["description"]})
        signal_id = int(ref.removeprefix("S-"))
        item = await queue_item(bot, ref)
        [decide] = [b for b in buttons_of(item) if b["value"] == f"{signal_id}:topx"]
        await bot.press(MANAGER, item, decide["action_id"], f"{signal_id}:topx")
        assert await bot.deliver_outbox() >= 1
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in debug_logs.records)
    before_raw, before_logs = hits(raw_database(chat)), hits(logged)
    print(f"slack canary: raw {sorted(before_raw)}, logs {sorted(before_logs)}")
    assert before_raw == set() and before_logs == set()
    assert {"Zwxqvrtl", "qjzxwvkanarie"} <= hits(decrypted_database(chat))  # stored: the scan can see
    with chat.app.uow() as uow:
        subject = next(s.id for s in find_subjects(uow.session, NAME))
    done = chat.cli(["privacy", "erase", "--subject", str(subject), "--reason", "canary", "--force"])
    assert done.exit_code == 0, done.output
    assert hits(decrypted_database(chat)) == set() and hits(raw_database(chat)) == set()
