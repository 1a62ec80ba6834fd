"""/aanmelden CODE (/join, /start CODE): link a chat identity to a member of an organisation, then ask their
name (the form ``aanmelden.name``; a chat handle or profile name is only offered, never taken unasked)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.core import (
    CommandGroup,
    Context,
    Field,
    FieldKind,
    Form,
    Incoming,
    MemberView,
    Reply,
    Text,
    UserError,
    t,
)
from bot.core.hygiene import MAX_NAME_LENGTH, clean_display_name
from handlers.onboarding.invites import (
    GLOBAL_WINDOW,
    MAX_FAILURES_GLOBAL,
    MAX_FAILURES_PER_HOUR,
    InviteRefused,
    check_invite,
)
from handlers.privacy.need_to_know import form_in_direct
from handlers.privacy.policy import in_group
from handlers.privacy.targets import NO_TARGET

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
def join(msg: Incoming, ctx: Context) -> Reply | list[Reply]:
    code = msg.args.strip()
    if ctx.member is not None:
        return Reply(t("aanmelden.already", name=ctx.member.name, organisation=ctx.member.organisation_name))
    if not code:
        return Reply(t("aanmelden.usage"))
    if in_group(ctx):  # the code is spent by this very message; the name question goes to the direct chat
        replies = form_in_direct(ctx, lambda direct: redeem(code, direct, direct_chat_id=None))
        return [Reply(t("aanmelden.continue_direct")), *replies[1:]]
    return redeem(code, ctx, direct_chat_id=msg.chat_id)


def redeem(code: str, ctx: Context, *, direct_chat_id: str | None) -> list[Reply]:
    """Check the code, register the member under a stand-in name, and ask their name (in ``ctx``'s chat)."""
    msg = ctx.incoming
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
        # until the member answers the question below, the profile's name (cleaned) stands in, unless it is
        # no usable name or another member's: then the chat handle
        name = stand_in_name(msg, ctx)
        member = uow.members.add(name, invite.organisation_id, [invite.role], at=now, language=ctx.language)
        assert member.id is not None
        uow.identities.link(
            member.id,
            msg.platform,
            msg.user_id,
            display_name=msg.user_name,
            direct_chat_id=direct_chat_id,
            at=now,
        )
        invite.used_at = now
        invite.used_by_member_id = member.id
        uow.session.add(invite)
        organisation = uow.organisations.get(invite.organisation_id)
        ctx.audit("aanmelden", kind="write", detail=f"member {member.id} via invite {invite.id}")
        ctx.member = MemberView(
            member.id,
            name,
            invite.organisation_id,
            organisation.name if organisation else "",
            frozenset([invite.role]),
            ctx.language,
        )
        replies = ctx.forms.start(NAME_FORM, ctx)
        uow.commit()
    code_ok = t("aanmelden.code_ok", organisation=ctx.member.organisation_name, role=t(f"role.{invite.role}"))
    offer = (
        [t("aanmelden.name_offer", name=profile)] if (profile := clean_display_name(msg.user_name)) else []
    )
    first = replies[0]
    replies[0] = replace(
        first, text=[code_ok, *offer, *(first.text if isinstance(first.text, list) else [first.text])]
    )
    return replies


# -- the name -----------------------------------------------------------------------------------------

NAME_FORM = "aanmelden.name"
YES = ("ja", "j", "yes", "y")
MIN_LETTERS = 2  # "x" is no name; one word is allowed (not everyone has a last name)
NOT_IN_A_NAME = ("@", "<", ">", "://", "www.", "#", "*", "_", "`", "|", "[", "]")
RESERVED = frozenset(
    {"ketenbot", "beheerder", "admin", "administrator", "procesmanager", "voorzitter", "bot"}
)


def offered_name(ctx: Context) -> str | None:
    """The chat profile's name as it was when this identity was linked (what the question offered)."""
    identity = ctx.uow.identities.find(ctx.incoming.platform, ctx.incoming.user_id)
    return clean_display_name(identity.display_name) if identity is not None else None


def stand_in_name(msg: Incoming, ctx: Context) -> str:
    profile = clean_display_name(msg.user_name)
    if profile is not None:
        try:
            return parse_name(profile, ctx)
        except UserError:
            pass
    return msg.user_id[:MAX_NAME_LENGTH]


def same_name(name: str) -> str:
    """A name as two members may not share it: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def refuse_a_taken_name(name: str, ctx: Context) -> None:
    """Nobody may take the name of another active member (posing as a colleague)."""
    own = ctx.member.id if ctx.member is not None else None
    wanted = same_name(name)
    for other in ctx.uow.members.list_all(include_revoked=False):
        if other.id != own and same_name(other.name) == wanted:
            raise UserError("aanmelden.name_taken", name=name)


def parse_name(text: str, ctx: Context) -> str:
    """A member's name as colleagues see it: the display-name cleaning (bot.core.hygiene), then refused when
    it is empty, too long, has no letter, looks like markup, a mention, a link or a command, or poses as the
    bot or a role. ``ja`` takes the name the chat profile offered (``offered_name``)."""
    if text.strip().lower() in YES and (profile := offered_name(ctx)):
        text = profile
    if len(text.strip()) > MAX_NAME_LENGTH:
        raise UserError("form.too_long", limit=MAX_NAME_LENGTH, length=len(text.strip()))
    name = clean_display_name(text)
    if name is None:
        raise UserError("aanmelden.name_empty")
    lowered = name.lower()
    if (
        not any(ch.isalpha() for ch in name)
        or name.startswith("/")
        or any(mark in lowered for mark in NOT_IN_A_NAME)
        or lowered in RESERVED
    ):
        raise UserError("aanmelden.name_bad")
    if sum(ch.isalpha() for ch in name) < MIN_LETTERS:
        raise UserError("aanmelden.name_short", letters=MIN_LETTERS)
    refuse_a_taken_name(name, ctx)
    return name


def name_field() -> Field:
    """The question for a member's own name (``/aanmelden``, ``/ik naam``)."""
    field = Field.custom("name", t("aanmelden.name_question"), FieldKind.TEXT, parse_name)
    return replace(field, max_length=MAX_NAME_LENGTH)


def name_form(
    form_id: str,
    on_submit: Callable[[dict[str, Any], Context], Reply | list[Reply]],
    on_cancel: Callable[[Context], Text] | None = None,
) -> Form:
    """The one-question form that asks a member's own name (``/aanmelden``, ``/ik naam``)."""
    return Form(
        id=form_id,
        title=t("aanmelden.name_title"),
        fields=[name_field()],
        on_submit=on_submit,
        on_cancel=on_cancel,
        confirm=False,
        target=NO_TARGET,  # the member's own name: no other object
        follow_up_only=True,  # asked after /aanmelden or /ik naam: never a name change on its own
    )


def store_name(ctx: Context, name: str) -> MemberView:
    """Save the member's name (audited); the member as they are now."""
    member = ctx.require_member()
    with ctx.uow as uow:
        row = uow.members.get(member.id)
        assert row is not None
        row.name = name
        uow.session.add(row)
        ctx.audit("naam", kind="write", detail=f"member {member.id}")
        uow.commit()
    return replace(member, name=name)


def welcome(values: dict[str, Any], ctx: Context) -> list[Reply]:
    member = store_name(ctx, str(values["name"]))
    roles = [t(f"role.{role}") for role in sorted(member.roles)]
    organisation = member.organisation_name
    return [
        Reply(
            [
                t("aanmelden.welcome", name=member.name, organisation=organisation, role=roles),
                t("aanmelden.next"),
            ]
        )
    ]


def name_kept(ctx: Context) -> Text:
    """/stop at the name question: the member is registered already, under the stand-in name."""
    return t("aanmelden.name_kept", name=ctx.require_member().name)


group.form(name_form(NAME_FORM, welcome, name_kept))
