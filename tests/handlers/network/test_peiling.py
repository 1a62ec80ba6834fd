"""The yearly partner poll: every active member asked via the outbox, anonymous answers, once each."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from handlers.reports.files import to_markdown
from handlers.reports.model import Quarter, build_report, shown
from schedules.poll import RoundStillOpen, run_poll_if_due, start_round
from storage.network.poll import PollAnswer, PollResponse, PollRound
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat


def _start(chat: Chat) -> int:
    round_id, members = start_round(chat.app.uow(), chat.clock.now(), 4)
    assert members == 10  # every active demo member
    return round_id


def _answers(chat: Chat) -> list[PollAnswer]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(PollAnswer)).all())


def test_every_active_member_gets_question_one_with_buttons_1_to_5(chat: Chat):
    chat.deliver()
    round_id = _start(chat)
    sent = [m for m in chat.deliver() if "Vraag 1 van 3" in m.text]
    assert len(sent) == 10
    assert [b.label for b in sent[0].buttons] == ["1", "2", "3", "4", "5"]
    assert sent[0].buttons[3].value == f"{round_id}:1:4"


def test_answers_are_stored_without_member_and_a_second_answer_is_refused(chat: Chat):
    round_id = _start(chat)
    (q2,) = chat.press("poll.answer", f"{round_id}:1:4", user="wijkagent")
    assert "Vraag 2 van 3" in q2.text and q2.buttons[0].value == f"{round_id}:2:1"
    assert "al beantwoord" in texts(chat.press("poll.answer", f"{round_id}:1:1", user="wijkagent"))
    chat.press("poll.answer", f"{round_id}:2:5", user="wijkagent")
    assert "Bedankt" in texts(chat.press("poll.answer", f"{round_id}:3:3", user="wijkagent"))
    assert "anoniem opgeslagen" in chat.say("/peiling Fictief: meer terugkoppeling graag", user="wijkagent")
    assert "al een opmerking" in chat.say("/peiling nog eentje", user="wijkagent")
    answers = _answers(chat)
    assert sorted((a.question, a.score) for a in answers) == [(0, None), (1, 4), (2, 5), (3, 3)]
    assert not hasattr(answers[0], "member_id")
    with chat.app.uow() as uow:
        markers = uow.session.exec(select(PollResponse)).all()
    assert len(markers) == 4


def test_an_answer_outside_1_to_5_is_refused_and_nothing_written(chat: Chat):
    round_id = _start(chat)
    for value in (f"{round_id}:1:0", f"{round_id}:1:6", f"{round_id}:1:-2"):
        assert "1 tot en met 5" in texts(chat.press("poll.answer", value, user="ggz"))
    assert _answers(chat) == []
    (ok,) = chat.press("poll.answer", f"{round_id}:1:5", user="ggz")  # the refusals left no marker
    assert "Vraag 2" in ok.text


def test_a_closed_round_takes_no_answers(chat: Chat):
    round_id = _start(chat)
    chat.clock.advance(timedelta(weeks=5))
    assert "gesloten" in texts(chat.press("poll.answer", f"{round_id}:1:3", user="ggz"))
    assert "gesloten" in chat.say("/peiling te laat", user="ggz")
    assert _answers(chat) == []


def test_the_scheduler_starts_one_round_a_year_from_the_configured_month(chat: Chat):
    tz = chat.clock.tz
    september = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
    assert run_poll_if_due(chat.app.uow, september, tz, 10, 4) == 0
    november = chat.clock.now()
    assert run_poll_if_due(chat.app.uow, november, tz, 10, 4) == 10
    assert run_poll_if_due(chat.app.uow, november + timedelta(days=1), tz, 10, 4) == 0
    assert run_poll_if_due(chat.app.uow, november, tz, 0, 4) == 0  # 0: off
    next_year = datetime(2027, 10, 4, 7, 0, tzinfo=UTC)
    assert run_poll_if_due(chat.app.uow, next_year, tz, 10, 4) == 10
    with chat.app.uow() as uow:
        assert len(uow.session.exec(select(PollRound)).all()) == 2


def test_results_in_the_report_with_small_numbers_suppressed(chat: Chat):
    round_id = _start(chat)
    handles = ["wijkagent", "ggz", "veiligthuis", "woonstede"]
    for handle in handles:
        chat.press("poll.answer", f"{round_id}:1:4", user=handle)
    chat.say("/peiling Fictief: prima", user="ggz")
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
    rows = {r.label.key: r for r in report.section("partner_poll").rows}  # type: ignore[union-attr]
    assert rows["rapport.poll.q1"].current is None  # 4 answers: mean not shown
    assert rows["rapport.poll.n"].current == 4 and rows["rapport.poll.comments"].current == 1
    assert shown(rows["rapport.poll.n"].current, extern=True) == "<5"
    chat.press("poll.answer", f"{round_id}:1:2", user="reclassering")
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
    rows = {r.label.key: r for r in report.section("partner_poll").rows}  # type: ignore[union-attr]
    assert rows["rapport.poll.q1"].current == 3.6 and rows["rapport.poll.n"].current == 5
    assert rows["rapport.poll.q2"].current is None


def test_no_answer_can_be_joined_to_the_member_who_gave_it(chat: Chat):
    """Issue 16, finding 10: answers had sequential ids in the same order as the markers that name the
    member, so ``poll_response JOIN poll_answer USING (id)`` told each member's scores and comments."""
    round_id = _start(chat)
    handles = ["wijkagent", "ggz", "veiligthuis", "woonstede", "reclassering", "procesmanager"]
    for score, handle in enumerate(handles[:5], start=1):
        chat.press("poll.answer", f"{round_id}:1:{score}", user=handle)
    assert "id" not in PollResponse.__table__.c  # type: ignore[attr-defined]
    answers = _answers(chat)
    assert all(isinstance(a.id, str) and len(a.id) == 32 for a in answers)  # random, not a sequence
    with chat.app.uow() as uow:
        connection = uow.session.connection()
        if connection.dialect.name == "sqlite":  # WITHOUT ROWID: no hidden insertion order either
            for table in ("poll_answer", "poll_response"):
                with pytest.raises(OperationalError):
                    connection.execute(text(f"SELECT rowid FROM {table}"))
    # ten rounds of five answers: the order of the stored ids never follows the order of answering
    orders = set()
    for _ in range(10):
        with chat.app.uow() as uow:
            uow.session.execute(text("DELETE FROM poll_answer"))
            uow.session.execute(text("DELETE FROM poll_response"))
            uow.commit()
        for score, handle in enumerate(handles[:5], start=1):
            chat.press("poll.answer", f"{round_id}:1:{score}", user=handle)
        orders.add(tuple(a.score for a in sorted(_answers(chat), key=lambda a: a.id)))
    assert len(orders) > 1


