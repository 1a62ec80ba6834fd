"""/aanmelden CODE (/join, /start CODE): link a chat identity to a member of an organisation."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core import CommandGroup, Context, Incoming, Reply, UserError, t
from handlers.onboarding.invites import (
    GLOBAL_WINDOW,
    MAX_FAILURES_GLOBAL,
    MAX_FAILURES_PER_HOUR,
    InviteRefused,
    check_invite,
)
from handlers.privacy.targets import NO_TARGET
from storage.models import Role

group = CommandGroup("aanmelden")
log = logging.getLogger(__name__)


@group.command(
    "aanmelden",
    aliases=["join", "start"],
    public=True,
    usage=t("aanmelden.usage"),
    hidden=True,
    target=NO_TARGET,
)
def join(msg: Incoming, ctx: Context) -> Reply:
    code = msg.args.strip()
    if ctx.member is not None:
        return Reply(t("aanmelden.already", name=ctx.member.name, organisation=ctx.member.organisation_name))
    if not code:
        return Reply(t("aanmelden.usage"))
    uow = ctx.uow
    now = ctx.clock.now()
    with uow:
        failures = uow.invites.failures_since(msg.platform, msg.user_id, now - timedelta(hours=1))
        if failures >= MAX_FAILURES_PER_HOUR:
            raise UserError("aanmelden.too_many_attempts")
        if uow.invites.all_failures_since(now - GLOBAL_WINDOW) >= MAX_FAILURES_GLOBAL:
            log.warning(
                "invite redemption paused: %d or more wrong codes in the last %d minutes, from any identity; "
                "attempt by %s refused (beheerder: check `ketenbot audit` for aanmelden)",
                MAX_FAILURES_GLOBAL,
                GLOBAL_WINDOW.total_seconds() // 60,
                msg.platform,
            )
            raise UserError("aanmelden.paused")
        try:
            invite = check_invite(uow, code, now)
        except InviteRefused as refused:
            uow.invites.record_failure(msg.platform, msg.user_id, now)
            ctx.audit("aanmelden", kind="write", detail=f"invite refused: {refused.reason}")
            uow.commit()
            raise UserError("invite.wrong") from None
        name = (msg.user_name or msg.user_id).strip()[:120]
        member = uow.members.add(name, invite.organisation_id, [invite.role], at=now, language=ctx.language)
        assert member.id is not None
        uow.identities.link(
            member.id,
            msg.platform,
            msg.user_id,
            display_name=msg.user_name,
            direct_chat_id=msg.chat_id if msg.chat_kind == "direct" else None,
            at=now,
        )
        invite.used_at = now
        invite.used_by_member_id = member.id
        uow.session.add(invite)
        organisation = uow.organisations.get(invite.organisation_id)
        ctx.audit("aanmelden", kind="write", detail=f"member {member.id} via invite {invite.id}")
        uow.commit()
        return Reply(
            [
                t(
                    "aanmelden.welcome",
                    name=name,
                    organisation=organisation.name if organisation else "",
                    role=t(f"role.{Role(invite.role).value}"),
                ),
                t("aanmelden.next"),
            ]
        )
