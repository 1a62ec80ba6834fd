"""/taal en|nl (/language): the caller's language."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, UserError, t
from bot.core.i18n import LANGUAGES
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("taal")


@group.command("taal", aliases=["language"], usage=t("taal.usage"), needs_args=True, target=NO_TARGET)
def set_language(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    choice = msg.args.strip().lower()
    if choice not in LANGUAGES:
        raise UserError("taal.unknown", language=choice)
    with ctx.uow as uow:
        row = uow.members.get(member.id)
        assert row is not None
        row.language = choice
        uow.session.add(row)
        ctx.audit("taal", kind="write", detail=choice)
        uow.commit()
    ctx.language = choice
    return Reply(t("taal.changed", language=t(f"taal.name_{choice}")))
