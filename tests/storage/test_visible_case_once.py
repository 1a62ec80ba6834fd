"""The need-to-know question for a case is asked once per command (the gate's answer serves the handler),
and any statement, flush, commit or rollback in between makes the next question go to the database."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text, update
from sqlmodel import col, select

from storage.cases.tables import CaseParticipant
from storage.uow import UnitOfWork
from tests.harness import Chat

CODE = "VH-2026-0001"


@contextmanager
def statements(chat: Chat) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    engine = chat.app.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def visibility_queries(seen: list[str]) -> list[str]:
    return [s for s in seen if "case_participant" in s]


def test_regie_code_checks_need_to_know_once_in_four_statements(chat: Chat):
    chat.say(f"/regie {CODE}", user="reclassering")  # the identity's "last used" is touched here
    with statements(chat) as seen:
        answer = chat.say(f"/regie {CODE}", user="reclassering")
    assert "Casusregie: Gemeente Waterdam — Fatima el Idrissi" in answer
    assert len(visibility_queries(seen)) == 1
    # identity, the case with need-to-know, the holders, one audit INSERT (before: the case twice)
    assert len(seen) == 4, seen


def test_a_refused_code_is_still_refused_and_audited(chat: Chat):
    assert chat.say(f"/regie {CODE}", user="woonstede") == f"Casus {CODE} niet gevonden of geen toegang."
    with chat.app.uow() as uow:
        denied = [e for e in uow.audit.search(name="regie") if e.outcome == "denied"]
    assert len(denied) == 1 and denied[0].case_id is not None


def _ids(uow: UnitOfWork, handle: str) -> tuple[int, int]:
    member = uow.members.by_handle("@" + handle)
    assert member is not None and member.id is not None
    return member.id, member.organisation_id


def test_the_answer_is_asked_again_after_a_write_in_between(chat: Chat):
    with chat.app.uow() as uow:
        member_id, organisation_id = _ids(uow, "reclassering")
        case = uow.cases.visible_to(member_id, organisation_id, CODE)
        assert case is not None and case.id is not None
        uow.session.execute(
            update(CaseParticipant)
            .where(col(CaseParticipant.case_id) == case.id)
            .values(removed_at=col(CaseParticipant.added_at))
        )
        assert uow.cases.visible_to(member_id, organisation_id, CODE) is None


def test_the_answer_is_asked_again_after_a_write_on_the_connection(chat: Chat):
    with chat.app.uow() as uow:
        member_id, organisation_id = _ids(uow, "reclassering")
        case = uow.cases.visible_to(member_id, organisation_id, CODE)
        assert case is not None
        uow.session.connection().execute(
            text("UPDATE case_participant SET removed_at = added_at WHERE case_id = :case_id"),
            {"case_id": case.id},
        )
        assert uow.cases.visible_to(member_id, organisation_id, CODE) is None


def test_the_answer_is_asked_again_after_a_read_a_commit_or_a_rollback(chat: Chat):
    with chat.app.uow() as uow, statements(chat) as seen:
        member_id, organisation_id = _ids(uow, "reclassering")

        def ask() -> None:
            uow.cases.visible_to(member_id, organisation_id, CODE)

        ask()
        ask()
        assert len(visibility_queries(seen)) == 1  # nothing in between: answered from memory
        uow.members.get(member_id)  # any statement in between
        ask()
        assert len(visibility_queries(seen)) == 2
        uow.commit()
        ask()
        uow.rollback()
        ask()
        assert len(visibility_queries(seen)) == 4
        assert uow.cases.visible_to(member_id, organisation_id, "VH-2026-0002") is None  # another key
        assert len(visibility_queries(seen)) == 5


def test_the_case_read_in_core_is_the_sessions_object_and_writes_like_one(chat: Chat):
    """``visible_to`` reads the case with a Core statement and adopts the row as the session's ``Case``:
    the same object as an ORM read of it, written when changed (and only then), and an unflushed change
    of this unit of work is seen first, as an ORM query's autoflush would."""
    with chat.app.uow() as uow, statements(chat) as seen:
        member_id, organisation_id = _ids(uow, "reclassering")
        loaded = uow.cases.by_code(CODE)
        case = uow.cases.visible_to(member_id, organisation_id, CODE)
        assert case is loaded  # one object per row in a session
        uow.commit()
        assert not [s for s in seen if s.lstrip().upper().startswith("UPDATE")]  # unchanged: not written
    with chat.app.uow() as uow:
        case = uow.cases.visible_to(member_id, organisation_id, CODE)
        assert case is not None and case.code == CODE and case.opened_at.tzinfo is not None
        case.track = "zorg"
        uow.commit()
    with chat.app.uow() as uow:
        again = uow.cases.by_code(CODE)
        assert again is not None and again.track == "zorg"
        for participant in uow.session.exec(
            select(CaseParticipant).where(col(CaseParticipant.case_id) == again.id)
        ).all():
            participant.removed_at = participant.added_at  # not flushed yet
        assert uow.cases.visible_to(member_id, organisation_id, CODE) is None