def test_one_round_at_a_time(chat: Chat):
    _start(chat)
    with pytest.raises(RoundStillOpen):
        start_round(chat.app.uow(), chat.clock.now() + timedelta(days=1), 4)
    chat.clock.advance(timedelta(weeks=4, minutes=1))
    assert start_round(chat.app.uow(), chat.clock.now(), 4)[1] == 10  # the first one closed


def test_the_poll_is_refused_in_a_group_chat(chat: Chat):
    round_id = _start(chat)
    answer = chat.say("/peiling Fictief: groepsopmerking", user="ggz", group="triage-groep")
    assert "privégesprek" in answer
    incoming = chat.incoming(
        user="ggz", group="triage-groep", action_id="poll.answer", value=f"{round_id}:1:4"
    )
    pressed = chat.app.router.handle(incoming)
    assert "privégesprek" in texts(pressed)
    assert _answers(chat) == []


def test_comments_are_shown_in_the_internal_report_once_five_members_answered(chat: Chat):
    round_id = _start(chat)
    chat.say("/peiling Fictief: graag vaker terugkoppeling", user="ggz")
    with chat.app.uow() as uow:
        assert build_report(uow.session, Quarter(2026, 4), chat.clock.tz).comments == ()  # n < 5
    for handle in ["wijkagent", "ggz", "veiligthuis", "woonstede", "reclassering"]:
        chat.press("poll.answer", f"{round_id}:1:4", user=handle)
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
        extern = build_report(uow.session, Quarter(2026, 4), chat.clock.tz, extern=True)
    assert report.comments == ("Fictief: graag vaker terugkoppeling",)
    assert extern.comments == ()  # a report that leaves the Veiligheidshuis quotes nobody
    markdown = to_markdown(report, lambda text: chat.app.catalogue.render(text, "nl"))
    assert "## Opmerkingen uit de partnerpeiling (1):" in markdown
    assert "- Fictief: graag vaker terugkoppeling" in markdown
