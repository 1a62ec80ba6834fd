"""/triage: the procesmanagers' queue of new signals, and the decision on each one.

A decision is a conditional update (``WHERE status = 'new'``): of two procesmanagers deciding at once one
wins, the other is told who decided what. Outcomes that take a signal in open a case (or link it to the
open case its subject is already known in). The aanmelder always gets the terugkoppeling in a direct message.
"""

from __future__ import annotations

from typing import Any

from bot.core import (
    Button,
    CommandGroup,
    Context,
    Field,
    FieldKind,
    Form,
    Incoming,
    Reply,
    Text,
    UserError,
    t,
)
from bot.core.dates import format_date
from bot.core.hygiene import echo, is_id
from handlers.privacy.need_to_know import known_to
from handlers.privacy.policy import in_group, subject_line
from handlers.privacy.targets import NO_TARGET, signal_in_value, signal_in_values
from handlers.signals.signaal import signal_ref
from storage.cases.tables import CaseEventKind, CaseStatus, RegieKind, Signal, SignalStatus, TriageOutcome
from storage.models import Role
from storage.outbox.forwarding import PERSONAL

group = CommandGroup("triage")

DECIDE = "triage.decide"
REASON_FORM = "triage.reason"
MAX_REASON = 500


def outcome_label(outcome: str) -> Text:
    return t(f"triage.outcome.{outcome}")


def parse_signal_id(text: str) -> int:
    word = text.strip().upper().removeprefix("S-").removeprefix("S")
    if not is_id(word):
        raise UserError("triage.unknown_signal", ref=echo(text))
    return int(word)


def parse_outcome(text: str) -> TriageOutcome:
    word = text.strip().lower().replace("+", "_plus").replace("-", "")
    aliases = {"casusoverleg": "topx", "informatieplus": "informatie_plus", "voorliggend_veld": "voorliggend"}
    word = aliases.get(word, word)
    try:
        return TriageOutcome(word)
    except ValueError:
        raise UserError("triage.unknown_outcome", text=echo(text, 30)) from None


@group.command("triage", roles=[Role.PROCESMANAGER], target=NO_TARGET)
def triage(msg: Incoming, ctx: Context) -> list[Reply]:
    """Bare: the queue. ``/triage S-12 afgewezen <reason>``: decide from the command line."""
    if msg.args:
        parts = msg.args.split(maxsplit=2)
        if len(parts) < 2:
            raise UserError("triage.usage")
        outcome = parse_outcome(parts[1])
        reason = parts[2].strip() if len(parts) > 2 else ""
        if not outcome.opens_case and not reason:
            raise UserError("triage.reason_needed", outcome=outcome_label(outcome))
        return [decide(ctx, parse_signal_id(parts[0]), outcome, reason or None)]
    return show_queue(ctx)


