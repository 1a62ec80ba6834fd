"""Issue 19, item 5: after downtime only the latest useful rung of the release ladder goes out, with the
real distance in days (the demo detention, the real dispatcher, the injected clock)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.release.detention import Detention
from tests.harness import DEMO_RELEASE_ALERTS, Chat

AMS = ZoneInfo("Europe/Amsterdam")


def release_day(chat: Chat) -> datetime:
    with chat.app.uow() as uow:
        detention = uow.session.exec(select(Detention)).first()
        assert detention is not None
        return datetime.combine(detention.release_on, time(0, 0), tzinfo=AMS)


def alerts(chat: Chat) -> list[str]:
    return [m.text for m in chat.deliver() if (m.dedupe_key or "").startswith(DEMO_RELEASE_ALERTS)]


def test_a_late_rung_names_the_real_distance_and_a_superseded_one_is_not_sent(sqlite_chat: Chat) -> None:
    chat = sqlite_chat
    release = release_day(chat)
    chat.deliver()  # what is due now
    # down from before T-7 until T-5 at 10:00: the T-7 alert still goes, saying 5 days
    chat.clock.set(release - timedelta(days=5) + timedelta(hours=10))
    late = alerts(chat)
    assert late and all("over 5 dagen:" in text for text in late), late
    # the morning of T-1: nothing before 09:00, then the T-1 alert
    chat.clock.set(release - timedelta(days=1) + timedelta(hours=7, minutes=59))
    assert alerts(chat) == []
    chat.clock.set(release - timedelta(days=1) + timedelta(hours=9))
    on_time = alerts(chat)
    assert on_time and all("over 1 dag:" in text for text in on_time), on_time


def test_after_downtime_until_the_morning_of_t1_the_t7_alert_is_not_sent_late(sqlite_chat: Chat) -> None:
    chat = sqlite_chat
    release = release_day(chat)
    chat.deliver()
    # down from before T-7 until 07:59 on T-1 (the reported "over 7 dagen" at 07:59:39)
    chat.clock.set(release - timedelta(days=1) + timedelta(hours=7, minutes=59))
    assert alerts(chat) == []
    chat.clock.set(release - timedelta(days=1) + timedelta(hours=9))
    on_time = alerts(chat)
    assert on_time and all("over 1 dag:" in text for text in on_time), on_time
