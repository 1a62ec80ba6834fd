"""/stop (/annuleer, /cancel): cancel the open form in this chat."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, t
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("stop")


@group.command("stop", aliases=["annuleer", "cancel"], target=NO_TARGET)
def stop_form(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        active = ctx.forms.active(ctx)
        if active is None:
            return Reply(t("form.stopped_nothing"))
        ctx.forms.cancel(ctx)
        uow.commit()
    return Reply(active[0].cancelled(ctx))
