"""The stale-case watchdog: one morning message per procesregie holder; deduplicated per day."""

from datetime import UTC, datetime, timedelta

from schedules.stale import run_stale_watchdog
from tests.harness import Chat
from tests.stale_cases import finish_all_actions


def _run(chat: Chat, weeks: int = 3) -> int:
    return run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, weeks)


def test_a_case_with_nothing_planned_for_three_weeks_is_listed_once_to_procesregie(chat: Chat):
    chat.deliver()
    finish_all_actions(chat, "VH-2026-0001", chat.clock.now() - timedelta(weeks=3, days=1))
    assert _run(chat) == 2  # this one, and the demo's stale case of procesmanager2 (VH-2025-0001)
    assert _run(chat) == 0  # the same morning again: the dedupe key stale:<member>:<date> holds
    sent = sorted(chat.deliver(), key=lambda m: m.user_id or "")
    assert [m.user_id for m in sent] == ["procesmanager", "procesmanager2"]
    assert "VH-2025-0001" in sent[1].text and "VH-2026-0001" not in sent[1].text
    assert "1 actieve casus waar al meer dan 3 weken niets gepland staat" in sent[0].text
    assert "VH-2026-0001 (J.d.V.)" in sent[0].text
    assert [b.id for b in sent[0].buttons] == ["stale.mdo", "stale.action"]
    hint = "\n".join(o.text for o in chat.press("stale.action", "VH-2026-0001", user="procesmanager"))
    assert "/actie VH-2026-0001" in hint
    denied = "\n".join(o.text for o in chat.press("stale.action", "VH-2026-0001", user="woonstede"))
    assert "niet gevonden of geen toegang" in denied


def test_recent_activity_open_actions_and_other_statuses_are_not_stale(chat: Chat):
    # demo: only VH-2025-0001 (procesmanager2); VH-2026-0001 has open actions; the others are not actief
    assert _run(chat) == 1
    chat.clock.advance(timedelta(days=1))  # the next (working) morning
    finish_all_actions(chat, "VH-2026-0001", chat.clock.now() - timedelta(weeks=2))
    assert _run(chat) == 1  # done two weeks ago: not yet stale
    chat.clock.advance(timedelta(days=3))  # Monday
    assert _run(chat, weeks=1) == 2  # a shorter setting lists it


def test_no_digest_at_the_weekend(chat: Chat):
    finish_all_actions(chat, "VH-2026-0001", chat.clock.now() - timedelta(weeks=5))
    chat.clock.set(datetime(2026, 11, 28, 7, 0, tzinfo=UTC))  # Saturday morning
    assert _run(chat) == 0
    chat.clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday morning
    assert _run(chat) == 2


def test_the_setting_is_configurable_and_bounded():
    from bot.config import ConfigError, load_settings

    assert load_settings(KETENBOT_STALE_CASE_WEEKS="5").stale_case_weeks == 5
    try:
        load_settings(KETENBOT_STALE_CASE_WEEKS="0")
    except ConfigError as error:
        assert "KETENBOT_STALE_CASE_WEEKS" in str(error) or "stale" in str(error)
    else:
        raise AssertionError("0 weeks was accepted")


def test_a_case_with_an_upcoming_overleg_on_its_agenda_is_not_stale(chat: Chat):
    from storage.meetings.tables import AgendaItem, Meeting

    now = chat.clock.now()
    finish_all_actions(chat, "VH-2026-0001", now - timedelta(weeks=3, days=1))
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        chair = uow.members.by_handle("voorzitter")
        assert case is not None and case.id is not None and chair is not None and chair.id is not None
        mdo = Meeting(
            uid="stale-test@ketenbot",
            kind="mdo",
            start_at=now + timedelta(days=2),
            duration_minutes=60,
            place="Stadhuis",
            chair_id=chair.id,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(mdo)
        uow.session.flush()
        assert mdo.id is not None
        uow.session.add(AgendaItem(meeting_id=mdo.id, case_id=case.id))
        uow.commit()
    assert _run(chat) == 1  # only the demo's stale case of procesmanager2; VH-2026-0001 has an MDO coming
    sent = chat.deliver()
    assert all("VH-2026-0001" not in m.text for m in sent)
