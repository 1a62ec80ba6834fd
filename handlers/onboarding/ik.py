"""/ik (/whoami): the caller's own member profile."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("ik")


@group.command("ik", aliases=["whoami"], target=NO_TARGET)
def whoami(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
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
