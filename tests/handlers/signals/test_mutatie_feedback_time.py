"""The aanmelder's "in behandeling genomen" on a handled mutatie goes out no sooner than a triage would have
told them (handlers/signals/feedback_time.py, docs/privacy.md "Side channels"): its timing must not say the
person was already known in a case."""

from datetime import UTC, datetime, timedelta

from sqlmodel import col, update

from storage.meetings.tables import Meeting, MeetingKind, MeetingStatus
from tests.handlers.cases.cases_helpers import delivered_to, last_signal_id, submit_signal
from tests.harness import Chat

JAN = {"name": "jan DE  vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}
# the demo's weekly triage-overleg: Tuesdays 10:00-11:30 Amsterdam, agenda cut-off Monday 12:00
FIRST_TRIAGE_END = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)  # Tuesday 1 December, 11:30 in Amsterdam


def taken_up(signal_id: int) -> str:
    return (
        f"Terugkoppeling op je signaal S-{signal_id}: het Veiligheidshuis heeft het in behandeling genomen."
    )


def handled_mutatie(chat: Chat) -> int:
    chat.deliver()
    submit_signal(chat, user="woonstede", **JAN)
    chat.deliver()
    signal_id = last_signal_id(chat)
    chat.press("mutatie.note", str(signal_id), user="procesmanager")
    return signal_id


def test_the_terugkoppeling_waits_for_the_end_of_the_next_triage_overleg(chat: Chat) -> None:
    signal_id = handled_mutatie(chat)  # Thursday 26 November: handled at once by procesregie
    assert delivered_to(chat, "woonstede") == []
    chat.clock.set(FIRST_TRIAGE_END - timedelta(minutes=1))
    assert taken_up(signal_id) not in delivered_to(chat, "woonstede")
    chat.clock.set(FIRST_TRIAGE_END)
    assert taken_up(signal_id) in delivered_to(chat, "woonstede")


def test_a_signal_after_the_agenda_cut_off_waits_for_the_triage_a_week_later(chat: Chat) -> None:
    chat.clock.set(datetime(2026, 11, 30, 11, 5, tzinfo=UTC))  # Monday 12:05: the agenda of the 1st is closed
    signal_id = handled_mutatie(chat)
    chat.clock.set(FIRST_TRIAGE_END + timedelta(hours=1))
    assert taken_up(signal_id) not in delivered_to(chat, "woonstede")
    chat.clock.set(FIRST_TRIAGE_END + timedelta(weeks=1))
    assert taken_up(signal_id) in delivered_to(chat, "woonstede")


def test_without_a_planned_triage_overleg_the_terugkoppeling_waits_a_week(chat: Chat) -> None:
    with chat.app.uow() as uow:
        triage = update(Meeting).where(col(Meeting.kind) == MeetingKind.TRIAGE)
        uow.session.exec(triage.values(status=MeetingStatus.CANCELLED))  # type: ignore[call-overload]
        uow.commit()
    signal_id = handled_mutatie(chat)
    chat.clock.set(chat.clock.now() + timedelta(days=6, hours=23))
    assert taken_up(signal_id) not in delivered_to(chat, "woonstede")
    chat.clock.set(chat.clock.now() + timedelta(hours=1))
    assert taken_up(signal_id) in delivered_to(chat, "woonstede")
