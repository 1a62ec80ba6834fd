"""Issue 17: code rood's button says the real time it books; after office hours that is tomorrow 09:00,
not "vandaag"; a press long after the offer books the next slot and says so."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.meetings.tables import Meeting
from tests.handlers.cases.cases_helpers import submit_signal
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat


def _offer(chat: Chat) -> tuple[str, str]:
    chat.deliver()
    submit_signal(chat, categories="huiselijk_geweld", urgency="acuut", user="veiligthuis")
    [alert] = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    [button] = alert.buttons
    return button.label, button.value


def _starts(chat: Chat) -> list[datetime]:
    with chat.app.uow() as uow:
        return [m.start_at for m in uow.session.exec(select(Meeting).where(Meeting.kind == "hg")).all()]


def test_after_office_hours_the_button_says_tomorrow_and_books_it(chat: Chat) -> None:
    chat.clock.set(datetime(2026, 11, 26, 15, 30, tzinfo=UTC))  # Thursday 16:30 in Amsterdam
    label, value = _offer(chat)
    assert label == "HG-overleg plannen: morgen 09:00"
    reply = texts(chat.press("coderood.plan", value, user="procesmanager"))
    assert "HG-overleg gepland op 27-11-2026 09:00" in reply
    assert _starts(chat) == [datetime(2026, 11, 27, 8, 0, tzinfo=UTC)]


def test_a_press_after_the_offered_time_books_the_next_slot_and_says_which(chat: Chat) -> None:
    label, value = _offer(chat)  # Thursday 10:00: "vandaag 11:00"
    assert label == "HG-overleg plannen: vandaag 11:00"
    chat.clock.set(datetime(2026, 11, 26, 11, 15, tzinfo=UTC))  # 12:15: 11:00 has passed
    reply = texts(chat.press("coderood.plan", value, user="procesmanager"))
    assert "HG-overleg gepland op 26-11-2026 14:00" in reply
