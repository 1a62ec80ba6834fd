"""Mutaties: a signal about a subject of an open case goes to that case's regie, not to triage.

Procesregie and casusregie are told at once (outbox); the signal lands in the case timeline; procesregie
chooses with a button: note only, hand to a partner (a picker of the case's deelnemers, or
``/mutatie S-12 @handle``; only that partner can report back, with a button), or bring it to the next triage.
A case without procesregie (most cases are held by casusregie alone) sends the alert with the buttons to every
procesmanager, and any of them may choose. The aanmelder hears the choice (terugkoppeling), never the case.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core import Button, CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.context import encode_reply
from bot.core.hygiene import echo, is_id
from handlers.casework import holds_regie, is_closed, require_open
from handlers.privacy.targets import (
    mutatie_feedback_in_value,
    mutatie_signal_before_colon,
    mutatie_signal_in_args,
    mutatie_signal_in_value,
)
from handlers.signals.feedback_time import taken_up_due
from storage.cases.tables import Case, CaseEventKind, RegieKind, Signal, SignalStatus
from storage.models import Member, Role
from storage.names import initials
from storage.network.flows import MutatieChoice
from storage.outbox.forwarding import PERSONAL
from storage.uow import UnitOfWork

group = CommandGroup("mutatie")

NOTE, PARTNER, TRIAGE, FEEDBACK = "mutatie.note", "mutatie.partner", "mutatie.triage", "mutatie.feedback"
HAND_TO = "mutatie.handto"


def route_mutatie(ctx: Context, signal: Signal, case: Case, names: Sequence[str]) -> None:
    """Mark ``signal`` as a mutatie on ``case``, add it to the timeline and tell the regie holders."""
    route_mutatie_in(ctx.uow, ctx.clock.now(), signal, case, names)


def route_mutatie_in(
    uow: UnitOfWork, now: datetime, signal: Signal, case: Case, names: Sequence[str]
) -> None:
    """The same, with only a unit of work (the bulk import has no chat context)."""
    assert signal.id is not None and case.id is not None
    signal.status = SignalStatus.MUTATIE
    signal.matched_case_id = case.id
    signal.case_id = case.id  # its subjects stay on the signal: the case already has this person
    uow.session.add(signal)
    uow.cases.add_event(case.id, CaseEventKind.MUTATIE, now, signal.reporter_id, signal=f"S-{signal.id}")
    reporter = uow.members.get(signal.reporter_id)
    name = reporter.name if reporter else "?"
    holders = {kind: a.member_id for kind, a in uow.regie.current(case.id).items()}
    managers = [m.id for m in uow.members.with_role(Role.PROCESMANAGER) if m.id is not None]
    for key, member_id, payload in mutatie_messages(
        signal.id, case, names, signal.urgency, signal.description, name, holders, managers
    ):
        uow.outbox.add(key, payload, due_at=now, now=now, member_id=member_id, case_ids=[case.id])


def mutatie_messages(
    signal_id: int,
    case: Case,
    names: Sequence[str],
    urgency: str,
    description: str,
    reporter: Text | str,
    holders: dict[str, int],
    managers: Sequence[int] = (),
) -> list[tuple[str, int, dict[str, Any]]]:
    """(dedupe key, member id, payload) of the alerts to procesregie (with the choice buttons) and to
    casusregie (when another member); ``holders`` maps a regie kind to the member holding it now. Without
    procesregie the alert with the buttons goes to every procesmanager in ``managers``."""
    text = t(
        "mutatie.alert",
        ref=f"S-{signal_id}",
        code=case.code,
        initials=", ".join(initials(name) for name in names),
        urgency=t(f"signal.urgency.{urgency}"),
        reporter=reporter,
        description=description,
    )
    proces = holders.get(RegieKind.PROCESREGIE)
    casus = holders.get(RegieKind.CASUSREGIE)
    messages = []
    buttons = [
        Button(NOTE, t("mutatie.b_note"), value=str(signal_id)),
        Button(PARTNER, t("mutatie.b_partner"), value=str(signal_id)),
        Button(TRIAGE, t("mutatie.b_triage"), value=str(signal_id)),
    ]
    if proces is not None:
        messages.append((f"mutatie:{signal_id}:proces", proces, encode_reply(Reply(text, buttons=buttons))))
    else:
        unheld = [text, t("mutatie.no_procesregie")]
        for manager in dict.fromkeys(managers):
            if manager != casus:
                payload = encode_reply(Reply(unheld, buttons=buttons))
                messages.append((f"mutatie:{signal_id}:proces:{manager}", manager, payload))
    if casus is not None and casus != proces:
        casus_buttons = buttons if proces is None and casus in managers else []
        casus_text = [text, t("mutatie.no_procesregie")] if casus_buttons else text
        messages.append(
            (f"mutatie:{signal_id}:casus", casus, encode_reply(Reply(casus_text, buttons=casus_buttons)))
        )
    return messages


def _mutatie_for_procesregie(ctx: Context, raw: str, *, writes: bool = True) -> tuple[Signal, Case]:
    """The undecided mutatie procesregie may choose for. ``writes``: the choice goes on the case, so a
    closed case refuses it (reopen the case, or bring the mutatie to triage as a new signal)."""
    member = ctx.require_member()
    word = raw.strip().upper().removeprefix("S-")
    signal = ctx.uow.signals.get(int(word)) if is_id(word) else None
    case = ctx.uow.cases.get(signal.case_id) if signal and signal.case_id else None
    if signal is None or case is None or signal.status not in (SignalStatus.MUTATIE, SignalStatus.NEW):
        raise UserError("mutatie.not_found", ref=echo(raw))
    assert case.id is not None
    unheld = RegieKind.PROCESREGIE not in ctx.uow.regie.current(case.id)
    if not (
        holds_regie(ctx.uow, case, member, RegieKind.PROCESREGIE)
        or (unheld and member.has_role(Role.PROCESMANAGER))
    ):
        raise UserError("case.procesregie_only", code=case.code)
    if signal.status != SignalStatus.MUTATIE or signal.outcome is not None:
        raise UserError("mutatie.already_handled", ref=f"S-{signal.id}")
    if writes:
        require_open(case, "mutatie.case_closed", ref=f"S-{signal.id}")
    return signal, case


def _choose(ctx: Context, signal: Signal, case: Case, choice: MutatieChoice, **params: str) -> None:
    member = ctx.require_member()
    assert case.id is not None
    now = ctx.clock.now()
    if not ctx.uow.mutaties.choose(signal, choice, member.id, now, requeue=choice == MutatieChoice.TRIAGE):
        raise UserError("mutatie.already_handled", ref=f"S-{signal.id}")
    if not is_closed(case):  # to triage from a closed case: a new signal, nothing goes on the closed case
        ctx.uow.cases.add_event(
            case.id,
            CaseEventKind.MUTATIE_HANDLED,
            now,
            member.id,
            signal=f"S-{signal.id}",
            choice=str(choice),
            **params,
        )
    ctx.audit("mutatie", kind="write", case_id=case.id, detail=f"signal {signal.id}: {choice}")
    # terugkoppeling to the aanmelder: words a triage outcome uses too, never the choice ("overgedragen aan
    # een partner" would say the network already works with the person); a mutatie sent to triage is
    # reported when the triage decides, like any signal; and no sooner than a triage would report it
    # (feedback_time.py: the timing must not tell the aanmelder the person was known)
    if signal.reporter_id != member.id and choice != MutatieChoice.TRIAGE:
        ctx.notify(
            signal.reporter_id,
            t("signal.taken_up", ref=f"S-{signal.id}"),
            key=f"mutatie:{signal.id}:reporter",
            due_at=taken_up_due(ctx, signal),
            cases=PERSONAL,  # the aanmelder's own signal
        )


@group.action(NOTE, target=mutatie_signal_in_value)
def press_note(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        signal, case = _mutatie_for_procesregie(ctx, msg.value)
        _choose(ctx, signal, case, MutatieChoice.NOTE)
        uow.commit()
    return Reply(t("mutatie.noted", ref=f"S-{signal.id}", code=case.code))


@group.action(TRIAGE, target=mutatie_signal_in_value)
def press_triage(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        signal, case = _mutatie_for_procesregie(ctx, msg.value, writes=False)
        _choose(ctx, signal, case, MutatieChoice.TRIAGE)
        uow.commit()
    return Reply(t("mutatie.to_triage", ref=f"S-{signal.id}"))


@group.action(PARTNER, target=mutatie_signal_in_value)
def press_partner(msg: Incoming, ctx: Context) -> Reply:
    """A picker: one button per member deelnemer of the case (not the presser)."""
    member = ctx.require_member()
    with ctx.uow as uow:
        signal, case = _mutatie_for_procesregie(ctx, msg.value)
        assert case.id is not None and signal.id is not None
        buttons = []
        for participant in uow.cases.participants(case.id):
            partner = uow.members.get(participant.member_id) if participant.member_id is not None else None
            if partner is not None and partner.id is not None and partner.active and partner.id != member.id:
                buttons.append(Button(HAND_TO, partner.name, value=f"{signal.id}:{partner.id}"))
        if not buttons:
            return Reply(t("mutatie.pick_partner", ref=f"S-{signal.id}", code=case.code), keeps_buttons=True)
        # only a question: the alert keeps its buttons (a procesmanager may still choose another way)
        return Reply(
            t("mutatie.pick_partner_button", ref=f"S-{signal.id}", code=case.code),
            buttons=buttons,
            keeps_buttons=True,
        )


@group.action(HAND_TO, target=mutatie_signal_before_colon)
def press_hand_to(msg: Incoming, ctx: Context) -> Reply:
    raw_signal, _, raw_member = msg.value.partition(":")
    with ctx.uow:
        partner = ctx.uow.members.get(int(raw_member)) if is_id(raw_member) else None
        return _hand_over(ctx, raw_signal, partner, raw_member)


@group.command(
    "mutatie",
    roles=[Role.PROCESMANAGER],
    usage=t("mutatie.usage"),
    needs_args=True,
    target=mutatie_signal_in_args,
)
def hand_to_partner(msg: Incoming, ctx: Context) -> Reply:
    """``/mutatie S-12 @handle``: the partner (a deelnemer of the case) gets it and reports back."""
    words = msg.args.split()
    if len(words) != 2 or not words[1].startswith("@"):
        raise UserError("mutatie.usage")
    with ctx.uow:
        return _hand_over(ctx, words[0], ctx.uow.members.by_handle(words[1]), words[1])


def _hand_over(ctx: Context, raw_signal: str, partner: Member | None, typed: str) -> Reply:
    member = ctx.require_member()
    uow = ctx.uow
    signal, case = _mutatie_for_procesregie(ctx, raw_signal)
    assert case.id is not None and signal.id is not None
    if partner is None or partner.id is None or not partner.active:
        raise UserError("mutatie.partner_not_participant", who=echo(typed, 40), code=case.code)
    if not uow.cases.is_participant(case.id, partner.id, partner.organisation_id):
        raise UserError("mutatie.partner_not_participant", who=partner.name, code=case.code)
    _choose(ctx, signal, case, MutatieChoice.PARTNER, who=partner.name)
    ctx.notify(
        partner.id,
        t(
            "mutatie.handed",
            ref=f"S-{signal.id}",
            code=case.code,
            by=member.name,
            description=signal.description,
        ),
        key=f"mutatie:{signal.id}:partner",
        buttons=[Button(FEEDBACK, t("mutatie.b_feedback"), value=str(signal.id))],
        cases=[case.id],
    )
    uow.commit()
    return Reply(t("mutatie.handed_ok", ref=f"S-{signal.id}", who=partner.name))


@group.action(FEEDBACK, target=mutatie_feedback_in_value)
def press_feedback(msg: Incoming, ctx: Context) -> Reply:
    """The partner reports back (terugkoppeling): procesregie is told; a second tap changes nothing."""
    member = ctx.require_member()
    word = msg.value.strip()
    with ctx.uow as uow:
        signal = uow.signals.get(int(word)) if is_id(word) else None
        case = uow.cases.get(signal.case_id) if signal and signal.case_id else None
        ctx.concerns(case.id if case else None)  # a refusal below is audited with the case
        if signal is None or case is None or case.id is None or signal.outcome != MutatieChoice.PARTNER:
            raise UserError("mutatie.not_found", ref=echo(word))
        handed = uow.outbox.by_key(f"mutatie:{signal.id}:partner")
        if handed is None or handed.member_id != member.id:  # only the partner it was handed to
            raise UserError("mutatie.not_found", ref=echo(word))
        require_open(case)
        ref = f"S-{signal.id}"
        proces = uow.regie.current(case.id).get(RegieKind.PROCESREGIE)
        told = proces.member_id if proces is not None else signal.decided_by  # else who handed it over
        first = ctx.uow.outbox.by_key(f"mutatie:{signal.id}:feedback") is None
        if told is not None:
            ctx.notify(
                told,
                t("mutatie.feedback_alert", ref=ref, code=case.code, who=member.name),
                key=f"mutatie:{signal.id}:feedback",
                cases=[case.id],
            )
        if first:
            uow.cases.add_event(
                case.id, CaseEventKind.MUTATIE_FEEDBACK, ctx.clock.now(), member.id, signal=ref
            )
        ctx.audit("mutatie.feedback", kind="write", case_id=case.id, detail=ref)
        uow.commit()
    return Reply(t("mutatie.feedback_ok", ref=ref))
