"""The yearly partner poll: start a round (every active member gets question 1 through the outbox) when
one is due, that is from the configured month on, when no round was started yet this calendar year.

``start_round`` is also what ``ketenbot poll start`` calls. Keys: ``poll:<round>:q1@<member>``.
``seal_closed_rounds`` (the same daily job, and every report) writes a closed round's sealed ballots to the
answers table in a random order (``storage.network.poll``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.types import Button, Reply
from storage.network.poll import vacuum_ballots
from storage.outbox.forwarding import PERSONAL
from storage.uow import UnitOfWork

QUESTIONS = (1, 2, 3)
SCORES = (1, 2, 3, 4, 5)
ANSWER = "poll.answer"


def question_reply(round_id: int, question: int, *, first: bool = False) -> Reply:
    """Question ``question`` of the round with buttons 1-5 (value ``round:question:score``)."""
    lines = [t("poll.intro")] if first else []
    lines.append(t("poll.question", number=question, total=len(QUESTIONS), text=t(f"poll.q{question}")))
    lines.append(t("poll.scale"))
    buttons = [Button(ANSWER, str(score), value=f"{round_id}:{question}:{score}") for score in SCORES]
    return Reply(lines, buttons=buttons)


class RoundStillOpen(Exception):
    """A round is still open: one round at a time (two would let answers be told apart by round)."""

    def __init__(self, round_id: int, closes_at: datetime) -> None:
        super().__init__(f"round {round_id} is open until {closes_at:%Y-%m-%d %H:%M} UTC")
        self.round_id = round_id
        self.closes_at = closes_at


def start_round(uow: UnitOfWork, now: datetime, open_weeks: int) -> tuple[int, int]:
    """A new round: question 1 to every active member, useful until the round closes. (round id, members)
    Raises ``RoundStillOpen`` while another round is open."""
    with uow:
        current = uow.polls.open_round(now)
        if current is not None and current.id is not None:
            raise RoundStillOpen(current.id, current.closes_at)
        closes = now + timedelta(weeks=open_weeks)
        poll_round = uow.polls.start_round(now, closes)
        assert poll_round.id is not None
        members = [m.id for m in uow.members.list_all(include_revoked=False) if m.id is not None]
        payload = encode_reply(question_reply(poll_round.id, 1, first=True))
        for member_id in members:
            uow.outbox.add(
                f"poll:{poll_round.id}:q1@{member_id}",
                payload,
                due_at=now,
                now=now,
                member_id=member_id,
                expires_at=closes,
                case_ids=PERSONAL,  # each member's own ballot: a deputy's press would answer as the deputy
            )
        poll_round.members = len(members)
        uow.session.add(poll_round)
        uow.commit()
        return poll_round.id, len(members)


def is_due(uow: UnitOfWork, now: datetime, tz: ZoneInfo, month: int, *, any_month: bool = False) -> bool:
    """From ``month`` on (``any_month``: already before it), when no round was started this year."""
    if month == 0:
        return False
    local = now.astimezone(tz)
    if local.month < month and not any_month:
        return False
    with uow:
        last = uow.polls.last_round()
    return last is None or last.started_at.astimezone(tz).year < local.year


def seal_closed_rounds(uow: UnitOfWork, now: datetime) -> int:
    """Seal every closed round's ballots (one transaction), then let Postgres drop the dead ballot tuples."""
    with uow:
        written = uow.polls.seal_closed(now)
        uow.commit()
    vacuum_ballots(uow.engine)  # also after a report sealed the round: the job is when the table is cleaned
    return written


def run_poll_if_due(
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    tz: ZoneInfo,
    month: int,
    open_weeks: int,
    *,
    any_month: bool = False,
) -> int:
    """The scheduler's daily job: seal closed rounds, start this year's round when due; returns how many
    members were asked. ``any_month``: a forced run by hand (``ketenbot jobs run partner_poll --forceer``)
    before the month."""
    seal_closed_rounds(uow_factory(), now)
    if not is_due(uow_factory(), now, tz, month, any_month=any_month):
        return 0
    try:
        return start_round(uow_factory(), now, open_weeks)[1]
    except RoundStillOpen:  # a round started by hand is still open: this year's poll is that one
        return 0
