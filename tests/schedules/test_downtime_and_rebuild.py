"""The bot stopped for three days: at start-up the due reminders that are still useful go out, the
others are marked expired and summarised in one message to procesregie. And ladders rebuilt after a date
changed: passed rungs are not re-sent, the rung now in its window goes out once."""

import asyncio
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import FixedClock
from bot.core.context import decode_reply
from bot.core.i18n import t
from bot.core.types import Reply
from handlers.reminders import cancel_ladder, rebuild_ladder
from schedules.rules import Step, huisverbod_ladder, release_ladder
from storage.uow import UnitOfWork
from tests.conftest import keyed_engine
from tests.schedules.helpers import T0, Recorder, add_members, make_dispatcher, statuses

AMS = ZoneInfo("Europe/Amsterdam")


def reply_for(step: Step) -> Reply:
    return Reply(t("outbox.missed_more", count=step.offset))


def queue(engine, kind: str, entity_id: int, steps: list[Step], members: list[int], clock: FixedClock):
    with UnitOfWork(engine) as uow:
        keys = rebuild_ladder(uow, kind, entity_id, steps, members, reply_for, clock.now(), cases=())
        uow.commit()
    return keys


def sent_keys(sender: Recorder, start: int = 0) -> list[str]:
    return [key for _, _, key in sender.sent[start:]]


def test_three_days_down_sends_what_is_still_useful_and_summarises_the_rest_once(database_url):
    engine = keyed_engine(database_url)
    (pm_case, other), managers = add_members(engine, 2, procesmanagers=2)
    clock = FixedClock(T0)  # Thursday 26 November 2026, 09:00 Amsterdam
    sender = Recorder()
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})
    # release 1 on Friday 4 December: T-14 (window now) goes out now; T-7 on 27 Nov falls in the downtime
    queue(engine, "release", 1, release_ladder(date(2026, 12, 4), AMS), [pm_case], clock)
    # release 2 on Saturday 28 November: T-7 (window now) goes out now; T-1 (27 Nov) and T-0 (28 Nov)
    # both pass while we are down
    queue(engine, "release", 2, release_ladder(date(2026, 11, 28), AMS), [other], clock)
    asyncio.run(dispatcher.tick())
    assert sent_keys(sender) == [f"release:1:T-14@{pm_case}", f"release:2:T-7@{other}"]

    clock.advance(timedelta(days=3))  # Sunday 29 November 09:00: the bot starts again
    start = len(sender.sent)
    asyncio.run(dispatcher.tick())  # the start-up tick
    after = sent_keys(sender, start)
    assert f"release:1:T-7@{pm_case}" in after  # still useful until T-1 on 3 December
    assert not [key for key in after if key.startswith("release:2:")]
    summaries = [key for key in after if key.startswith("missed:")]
    assert sorted(int(key.rsplit("@", 1)[1]) for key in summaries) == managers  # one each, one in all
    texts = [message for message in sender.sent[start:] if (message[2] or "").startswith("missed:")]
    assert len(texts) == 2
    with UnitOfWork(engine) as uow:
        for key in (f"release:2:T-1@{other}", f"release:2:T-0@{other}"):
            row = uow.outbox.by_key(key)
            assert row is not None and row.status == "expired", key
        summary = uow.outbox.by_key(summaries[0])
        assert summary is not None
        # named in words, not by outbox key (issue 19); release 2 has no detention row here: case unknown
        assert "release:2:" not in str(summary.payload)
    rendered = dispatcher.catalogue.render(decode_reply(summary.payload).text, "nl")
    assert "vrijlatingsherinnering 1 dag vooraf, casus (casus onbekend)" in rendered
    assert "vrijlatingsherinnering op de dag zelf, casus (casus onbekend)" in rendered
    rendered = dispatcher.catalogue.render(t("outbox.missed_summary", count=2), "nl")
    assert "2 herinneringen zijn niet op tijd verstuurd en zijn verlopen" in rendered

    before = len(sender.sent)
    clock.advance(timedelta(minutes=5))
    asyncio.run(dispatcher.tick())  # a later tick: no second summary, nothing re-sent
    assert len(sender.sent) == before
    engine.dispose()


def test_rebuilding_after_a_date_change_skips_passed_rungs_and_sends_the_current_one_once(database_url):
    engine = keyed_engine(database_url)
    (pm_case,), _ = add_members(engine, 1)
    clock = FixedClock(T0)
    sender = Recorder()
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})
    keys = queue(engine, "release", 7, release_ladder(date(2027, 1, 29), AMS), [pm_case], clock)
    assert [key.split(":")[2] for key in keys] == ["T-28@1", "T-14@1", "T-7@1", "T-1@1", "T-0@1"]
    clock.set(release_ladder(date(2027, 1, 29), AMS)[0].due_at)  # 1 January 09:00: T-28 goes out
    asyncio.run(dispatcher.tick())
    assert sent_keys(sender) == [f"release:7:T-28@{pm_case}"]

    # 5 January: the release is brought forward to 15 January. T-28 (18 Dec) passed and was sent for the
    # old date anyway; T-14 (1 Jan) is the rung in its window now: it goes out once, right away.
    clock.advance(timedelta(days=4))
    keys = queue(engine, "release", 7, release_ladder(date(2027, 1, 15), AMS), [pm_case], clock)
    assert [key.split(":")[2] for key in keys] == ["T-14@1", "T-7@1", "T-1@1", "T-0@1"]
    asyncio.run(dispatcher.tick())
    assert sent_keys(sender)[1:] == [f"release:7:T-14@{pm_case}"]
    # the same change recorded twice: the T-14 alert is not sent again
    queue(engine, "release", 7, release_ladder(date(2027, 1, 15), AMS), [pm_case], clock)
    asyncio.run(dispatcher.tick())
    assert len(sender.sent) == 2

    # postponed to 19 March: the future rungs come back, including the T-28/T-14 ones already sent
    keys = queue(engine, "release", 7, release_ladder(date(2027, 3, 19), AMS), [pm_case], clock)
    assert [key.split(":")[2] for key in keys] == ["T-28@1", "T-14@1", "T-7@1", "T-1@1", "T-0@1"]
    with UnitOfWork(engine) as uow:
        row = uow.outbox.by_key(f"release:7:T-28@{pm_case}")
        assert row is not None and row.status == "pending"
        assert row.due_at == release_ladder(date(2027, 3, 19), AMS)[0].due_at

    with UnitOfWork(engine) as uow:
        assert cancel_ladder(uow, "release", 7) == 5
        uow.commit()
    assert statuses(engine).get("pending", 0) == 0
    engine.dispose()


def test_huisverbod_extension_adjusts_the_ladder(database_url):
    engine = keyed_engine(database_url)
    (owner,), _ = add_members(engine, 1)
    clock = FixedClock(T0)
    start = date(2026, 11, 20)  # day 7 is today
    queue(engine, "huisverbod", 3, huisverbod_ladder(start, AMS), [owner], clock)
    clock.advance(timedelta(days=1))  # day 8
    sender = Recorder()
    dispatcher = make_dispatcher(engine, clock, {"telegram": sender})
    asyncio.run(dispatcher.tick())
    assert sent_keys(sender) == [f"huisverbod:3:D8@{owner}"]
    keys = queue(engine, "huisverbod", 3, huisverbod_ladder(start, AMS, extended=True), [owner], clock)
    assert [key.split(":")[2] for key in keys] == ["D28@1", "M3@1", "M6@1", "M12@1"]
    assert statuses(engine) == {"sent": 1, "pending": 4, "cancelled": 1}  # D10 dropped
    engine.dispose()
