"""The yearly partner poll: rounds, anonymous answers, and a separate "has answered" marker.

An answer row has no member id and no time: only the round, the question and the score (or a comment). The
``PollResponse`` marker (round, member, question) is what prevents a second answer to the same question;
it is written in the same transaction as the answer, and says nothing about what was answered.

Anonymity by design: no table has a sequential id (an answer's id is random, a marker has none), and on
SQLite they are WITHOUT ROWID tables, stored in key order. On Postgres a row's place in the heap and its
transaction id (``xmin``) follow the order of writing, so an answer written when it is given could be lined
up with its marker. Hence the rule (docs/privacy.md): while a round is open an answer is a sealed
``PollBallot`` (question, score and comment in one AES-GCM ciphertext of the same length for every score);
``seal_closed`` writes a closed round's answers to ``poll_answer`` all at once, in a random order, in one
transaction, and deletes the ballots. Results (the report) count sealed answers only. One round is open at a
time.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Engine, delete, func, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col, select

from storage.crypto import EncryptedJSON, EncryptedText
from storage.models import utc_column
from storage.repositories import Repository

COMMENT = 0  # the question number of the optional comment


class PollRound(SQLModel, table=True):
    __tablename__ = "poll_round"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = utc_column(index=True)
    closes_at: datetime = utc_column()
    members: int = 0  # how many members were asked


def random_id() -> str:
    return secrets.token_hex(16)


class PollAnswer(SQLModel, table=True):
    """One anonymous answer: a score 1-5 to question 1-3, or (question 0) a comment."""

    __tablename__ = "poll_answer"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(default_factory=random_id, primary_key=True, max_length=32)
    round_id: int = Field(foreign_key="poll_round.id", index=True)
    question: int
    score: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(EncryptedText(), nullable=True))


class PollBallot(SQLModel, table=True):
    """An answer while its round is open: ``{"question", "score", "comment"}`` sealed in one ciphertext."""

    __tablename__ = "poll_ballot"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(default_factory=random_id, primary_key=True, max_length=32)
    round_id: int = Field(foreign_key="poll_round.id", index=True)
    sealed: dict[str, Any] = Field(sa_column=Column(EncryptedJSON(), nullable=False))


class PollResponse(SQLModel, table=True):
    """A member answered one question of a round (not what they answered)."""

    __tablename__ = "poll_response"
    __table_args__ = {"sqlite_with_rowid": False}

    round_id: int = Field(foreign_key="poll_round.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    question: int = Field(primary_key=True)


class PollRepository(Repository):
    def start_round(self, started_at: datetime, closes_at: datetime) -> PollRound:
        row = PollRound(started_at=started_at, closes_at=closes_at)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, round_id: int) -> PollRound | None:
        return self.session.get(PollRound, round_id)

    def open_round(self, now: datetime) -> PollRound | None:
        """The round still open at ``now`` (there is at most one)."""
        statement = select(PollRound).where(col(PollRound.closes_at) > now)
        return self.session.exec(statement.order_by(col(PollRound.started_at).desc())).first()

    def last_round(self) -> PollRound | None:
        return self.session.exec(select(PollRound).order_by(col(PollRound.started_at).desc())).first()

    def has_answered(self, round_id: int, member_id: int, question: int) -> bool:
        statement = select(PollResponse.round_id).where(
            PollResponse.round_id == round_id,
            PollResponse.member_id == member_id,
            PollResponse.question == question,
        )
        return self.session.exec(statement).first() is not None

    def answer(
        self, round_id: int, member_id: int, question: int, *, score: int | None, comment: str | None = None
    ) -> bool:
        """Store the marker, then the answer as a sealed ballot; False (nothing written) when already
        answered. The answer reaches ``poll_answer`` when the round is sealed (``seal_closed``)."""
        if self.has_answered(round_id, member_id, question):
            return False
        try:
            with self.session.begin_nested():
                self.session.add(PollResponse(round_id=round_id, member_id=member_id, question=question))
                self.session.flush()
        except IntegrityError:  # a concurrent double tap: the other one counted
            return False
        ballot = {"question": question, "score": score, "comment": comment}
        self.session.add(PollBallot(round_id=round_id, sealed=ballot))
        self.session.flush()
        return True

    def seal_closed(self, now: datetime) -> int:
        """Write the ballots of every round closed at ``now`` to ``poll_answer``: per round one multi-row
        INSERT in a random order (one transaction, so one ``xmin`` and heap order independent of the order
        of answering), then delete the ballots. Returns the number of answers written."""
        closed = (
            select(PollBallot.round_id)
            .join(PollRound, col(PollRound.id) == col(PollBallot.round_id))
            .where(col(PollRound.closes_at) <= now)
            .distinct()
        )
        written = 0
        for round_id in sorted(self.session.exec(closed).all()):
            ballots = self.session.exec(select(PollBallot).where(PollBallot.round_id == round_id)).all()
            rows = [
                {
                    "id": random_id(),
                    "round_id": round_id,
                    "question": int(b.sealed["question"]),
                    "score": b.sealed.get("score"),
                    "comment": b.sealed.get("comment"),
                }
                for b in ballots
            ]
            random.SystemRandom().shuffle(rows)
            self.session.execute(insert(PollAnswer.__table__), rows)  # type: ignore[attr-defined]
            self.session.execute(delete(PollBallot).where(col(PollBallot.round_id) == round_id))
            self.session.expire_all()
            written += len(rows)
        return written

    def scores(self, round_ids: Sequence[int]) -> Sequence[tuple[int, int]]:
        """(question, score) of every scored answer in the rounds."""
        if not round_ids:
            return []
        statement = select(PollAnswer.question, PollAnswer.score).where(
            col(PollAnswer.round_id).in_(round_ids), col(PollAnswer.score).is_not(None)
        )
        return [(q, int(s)) for q, s in self.session.exec(statement).all() if s is not None]

    def comment_count(self, round_ids: Sequence[int]) -> int:
        if not round_ids:
            return 0
        statement = select(func.count(col(PollAnswer.id))).where(
            col(PollAnswer.round_id).in_(round_ids), PollAnswer.question == COMMENT
        )
        return int(self.session.exec(statement).one())


def vacuum_ballots(engine: Engine) -> None:
    """After sealing, on Postgres: VACUUM ``poll_ballot`` so the deleted ballots' tuples (ciphertext, with
    the transaction ids they share with their markers) leave the table's pages; an empty table is
    truncated. SQLite reuses the freed pages (they held ciphertext only)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM poll_ballot"))
