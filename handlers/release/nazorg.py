"""/nazorg: the checklist of basisvoorwaarden of a case's current detention.

``/nazorg CODE`` shows it (with a "geregeld" button per open item) · ``/nazorg CODE ITEM geregeld|nvt|open
[@eigenaar]`` changes one item. Need-to-know: only deelnemers see it. An item is changed by its owner or a
regie holder of the case; only regie holders assign owners, and an owner must be a deelnemer. The buttons
(here and on release alerts) tick an item off and update the pressed message in place; a second press
changes nothing.
"""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, MemberView, Reply, Text, UserError, t
from bot.core.dates import format_date
from bot.core.hygiene import echo, is_id
from handlers.casework import holds_regie, require_open, split_code, visible_case
from handlers.privacy.policy import case_label, present
from handlers.privacy.targets import case_in_args, detention_in_value
from handlers.release.nazorg_text import (
    TICK,
    checklist_lines,
    item_label,
    parse_item,
    parse_status,
    tick_buttons,
)
from storage.cases.tables import Case
from storage.release.detention import Detention
from storage.release.nazorg import NazorgItem, NazorgItemKind, NazorgStatus
from storage.uow import UnitOfWork

group = CommandGroup("nazorg")


@group.command("nazorg", aliases=["aftercare"], usage=t("nazorg.usage"), needs_args=True, target=case_in_args)
def nazorg(msg: Incoming, ctx: Context) -> list[Reply]:
    code, rest = split_code(msg.args)
    words = rest.split()
    if not words:
        return show(ctx, code)
    if len(words) not in (2, 3) or (len(words) == 3 and not words[2].startswith("@")):
        raise UserError("nazorg.usage")
    kind, status = parse_item(words[0]), parse_status(words[1])
    return change(ctx, code, kind, status, words[2] if len(words) == 3 else None)


def _detention(ctx: Context, case: Case) -> Detention:
    assert case.id is not None
    detention = ctx.uow.detentions.latest(case.id)  # nazorg goes on after the release
    if detention is None or detention.id is None:
        raise UserError("detentie.none", code=case_label(case))
    return detention


def checklist_reply(ctx: Context, case: Case, detention: Detention, *, in_place: bool = False) -> Reply:
    assert detention.id is not None
    items = ctx.uow.nazorg.checklist(detention.id)
    owners = {
        m.id: m.name
        for owner_id in {i.owner_id for i in items if i.owner_id is not None}
        if (m := ctx.uow.members.get(owner_id)) is not None and m.id is not None
    }
    lines = [t("nazorg.title", code=case_label(case), release=format_date(detention.release_on))]
    lines += checklist_lines(items, owners)
    # the reply reaches the reader's direct chat (present, or a pressed button's message): only the items
    # they may tick off get a button (their own, or all for a regie holder; _changeable_item decides)
    reader = ctx.require_member()
    if not holds_regie(ctx.uow, case, reader):
        items = [item for item in items if item.owner_id == reader.id]
    return Reply(lines, buttons=tick_buttons(detention.id, items), in_place=in_place)


def _lines(reply: Reply) -> list[Text | str]:
    return list(reply.text) if isinstance(reply.text, list) else [reply.text]  # type: ignore[list-item]


def show(ctx: Context, code: str) -> list[Reply]:
    with ctx.uow as uow:
        case = visible_case(ctx, code, "nazorg")
        reply = checklist_reply(ctx, case, _detention(ctx, case))
        uow.commit()
    return present(ctx, _lines(reply), group_line=case_label(case), buttons=reply.buttons)


def change(
    ctx: Context, code: str, kind: NazorgItemKind, status: NazorgStatus, handle: str | None
) -> list[Reply]:
    member = ctx.require_member()
    now = ctx.clock.now()
    with ctx.uow as uow:
        case = visible_case(ctx, code, "nazorg")
        assert case.id is not None
        require_open(case)
        detention = _detention(ctx, case)
        assert detention.id is not None
        item = _changeable_item(uow, case, detention.id, kind, member)
        if handle is not None:
            if not holds_regie(uow, case, member):
                raise UserError("nazorg.regie_only_owner", code=case.code)
            owner = uow.members.by_handle(handle)
            if owner is None or owner.id is None or not owner.active:
                raise UserError("nazorg.unknown_owner", who=echo(handle, 40))
            if not uow.cases.is_participant(case.id, owner.id, owner.organisation_id):
                raise UserError("nazorg.owner_not_participant", who=owner.name, code=case.code)
            if owner.id != item.owner_id and owner.id != member.id:
                ctx.notify(
                    owner.id,
                    t(
                        "nazorg.owner_told",
                        item=item_label(kind),
                        code=case.code,
                        release=format_date(detention.release_on),
                    ),
                    key=f"nazorg:{item.id}:owner:{now.isoformat()}@{owner.id}",
                    cases=[case.id],
                )
            item.owner_id = owner.id
        item.status, item.updated_by, item.updated_at = status, member.id, now
        uow.nazorg.save(item)
        ctx.audit("nazorg", kind="write", case_id=case.id, detail=f"detention {detention.id} {kind}={status}")
        reply = checklist_reply(ctx, case, detention)
        uow.commit()
    label = t(f"nazorg.status.{status}")
    updated = t("nazorg.updated", item=item_label(kind), code=case_label(case), status=label)
    return present(ctx, [updated, *_lines(reply)], group_line=updated, buttons=reply.buttons)


@group.action(TICK, target=detention_in_value)
def tick(msg: Incoming, ctx: Context) -> Reply:
    """A "geregeld" button, on ``/nazorg`` or on a release alert. The owner or a regie holder may press
    it; pressing it again (or after someone else did) changes nothing and shows the list as it is."""
    member = ctx.require_member()
    raw_id, _, raw_item = msg.value.partition(":")
    if not is_id(raw_id):
        raise UserError("release.not_found")
    kind = parse_item(raw_item)
    with ctx.uow as uow:
        detention = uow.session.get(Detention, int(raw_id))
        case = uow.cases.get(detention.case_id) if detention is not None else None
        ctx.concerns(case.id if case else None)  # a refusal below is audited with the case
        if (
            detention is None
            or case is None
            or case.id is None
            or not uow.cases.is_participant(case.id, member.id, member.organisation_id)
        ):
            ctx.audit("nazorg.tick", case_id=case.id if case else None, outcome="denied", detail=msg.value)
            uow.commit()
            raise UserError("release.not_found")
        assert detention.id is not None
        require_open(case)
        item = _changeable_item(uow, case, detention.id, kind, member)
        if item.status == NazorgStatus.OPEN:
            item.status, item.updated_by, item.updated_at = NazorgStatus.GEREGELD, member.id, ctx.clock.now()
            uow.nazorg.save(item)
            ctx.audit("nazorg.tick", kind="write", case_id=case.id, detail=f"detention {detention.id} {kind}")
        else:
            ctx.audit("nazorg.tick", case_id=case.id, detail=f"detention {detention.id} {kind} unchanged")
        reply = checklist_reply(ctx, case, detention, in_place=True)
        uow.commit()
    return reply


def _changeable_item(
    uow: UnitOfWork, case: Case, detention_id: int, kind: NazorgItemKind, member: MemberView
) -> NazorgItem:
    """The checklist item, when this member may change it: its owner or a regie holder of the case."""
    item = uow.nazorg.item(detention_id, kind)
    if item is None:
        raise UserError("nazorg.no_checklist")
    if item.owner_id != member.id and not holds_regie(uow, case, member):
        raise UserError("nazorg.not_allowed", item=item_label(kind), code=case.code)
    return item
