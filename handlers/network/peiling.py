"""The partner poll (peiling): answering with the buttons 1-5, and ``/peiling <opmerking>`` for a comment.

Answers are anonymous: the answer row has no member and no time, and is written only when the round has
closed, with all the round's answers in a random order (a sealed ballot until then: storage.network.poll); a
separate marker (round, member, question) refuses a second answer. A score outside 1-5 or a closed round is
refused and nothing is written.
Rounds are started by the scheduler (``schedules.poll``) or ``ketenbot poll start``; one is open at a time.
The poll is answered in a direct chat only: in a group, who answers (and a comment) would be seen by all.
"""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.hygiene import MAX_ID, parse_bounded
from handlers.privacy.targets import NO_TARGET, poll_round_in_value
from schedules.poll import ANSWER, QUESTIONS, SCORES, question_reply
from storage.network.poll import COMMENT, PollRound

group = CommandGroup("peiling")

MAX_COMMENT = 1000


def open_round(ctx: Context, round_id: int | None = None) -> PollRound:
    uow = ctx.uow
    poll_round = uow.polls.get(round_id) if round_id is not None else uow.polls.last_round()
    if poll_round is None or poll_round.id is None:
        raise UserError("poll.none_open")
    if poll_round.closes_at <= ctx.clock.now():
        raise UserError("poll.closed")
    return poll_round


def refuse_in_group(msg: Incoming) -> None:
    if msg.chat_kind != "direct":
        raise UserError("poll.direct_only")


def parse_answer(value: str) -> tuple[int, int, int]:
    parts = value.split(":")
    numbers = [parse_bounded(p, -MAX_ID, MAX_ID) for p in parts]
    if len(parts) != 3 or None in numbers:
        raise UserError("core.stale_button")
    round_id, question, score = (int(n or 0) for n in numbers)
    if question not in QUESTIONS:
        raise UserError("core.stale_button")
    if score not in SCORES:
        raise UserError("poll.bad_score", score=score)
    return round_id, question, score


@group.action(ANSWER, target=poll_round_in_value)
def answer(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    refuse_in_group(msg)
    round_id, question, score = parse_answer(msg.value)
    with ctx.uow as uow:
        poll_round = open_round(ctx, round_id)
        assert poll_round.id is not None
        if not uow.polls.answer(poll_round.id, member.id, question, score=score):
            raise UserError("poll.already", number=question)
        uow.commit()
    if question < QUESTIONS[-1]:
        return question_reply(round_id, question + 1)
    return Reply(t("poll.thanks"))


@group.command("peiling", aliases=["poll"], usage=t("poll.usage"), needs_args=True, target=NO_TARGET)
def comment(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    refuse_in_group(msg)
    text = " ".join(msg.args.split())
    if len(text) > MAX_COMMENT:
        raise UserError("form.too_long", limit=MAX_COMMENT, length=len(text))
    with ctx.uow as uow:
        poll_round = open_round(ctx)
        assert poll_round.id is not None
        if not uow.polls.answer(poll_round.id, member.id, COMMENT, score=None, comment=text):
            raise UserError("poll.already_comment")
        uow.commit()
    return Reply(t("poll.comment_saved"))
