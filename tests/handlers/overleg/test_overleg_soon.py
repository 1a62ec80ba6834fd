"""Issue 17 (loose ends), item 2: a meeting planned less than 24 hours ahead still gets the reminder rungs
that lie in the future (a meeting in 5 hours: its 1-hour reminder), and the demo meetings get theirs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.handlers.overleg.overleg_helpers import meetings, member_id, plan, rows
from tests.harness import DEFAULT_NOW, Chat, make_chat


def test_a_meeting_in_five_hours_gets_its_one_hour_reminder(chat: Chat) -> None:
    # the harness's now: Thursday 26-11-2026 10:00 in Amsterdam
    planned = plan(chat, start="26-11-2026 15:00", recurrence="none", until="")
    assert "gepland" in planned, planned
    meeting = meetings(chat)[-1]
    reminders = rows(chat, f"meeting:{meeting.id}:")
    assert {r.dedupe_key.split(":")[3] for r in reminders} == {"T-1h"}  # the 24-hour rung lies in the past
    assert {r.due_at for r in reminders} == {DEFAULT_NOW + timedelta(hours=4)}  # 14:00 local
    assert len(reminders) == len({r.member_id for r in reminders}) == 5  # one per invitee
    chat.deliver_own()
    chat.clock.advance(timedelta(hours=4))
    due = [m for m in chat.deliver() if (m.dedupe_key or "").startswith(f"meeting:{meeting.id}:")]
    assert len(due) == 5
    assert all(m.text.startswith("Herinnering: over een uur MDO/casusoverleg #3.") for m in due)


@pytest.fixture
def demo_chat(database_url: str) -> Iterator[Chat]:
    """The demo as ``ketenbot demo`` loads it: with the demo meetings' reminders."""
    harness = make_chat(database_url, meeting_reminders=True)
    yield harness
    harness.app.engine.dispose()


def test_the_demo_meetings_have_their_reminders_from_the_start(demo_chat: Chat) -> None:
    chat = demo_chat
    assert rows(chat, "meeting-note:") == []  # loading the demo invites nobody now
    # bot/demo/meetings.py: the triage series (#1, Tuesdays 10:00 from 01-12-2026) and the MDO (#2, 03-12)
    # the triage series has no cases on its agenda, so no casusregisseur warning to the chair
    triage = {r.dedupe_key.rsplit(":", 2)[0] for r in rows(chat, "meeting:1:2026-12-01:")}
    assert triage == {
        "meeting:1:2026-12-01:T-24h",
        "meeting:1:2026-12-01:T-1h",
        "meeting:1:2026-12-01:cutoff",
        "meeting:1:2026-12-01:agenda-closed",
    }
    assert len(rows(chat, "meeting:1:")) > 12 * len(triage)  # every week of the series
    mdo = rows(chat, "meeting:2:")
    assert {r.dedupe_key.split(":")[3] for r in mdo} == {"T-24h", "T-1h"}
    # who said no (veiligthuis) gets none; the chair and the one still to answer do
    assert {r.member_id for r in mdo} == {member_id(chat, "procesmanager2"), member_id(chat, "wijkagent")}
    chat.clock.set(datetime(2026, 12, 2, 12, 30, tzinfo=UTC))  # Wednesday 13:30 local: T-24h of the MDO
    sent = [m for m in chat.deliver() if (m.dedupe_key or "").startswith("meeting:2:")]
    assert sorted(m.user_id or "" for m in sent) == ["procesmanager2", "wijkagent"]
