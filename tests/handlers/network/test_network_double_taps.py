"""Double taps at the same moment (two threads, as two instances would): each flow acts once."""

from __future__ import annotations

from sqlmodel import func, select

from storage.cases.tables import Signal
from storage.meetings.tables import Meeting
from storage.network.poll import PollBallot
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat
from tests.storage.test_case_concurrency import run_at_once

CSV = (
    b"name,birth_date,gemeente,categories,urgency,description\n"
    b"Pieter Fictief,01-02-1980,Waterdam,overlast,normaal,Fictief: geluidsoverlast\n"
)


def _press_at_once(chat: Chat, action: str, values: list[tuple[str, str]]) -> list[str]:
    texts: list[str] = []

    def press(index: int) -> None:
        user, value = values[index]
        texts.extend(o.text for o in chat.press(action, value, user=user))

    assert run_at_once(press, len(values)) == []
    assert not any("referentie" in text for text in texts), texts  # no internal error
    return texts


def _count(chat: Chat, model: type) -> int:
    with chat.app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def test_code_rood_pressed_by_two_procesmanagers_at_once_plans_one_meeting(chat: Chat):
    submit_signal(chat, categories="huiselijk_geweld", urgency="acuut", user="veiligthuis")
    signal_id = str(last_signal_id(chat))
    before = _count(chat, Meeting)
    _press_at_once(chat, "coderood.plan", [("procesmanager", signal_id), ("procesmanager2", signal_id)])
    assert _count(chat, Meeting) == before + 1


def test_importeren_pressed_twice_at_once_imports_once(chat: Chat):
    (dry,) = chat.upload("p.csv", CSV, "/import politie")
    before = _count(chat, Signal)
    value = dry.buttons[0].value
    texts = _press_at_once(chat, "upload.import", [("procesmanager", value), ("procesmanager", value)])
    assert _count(chat, Signal) == before + 1
    assert sum("is geïmporteerd" in text for text in texts) == 1


def test_a_poll_answer_pressed_twice_at_once_counts_once(chat: Chat):
    from schedules.poll import start_round

    round_id, _ = start_round(chat.app.uow(), chat.clock.now(), 4)
    value = f"{round_id}:1:4"
    _press_at_once(chat, "poll.answer", [("ggz", value), ("ggz", value)])
    assert _count(chat, PollBallot) == 1  # one sealed answer until the round closes
