"""/ik (/whoami): the caller's own member profile; ``/ik naam`` asks the name again (as /aanmelden does)."""

from __future__ import annotations

from typing import Any

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.onboarding.aanmelden import name_form, store_name
from handlers.privacy.need_to_know import form_in_direct
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("ik")

NAME_WORDS = ("naam", "name")
NAME_FORM = "ik.naam"


def save_name(values: dict[str, Any], ctx: Context) -> Reply:
    member = store_name(ctx, str(values["name"]))
    return Reply(t("ik.name_saved", name=member.name))


group.form(name_form(NAME_FORM, save_name))


@group.command("ik", aliases=["whoami"], target=NO_TARGET)
def whoami(msg: Incoming, ctx: Context) -> Reply | list[Reply]:
    member = ctx.require_member()
    if msg.args.strip().lower() in NAME_WORDS:
        with ctx.uow as uow:
            replies = form_in_direct(ctx, lambda c: c.forms.start(NAME_FORM, c))
            uow.commit()
        return replies
    with ctx.uow as uow:
        identities = [f"{i.platform}:{i.external_id}" for i in uow.identities.of_member(member.id)]
    roles = [t(f"role.{role}") for role in sorted(member.roles)]
    return Reply(
        [
            t("ik.title", name=member.name),
            t("ik.organisation", organisation=member.organisation_name),
            t("ik.roles", roles=roles),
            t("ik.language", language=t(f"taal.name_{member.language}")),
            t("ik.identities", identities=", ".join(identities)),
        ]
    )
