"""Mutaties: a signal about a subject of an open case goes to that case's regie, not to triage.

Procesregie and casusregie are told at once (outbox); the signal lands in the case timeline; procesregie
chooses with a button: note only, hand to a partner (``/mutatie S-12 @handle``, the partner reports back with
a button), or bring it to the next triage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core import Button, CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.context import encode_reply
from bot.core.hygiene import is_id
from handlers.casework import holds_regie
from handlers.privacy.targets import (
    mutatie_feedback_in_value,
    mutatie_signal_in_args,
    mutatie_signal_in_value,
)
from storage.cases.tables import Case, CaseEventKind, RegieKind, Signal, SignalStatus
from storage.models import Role
from storage.names import initials
from storage.network.flows import MutatieChoice
from storage.uow import UnitOfWork

group = CommandGroup("mutatie")

NOTE, PARTNER, TRIAGE, FEEDBACK = "mutatie.note", "mutatie.partner", "mutatie.triage", "mutatie.feedback"


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
    for key, member_id, payload in mutatie_messages(
        signal.id, case, names, signal.urgency, signal.description, name, holders
    ):
        uow.outbox.add(key, payload, due_at=now, now=now, member_id=member_id)


def mutatie_messages(
    signal_id: int,
    case: Case,
    names: Sequence[str],
    urgency: str,
    description: str,
    reporter: str,
    holders: dict[str, int],
) -> list[tuple[str, int, dict[str, Any]]]:
    """(dedupe key, member id, payload) of the alerts to procesregie (with the choice buttons) and to
    casusregie (when another member); ``holders`` maps a regie kind to the member holding it now."""
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
    if proces is not None:
        buttons = [
            Button(NOTE, t("mutatie.b_note"), value=str(signal_id)),
            Button(PARTNER, t("mutatie.b_partner"), value=str(signal_id)),
            Button(TRIAGE, t("mutatie.b_triage"), value=str(signal_id)),
        ]
        messages.append((f"mutatie:{signal_id}:proces", proces, encode_reply(Reply(text, buttons=buttons))))
    if casus is not None and casus != proces:
        messages.append((f"mutatie:{signal_id}:casus", casus, encode_reply(Reply(text))))
    return messages


def _mutatie_for_procesregie(ctx: Context, raw: str) -> tuple[Signal, Case]:
    member = ctx.require_member()
    word = raw.strip().upper().removeprefix("S-")
    signal = ctx.uow.signals.get(int(word)) if is_id(word) else None
    case = ctx.uow.cases.get(signal.case_id) if signal and signal.case_id else None
    if signal is None or case is None or signal.status not in (SignalStatus.MUTATIE, SignalStatus.NEW):
        raise UserError("mutatie.not_found", ref=raw.strip()[:20])
    if not holds_regie(ctx.uow, case, member, RegieKind.PROCESREGIE):
        raise UserError("case.procesregie_only", code=case.code)
    if signal.status != SignalStatus.MUTATIE or signal.outcome is not None:
        raise UserError("mutatie.already_handled", ref=f"S-{signal.id}")
    return signal, case


def _choose(ctx: Context, signal: Signal, case: Case, choice: MutatieChoice, **params: str) -> None:
    member = ctx.require_member()
    assert case.id is not None
    now = ctx.clock.now()
    if not ctx.uow.mutaties.choose(signal, choice, member.id, now, requeue=choice == MutatieChoice.TRIAGE):
        raise UserError("mutatie.already_handled", ref=f"S-{signal.id}")
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
        signal, case = _mutatie_for_procesregie(ctx, msg.value)
        _choose(ctx, signal, case, MutatieChoice.TRIAGE)
        uow.commit()
    return Reply(t("mutatie.to_triage", ref=f"S-{signal.id}"))


@group.action(PARTNER, target=mutatie_signal_in_value)
def press_partner(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow:
        signal, case = _mutatie_for_procesregie(ctx, msg.value)
    return Reply(t("mutatie.pick_partner", ref=f"S-{signal.id}", code=case.code))


@group.command(
    "mutatie",
    roles=[Role.PROCESMANAGER],
    usage=t("mutatie.usage"),
    needs_args=True,
    target=mutatie_signal_in_args,
)
def hand_to_partner(msg: Incoming, ctx: Context) -> Reply:
    """``/mutatie S-12 @handle``: the partner (a deelnemer of the case) gets it and reports back."""
    member = ctx.require_member()
    words = msg.args.split()
    if len(words) != 2 or not words[1].startswith("@"):
        raise UserError("mutatie.usage")
    with ctx.uow as uow:
        signal, case = _mutatie_for_procesregie(ctx, words[0])
        assert case.id is not None and signal.id is not None
        partner = uow.members.by_handle(words[1])
        if partner is None or partner.id is None or not partner.active:
            raise UserError("mutatie.partner_not_participant", who=words[1], code=case.code)
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
            raise UserError("mutatie.not_found", ref=word[:20])
        if not uow.cases.is_participant(case.id, member.id, member.organisation_id):
            raise UserError("mutatie.not_found", ref=word[:20])
        ref = f"S-{signal.id}"
        proces = uow.regie.current(case.id).get(RegieKind.PROCESREGIE)
        first = ctx.uow.outbox.by_key(f"mutatie:{signal.id}:feedback") is None
        if proces is not None:
            ctx.notify(
                proces.member_id,
                t("mutatie.feedback_alert", ref=ref, code=case.code, who=member.name),
                key=f"mutatie:{signal.id}:feedback",
            )
        if first:
            uow.cases.add_event(
                case.id, CaseEventKind.MUTATIE_FEEDBACK, ctx.clock.now(), member.id, signal=ref
            )
        ctx.audit("mutatie.feedback", kind="write", case_id=case.id, detail=ref)
        uow.commit()
    return Reply(t("mutatie.feedback_ok", ref=ref))
