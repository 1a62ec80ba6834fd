"""/opschalen CODE bestuur <partner> <reden>: procesregie escalates a partner that does not deliver.

The message goes to the partner's management contacts (its members with the role ``management``) or, when
it has none, to the stuurgroep (the management members of the Veiligheidshuis itself); the reply says which.
Each recipient gets an acknowledgement button; reminders follow on the 2nd and 5th working day and then
weekly (``schedules.rules.bestuur_ladder``) until one of them acknowledges. The recipients see the case
code and the reason, never the subject's name or initials (they are not deelnemers of the case).
"""

from __future__ import annotations

from bot.core import Button, CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.dates import format_date
from bot.core.hygiene import echo, is_id
from handlers.casework import require_open, require_procesregie, split_code, visible_case
from handlers.privacy.targets import case_in_args, escalation_in_value
from handlers.reminders import rebuild_ladder
from schedules.rules import Step, bestuur_ladder, key_prefix
from storage.models import Member, Organisation, OrganisationKind, Role
from storage.network.escalation import Escalation
from storage.uow import UnitOfWork

group = CommandGroup("opschalen")

ACK = "bestuur.ack"
KIND = "bestuur"
BESTUUR_WORDS = frozenset({"bestuur", "management", "board"})
MAX_REASON = 1000


def find_partner(uow: UnitOfWork, text: str) -> tuple[Organisation, str]:
    """The organisation the text starts with (its name, or a kind held by one organisation), and the rest."""
    lowered = text.lower()
    organisations = sorted(uow.organisations.list_all(), key=lambda o: -len(o.name))
    for organisation in organisations:
        name = organisation.name.lower()
        if lowered == name or lowered.startswith(name + " "):
            return organisation, text[len(name) :].strip()
    first, _, rest = text.partition(" ")
    of_kind = [o for o in organisations if o.kind == first.lower()]
    if len(of_kind) == 1:
        return of_kind[0], rest.strip()
    known = ", ".join(sorted(o.name for o in organisations if o.kind != OrganisationKind.VHH))
    raise UserError("bestuur.unknown_partner", text=echo(first, 40) or "-", known=known)


def management_of(uow: UnitOfWork, organisation_ids: set[int]) -> list[Member]:
    return [m for m in uow.members.with_role(Role.MANAGEMENT) if m.organisation_id in organisation_ids]


def stuurgroep_ids(uow: UnitOfWork) -> set[int]:
    return {o.id for o in uow.organisations.list_all() if o.kind == OrganisationKind.VHH and o.id is not None}


def escalation_reply(escalation: Escalation, code: str, partner: str, raiser: str, reminder: bool) -> Reply:
    assert escalation.id is not None
    head = "bestuur.reminder" if reminder else "bestuur.message"
    lines = [t(head, code=code, organisation=partner, raiser=raiser, reason=escalation.reason)]
    if escalation.to_stuurgroep:
        lines.append(t("bestuur.via_stuurgroep", organisation=partner))
    return Reply(lines, buttons=[Button(ACK, t("bestuur.b_ack"), value=str(escalation.id))])


@group.command(
    "opschalen",
    aliases=["escalate"],
    roles=[Role.PROCESMANAGER],
    usage=t("bestuur.usage"),
    needs_args=True,
    target=case_in_args,
)
def escalate(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    code, rest = split_code(msg.args)
    word, _, rest = rest.partition(" ")
    if word.lower() not in BESTUUR_WORDS:
        raise UserError("bestuur.usage")
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "opschalen.bestuur")
        require_procesregie(uow, case, member)
        require_open(case)
        partner, reason = find_partner(uow, rest.strip())
        if not reason:
            raise UserError("bestuur.no_reason")
        if len(reason) > MAX_REASON:
            raise UserError("form.too_long", limit=MAX_REASON, length=len(reason))
        assert partner.id is not None and case.id is not None
        recipients = management_of(uow, {partner.id})
        to_stuurgroep = not recipients
        if to_stuurgroep:
            recipients = management_of(uow, stuurgroep_ids(uow))
        recipient_ids = [m.id for m in recipients if m.id is not None and m.id != member.id]
        if not recipient_ids:
            raise UserError("bestuur.nobody", organisation=partner.name)
        escalation = uow.escalations.add(
            Escalation(
                case_id=case.id,
                organisation_id=partner.id,
                raised_by=member.id,
                reason=reason,
                to_stuurgroep=to_stuurgroep,
                created_at=now,
            )
        )
        assert escalation.id is not None
        steps = [Step("sent", now, None), *bestuur_ladder(ctx.clock.today(), ctx.clock.tz)]
        rebuild_ladder(
            uow,
            KIND,
            escalation.id,
            steps,
            recipient_ids,
            lambda step: escalation_reply(
                escalation, case.code, partner.name, member.name, step.offset != "sent"
            ),
            now,
            cases=[case.id],
        )
        ctx.audit("opschalen.bestuur", kind="write", case_id=case.id, detail=f"escalation {escalation.id}")
        names = ", ".join(m.name for m in recipients if m.id in recipient_ids)
        key = "bestuur.sent_stuurgroep" if to_stuurgroep else "bestuur.sent_management"
        reply = Reply(t(key, code=case.code, organisation=partner.name, names=names))
        uow.commit()
    return reply


@group.action(ACK, roles=[Role.MANAGEMENT], target=escalation_in_value)
def acknowledge(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        escalation = uow.escalations.get(int(msg.value)) if is_id(msg.value) else None
        if escalation is None or escalation.id is None:
            raise UserError("core.stale_button")
        allowed = stuurgroep_ids(uow) if escalation.to_stuurgroep else {escalation.organisation_id}
        if member.organisation_id not in allowed:
            raise UserError("core.not_allowed_button")
        case = uow.cases.get(escalation.case_id)
        code = case.code if case else "?"
        if case is not None:
            require_open(case)
        if escalation.acknowledged_at is not None or not uow.escalations.acknowledge(
            escalation.id, member.id, now
        ):
            done = uow.escalations.get(escalation.id)
            by = uow.members.get(done.acknowledged_by) if done and done.acknowledged_by else None
            when = done.acknowledged_at if done and done.acknowledged_at else now
            return Reply(
                t(
                    "bestuur.already",
                    code=code,
                    name=by.name if by else "?",
                    date=format_date(when.astimezone(ctx.clock.tz).date()),
                )
            )
        uow.outbox.cancel_prefix(key_prefix(KIND, escalation.id))
        ctx.notify(
            escalation.raised_by,
            t("bestuur.acked_notice", code=code, name=member.name, organisation=member.organisation_name),
            key=f"{KIND}:{escalation.id}:ack",
            cases=[escalation.case_id],
        )
        ctx.audit(
            "opschalen.ack", kind="write", case_id=escalation.case_id, detail=f"escalation {escalation.id}"
        )
        uow.commit()
    return Reply(t("bestuur.acked", code=code))
