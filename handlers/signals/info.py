"""/info (informatieverzoek): ``/info <name or case code> [deadline]`` from a partner, e.g. OM at ZSM.

Routed to every procesmanager with the bot's own lookup (they may see matches); the first to answer decides.
The asker learns only "bekend, neem contact op met <procesmanager>" or "niet bekend" — never case content.
An unanswered request is escalated one hour before the deadline (default: 17:00 local on the working day).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_datetime, parse_datetime
from bot.core.hygiene import echo, is_id
from handlers.casework import CASE_CODE, organisation_name, reach
from handlers.privacy.need_to_know import answer_in_direct, known_to
from handlers.privacy.targets import NO_TARGET, info_request_in_value
from storage.cases.tables import Case
from storage.models import Role
from storage.names import name_key
from storage.network.flows import InfoAnswer, InfoRequest, InfoStatus
from storage.outbox.forwarding import PERSONAL, Personal

group = CommandGroup("info")

KNOWN, UNKNOWN = "info.known", "info.unknown"
END_OF_DAY = time(17, 0)
ESCALATE_BEFORE = timedelta(hours=1)
_HAS_DIGIT = re.compile(r"[0-9]")
# a word that can only be meant as (part of) a deadline: a time (99:99, 9.30, 14u) or a date (31-02-2026,
# 2026-02-30T10:00); when it does not parse, it is refused rather than read as part of the name
_TIME_LIKE = re.compile(r"[0-9]{1,3}[:.][0-9]{1,3}|[0-9]{1,3}(?:u|uur|h|am|pm)", re.IGNORECASE)
_DATE_LIKE = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,4})?(?:t[0-9:.]*)?", re.IGNORECASE)


def default_deadline(now: datetime, ctx: Context) -> datetime:
    """17:00 local today on a working day before 16:00; otherwise 17:00 on the next working day."""
    local = now.astimezone(ctx.clock.tz)
    day = local.date()
    if local.weekday() >= 5 or local.time() >= (datetime.combine(day, END_OF_DAY) - ESCALATE_BEFORE).time():
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return datetime.combine(day, END_OF_DAY, tzinfo=ctx.clock.tz)


def split_deadline(args: str, ctx: Context) -> tuple[str, datetime]:
    """The query and the deadline: trailing words with a digit (``15:00``, ``morgen 12:00``). A trailing
    word that looks like a time or a date but is none (``99:99``, ``31-02-2026 10:00``) is refused: it is
    never swallowed into the name."""
    words = args.split()
    now = ctx.clock.now()
    for take in (2, 1):
        tail = words[-take:]
        if len(words) > take and all(_HAS_DIGIT.search(w) for w in tail[-1:]):
            try:
                when = parse_datetime(" ".join(tail), now, ctx.clock.tz).value
            except UserError as error:
                if _looks_like_a_deadline(tail[0]):
                    raise _bad_deadline(error) from None
                continue
            if when <= now:
                raise UserError("info.deadline_past")
            return " ".join(words[:-take]), when
    return " ".join(words), default_deadline(now, ctx)


def _looks_like_a_deadline(word: str) -> bool:
    return bool(_TIME_LIKE.fullmatch(word) or _DATE_LIKE.fullmatch(word))


def _bad_deadline(error: UserError) -> UserError:
    """What the date parser found wrong, and that nothing was sent (the usage repeated)."""
    return UserError("info.bad_deadline", reason=Text(error.key, error.params))


def lookup(ctx: Context, query: str) -> list[Case]:
    """Open cases the query points at (by code, or by the known-person check on the name)."""
    uow = ctx.uow
    if CASE_CODE.match(query):
        case = uow.cases.by_code(query.upper())
        return [case] if case is not None else []
    return list(uow.cases.known_person(query, None))


@group.command("info", usage=t("info.usage"), needs_args=True, target=NO_TARGET)
def info(msg: Incoming, ctx: Context) -> list[Reply]:
    member = ctx.require_member()
    query, deadline = split_deadline(msg.args, ctx)
    query = " ".join(query.split())
    if not CASE_CODE.match(query) and not name_key(query):
        raise UserError("info.usage")
    if len(query) > 120:
        raise UserError("form.too_long", limit=120, length=len(query))
    now = ctx.clock.now()
    with ctx.uow as uow:
        request = uow.info_requests.add(
            InfoRequest(
                asker_id=member.id,
                organisation_id=member.organisation_id,
                query=query,
                deadline=deadline,
                created_at=now,
            )
        )
        assert request.id is not None
        matches = lookup(ctx, query)
        shown = format_datetime(deadline, ctx.clock.tz)
        request_line = [
            t(
                "info.pm_request",
                ref=f"I-{request.id}",
                query=query,
                asker=member.name,
                organisation=member.organisation_name,
                deadline=shown,
            ),
        ]
        buttons = [
            Button(KNOWN, t("info.b_known"), value=str(request.id)),
            Button(UNKNOWN, t("info.b_unknown"), value=str(request.id)),
        ]
        escalate_at = max(now, deadline - ESCALATE_BEFORE)
        for manager in uow.members.with_role(Role.PROCESMANAGER):
            assert manager.id is not None
            # need-to-know (docs/privacy.md): each procesmanager hears only of cases they are a deelnemer of
            theirs = known_to(ctx, matches, manager.id, manager.organisation_id)
            found: Text = (
                t("info.pm_matches", codes=", ".join(c.code for c in theirs))
                if theirs
                else t("info.pm_no_match")
            )
            text = [*request_line, found]
            # never forwarded (storage/outbox/forwarding.py): it names a person, asks the procesmanager to
            # answer in that role, and every procesmanager has a copy of their own anyway
            ctx.notify(
                manager.id, text, key=f"info:{request.id}:ask:{manager.id}", buttons=buttons, cases=PERSONAL
            )
            ctx.notify(
                manager.id,
                [t("info.escalation", ref=f"I-{request.id}", deadline=shown), *text],
                key=f"info:{request.id}:escalate:{manager.id}",
                buttons=buttons,
                due_at=escalate_at,
                cases=PERSONAL,
            )
        ctx.audit("info", kind="write", detail=f"info request {request.id}")
        uow.commit()
    return answer_in_direct(ctx, [Reply(t("info.sent", ref=f"I-{request.id}", deadline=shown))])


def _answer(msg: Incoming, ctx: Context, answer: InfoAnswer) -> Reply:
    member = ctx.require_member()
    word = msg.value.strip()
    with ctx.uow as uow:
        request = uow.info_requests.get(int(word)) if is_id(word) else None
        if request is None:
            raise UserError("info.not_found", ref=f"I-{echo(word)}")
        ref = f"I-{request.id}"
        if request.status != InfoStatus.OPEN or not uow.info_requests.answer(
            request, answer, member.id, ctx.clock.now()
        ):
            raise UserError("info.already_answered", ref=ref)
        uow.outbox.cancel_prefix(f"info:{request.id}:escalate:")
        reply_text = (
            t(
                "info.answer_known",
                ref=ref,
                query=request.query,
                name=member.name,
                organisation=organisation_name(uow, member.id),
                reach=reach(uow, member.id),
            )
            if answer == InfoAnswer.KNOWN
            else t("info.answer_unknown", ref=ref, query=request.query)
        )
        # "known" is about the cases the query points at: a deputy gets it only when they may know all of
        # them; "unknown" (and "known" where none is found) names a person and no case: never forwarded
        about: list[int] | Personal = PERSONAL
        if answer == InfoAnswer.KNOWN:
            about = [c.id for c in lookup(ctx, request.query) if c.id is not None] or PERSONAL
        ctx.notify(request.asker_id, reply_text, key=f"info:{request.id}:answer", cases=about)
        ctx.audit("info.answer", kind="write", detail=f"info request {request.id}: {answer}")
        uow.commit()
    return Reply(t("info.answered", ref=ref))


@group.action(KNOWN, roles=[Role.PROCESMANAGER], target=info_request_in_value)
def press_known(msg: Incoming, ctx: Context) -> Reply:
    return _answer(msg, ctx, InfoAnswer.KNOWN)


@group.action(UNKNOWN, roles=[Role.PROCESMANAGER], target=info_request_in_value)
def press_unknown(msg: Incoming, ctx: Context) -> Reply:
    return _answer(msg, ctx, InfoAnswer.UNKNOWN)