def show_queue(ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        signals = uow.signals.queue()
        if not signals:
            return [Reply(t("triage.empty"))]
        replies: list[Reply] = [Reply(t("triage.title", count=len(signals)))]
        for signal in signals:
            replies.extend(_queue_item(ctx, signal))
        ctx.audit("triage", detail=f"{len(signals)} signals")
    return replies


def _queue_item(ctx: Context, signal: Signal) -> list[Reply]:
    uow = ctx.uow
    assert signal.id is not None
    subjects = uow.signals.subjects(signal.id)
    age = (ctx.clock.today() - signal.created_at.astimezone(ctx.clock.tz).date()).days
    header = t(
        "triage.item",
        ref=signal_ref(signal.id),
        urgency=t(f"signal.urgency.{signal.urgency}"),
        age=t("triage.age_today") if age == 0 else t("triage.age_days", days=age),
        who=subject_line(subjects, full=not in_group(ctx)),
    )
    lines: list[Text | str] = [header]
    if not in_group(ctx):
        reporter = uow.members.get(signal.reporter_id)
        lines.append(
            t(
                "triage.item_details",
                gemeente=signal.gemeente,
                categories=[t(f"signal.category.{c}") for c in signal.categories],
                reporter=reporter.name if reporter else "?",
                date=format_date(signal.created_at.astimezone(ctx.clock.tz).date()),
            )
        )
        lines.append(t("triage.item_description", text=signal.description))
    if signal.matched_case_id is not None and not in_group(ctx):
        # need-to-know (docs/privacy.md): only a deelnemer of that case hears the person is known there
        member = ctx.require_member()
        matched = uow.cases.get(signal.matched_case_id)
        if matched is not None and known_to(ctx, [matched], member.id, member.organisation_id):
            lines.append(t("triage.maybe_known", code=matched.code))
            ctx.audit("triage.maybe_known", case_id=matched.id, detail=signal_ref(signal.id))
    buttons = [Button(DECIDE, outcome_label(o), f"{signal.id}:{o.value}") for o in TriageOutcome]
    return [Reply(lines, buttons=buttons)]


@group.action(DECIDE, roles=[Role.PROCESMANAGER], target=signal_in_value)
def press_decide(msg: Incoming, ctx: Context) -> list[Reply]:
    raw_id, _, raw_outcome = msg.value.partition(":")
    signal_id = parse_signal_id(raw_id)
    outcome = parse_outcome(raw_outcome)
    if outcome.opens_case:
        return [decide(ctx, signal_id, outcome, None)]
    with ctx.uow as uow:
        _refuse_if_decided(ctx, signal_id)
        replies = ctx.forms.start(REASON_FORM, ctx, initial={"signal": signal_id, "outcome": outcome.value})
        uow.commit()
    return replies


def _check_reason(reason: str, ctx: Context) -> None:
    if len(reason) > MAX_REASON:
        raise UserError("form.too_long", limit=MAX_REASON, length=len(reason))


def _submit_reason(values: dict[str, Any], ctx: Context) -> Reply:
    signal = ctx.uow.signals.get(int(values["signal"]))
    if signal is not None and signal.status != SignalStatus.NEW:
        ctx.uow.commit()  # decided meanwhile by someone else: close this form, then say who decided what
    return decide(ctx, int(values["signal"]), TriageOutcome(values["outcome"]), values["reason"])


group.form(
    Form(
        id=REASON_FORM,
        title=t("triage.reason_title"),
        fields=[
            Field.server_set("signal", t("triage.f_signal"), FieldKind.INTEGER),
            Field.server_set("outcome", t("triage.f_outcome")),
            Field.text("reason", t("triage.f_reason"), max_length=MAX_REASON, check=_check_reason),
        ],
        on_submit=_submit_reason,
        roles=frozenset({Role.PROCESMANAGER}),
        confirm=False,
        target=signal_in_values("signal"),
        follow_up_only=True,
    )
)


def _refuse_if_decided(ctx: Context, signal_id: int) -> Signal:
    signal = ctx.uow.signals.get(signal_id)
    if signal is None:
        raise UserError("triage.unknown_signal", ref=signal_ref(signal_id))
    if signal.status != SignalStatus.NEW:
        raise UserError(
            "triage.already_decided",
            ref=signal_ref(signal.id),
            by=_name(ctx, signal.decided_by),
            outcome=outcome_label(signal.outcome or ""),
        )
    return signal


def _name(ctx: Context, member_id: int | None) -> str:
    member = ctx.uow.members.get(member_id) if member_id is not None else None
    return member.name if member else "?"


def decide(ctx: Context, signal_id: int, outcome: TriageOutcome, reason: str | None) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        _refuse_if_decided(ctx, signal_id)
        if not uow.signals.decide(signal_id, outcome, reason, member.id, now):
            _refuse_if_decided(ctx, signal_id)  # someone else won the race: say who and what
        signal = uow.signals.get(signal_id)
        assert signal is not None and signal.id is not None
        ref = signal_ref(signal.id)
        if not outcome.opens_case:
            feedback = t("triage.feedback", ref=ref, outcome=outcome_label(outcome), reason=reason or "")
            answer = t("triage.decided", ref=ref, outcome=outcome_label(outcome))
            ctx.audit("triage", kind="write", detail=f"signal {signal.id}: {outcome}")
        else:
            feedback, answer = _take_in(ctx, signal, outcome)
        ctx.notify(signal.reporter_id, feedback, key=f"signal:{signal.id}:feedback", cases=PERSONAL)
        uow.commit()
    return Reply(answer)


def _take_in(ctx: Context, signal: Signal, outcome: TriageOutcome) -> tuple[Text, Text]:
    """Open a case (the decider holds procesregie, the aanmelder becomes a deelnemer), or link the
    signal to the open case its subject is known in (the aanmelder is not told that case)."""
    uow = ctx.uow
    member = ctx.require_member()
    now = ctx.clock.now()
    assert signal.id is not None
    ref = signal_ref(signal.id)
    known = uow.cases.get(signal.matched_case_id) if signal.matched_case_id else None
    if known is not None and known.id is not None and known.status != CaseStatus.GESLOTEN:
        uow.signals.attach_to_case(signal, known.id)
        uow.cases.add_event(known.id, CaseEventKind.LINKED, now, member.id, signal=ref)
        ctx.audit("triage", kind="write", case_id=known.id, detail=f"signal {signal.id}: {outcome} (linked)")
        return (
            # the same words as a mutatie's terugkoppeling: nothing says the person was known already
            t("signal.taken_up", ref=ref),
            t("triage.linked", ref=ref, code=known.code),
        )
    subjects = uow.signals.subjects(signal.id)
    case = uow.cases.open(
        track=outcome,
        initials=", ".join(s.initials for s in subjects),
        at=now,
        year=ctx.clock.today().year,
        opened_by=member.id,
        signal_id=signal.id,
    )
    assert case.id is not None
    uow.signals.attach_to_case(signal, case.id)
    uow.regie.assign(case.id, RegieKind.PROCESREGIE, member.id, member.organisation_id, now)
    uow.cases.add_participant(case.id, now, member_id=member.id, added_by=member.id)
    uow.cases.add_participant(case.id, now, member_id=signal.reporter_id, added_by=member.id)
    uow.cases.add_event(case.id, CaseEventKind.OPENED, now, member.id, signal=ref, track=outcome.value)
    ctx.audit("triage", kind="write", case_id=case.id, detail=f"signal {signal.id}: {outcome} (opened)")
    return (
        t("triage.feedback_case", ref=ref, outcome=outcome_label(outcome), code=case.code),
        t("triage.opened", ref=ref, code=case.code, outcome=outcome_label(outcome)),
    )
