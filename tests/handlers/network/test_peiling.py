"""The yearly partner poll: every active member asked via the outbox, anonymous answers, once each."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from handlers.reports.files import to_markdown
from handlers.reports.model import Quarter, Row, build_report, shown
from schedules.poll import RoundStillOpen, run_poll_if_due, seal_closed_rounds, start_round
from storage.network.poll import PollAnswer, PollBallot, PollResponse, PollRound
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat


def _start(chat: Chat) -> int:
    round_id, members = start_round(chat.app.uow(), chat.clock.now(), 4)
    assert members == 10  # every active demo member
    return round_id


def _answers(chat: Chat) -> list[PollAnswer]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(PollAnswer)).all())


def _ballots(chat: Chat) -> list[PollBallot]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(PollBallot)).all())


def _close_and_seal(chat: Chat) -> list[PollAnswer]:
    """The round closes (4 weeks) and the daily job seals it; the answers as stored then."""
    chat.clock.advance(timedelta(weeks=4, minutes=1))
    seal_closed_rounds(chat.app.uow(), chat.clock.now())
    assert _ballots(chat) == []
    return _answers(chat)


def _report_rows(chat: Chat) -> dict[str, Row]:
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
    return {r.label.key: r for r in report.section("partner_poll").rows}  # type: ignore[union-attr]


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
    assert _answers(chat) == [] and len(_ballots(chat)) == 4  # sealed until the round closes
    answers = _close_and_seal(chat)
    assert sorted((a.question, a.score) for a in answers) == [(0, None), (1, 4), (2, 5), (3, 3)]
    assert not hasattr(answers[0], "member_id")
    with chat.app.uow() as uow:
        markers = uow.session.exec(select(PollResponse)).all()
    assert len(markers) == 4


def test_an_answer_outside_1_to_5_is_refused_and_nothing_written(chat: Chat):
    round_id = _start(chat)
    for value in (f"{round_id}:1:0", f"{round_id}:1:6", f"{round_id}:1:-2"):
        assert "1 tot en met 5" in texts(chat.press("poll.answer", value, user="ggz"))
    assert _answers(chat) == [] and _ballots(chat) == []
    (ok,) = chat.press("poll.answer", f"{round_id}:1:5", user="ggz")  # the refusals left no marker
    assert "Vraag 2" in ok.text


def test_a_closed_round_takes_no_answers(chat: Chat):
    round_id = _start(chat)
    chat.clock.advance(timedelta(weeks=5))
    assert "gesloten" in texts(chat.press("poll.answer", f"{round_id}:1:3", user="ggz"))
    assert "gesloten" in chat.say("/peiling te laat", user="ggz")
    assert _answers(chat) == [] and _ballots(chat) == []


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
    # while the round is open the report counts nothing: comparing two reports would tell one answer
    assert _report_rows(chat)["rapport.poll.n"].current == 0
    _close_and_seal(chat)
    rows = _report_rows(chat)
    assert rows["rapport.poll.q1"].current is None  # 4 answers: mean not shown
    assert rows["rapport.poll.n"].current == 4 and rows["rapport.poll.comments"].current == 1
    assert shown(rows["rapport.poll.n"].current, extern=True) == "<5"
    with chat.app.uow() as uow:  # with fewer than five, a comment's wording could point at its writer
        assert build_report(uow.session, Quarter(2026, 4), chat.clock.tz).comments == ()


def test_a_round_of_five_shows_its_means_once_closed(chat: Chat):
    round_id = _start(chat)
    for handle, score in (
        ("wijkagent", 4),
        ("ggz", 4),
        ("veiligthuis", 4),
        ("woonstede", 4),
        ("reclassering", 2),
    ):
        chat.press("poll.answer", f"{round_id}:1:{score}", user=handle)
    _close_and_seal(chat)
    rows = _report_rows(chat)
    assert rows["rapport.poll.q1"].current == 3.6 and rows["rapport.poll.n"].current == 5
    assert rows["rapport.poll.q2"].current is None


def physical_order(chat: Chat) -> list[int | None]:
    """The scores as the database lays the rows out: the heap (``ctid``) on Postgres, the key on SQLite."""
    order = "ctid" if chat.app.engine.dialect.name == "postgresql" else "id"
    with chat.app.engine.connect() as connection:
        return list(connection.execute(text(f"SELECT score FROM poll_answer ORDER BY {order}")).scalars())


def test_no_answer_can_be_joined_to_the_member_who_gave_it(chat: Chat):
    """Issue 16: answers had sequential ids in the order of the markers that name the member (finding 10);
    then, on Postgres, each answer still sat in the heap in the order of answering and shared its
    transaction id (``xmin``) with its marker. Now an answer is a sealed ballot until the round closes, and
    the round's answers are written together, shuffled, in one transaction (docs/privacy.md)."""
    handles = ["wijkagent", "ggz", "veiligthuis", "woonstede", "reclassering"]
    assert "id" not in PollResponse.__table__.c  # type: ignore[attr-defined]
    postgres = chat.app.engine.dialect.name == "postgresql"
    orders = set()
    for _ in range(8):  # eight rounds of five answers, given in the order 1..5
        round_id, _members = start_round(chat.app.uow(), chat.clock.now(), 4)
        for score, handle in enumerate(handles, start=1):
            chat.press("poll.answer", f"{round_id}:1:{score}", user=handle)
        ballots = _ballots(chat)
        assert _answers(chat) == [] and len(ballots) == 5  # nothing readable while the round is open
        with chat.app.engine.connect() as connection:
            stored = [str(v) for v in connection.execute(text("SELECT sealed FROM poll_ballot")).scalars()]
        assert all(v.startswith("enc1:") for v in stored) and len({len(v) for v in stored}) == 1
        assert all(len(b.id) == 32 for b in ballots)  # random, not a sequence
        answers = _close_and_seal(chat)
        assert sorted(a.score or 0 for a in answers) == [1, 2, 3, 4, 5]
        with chat.app.engine.connect() as connection:
            if postgres:  # one transaction wrote them all, and not the ones that wrote the markers
                written = set(connection.execute(text("SELECT xmin::text FROM poll_answer")).scalars())
                markers = set(connection.execute(text("SELECT xmin::text FROM poll_response")).scalars())
                assert len(written) == 1 and not written & markers
            else:  # WITHOUT ROWID: no hidden insertion order either
                for table in ("poll_answer", "poll_response", "poll_ballot"):
                    with pytest.raises(OperationalError):
                        connection.execute(text(f"SELECT rowid FROM {table}"))
                connection.rollback()
        orders.add(tuple(physical_order(chat)))
        with chat.app.engine.begin() as connection:  # the next round starts from an empty table
            connection.execute(text("DELETE FROM poll_answer"))
    assert len(orders) > 1  # the stored order does not follow the order of answering


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
    for handle in ["wijkagent", "ggz", "veiligthuis", "woonstede", "reclassering"]:
        chat.press("poll.answer", f"{round_id}:1:4", user=handle)
    with chat.app.uow() as uow:  # the round is open: nothing counted yet
        assert build_report(uow.session, Quarter(2026, 4), chat.clock.tz).comments == ()
    _close_and_seal(chat)
    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
        extern = build_report(uow.session, Quarter(2026, 4), chat.clock.tz, extern=True)
    assert report.comments == ("Fictief: graag vaker terugkoppeling",)
    assert extern.comments == ()  # a report that leaves the Veiligheidshuis quotes nobody
    markdown = to_markdown(report, lambda text: chat.app.catalogue.render(text, "nl"))
    assert "## Opmerkingen uit de partnerpeiling (1):" in markdown
    assert "- Fictief: graag vaker terugkoppeling" in markdown
