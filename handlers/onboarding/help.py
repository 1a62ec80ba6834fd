"""/help: the commands the caller may use now (role, and a command's ``may_use`` check), in their language."""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, Text, t
from handlers.privacy.targets import NO_TARGET

group = CommandGroup("help")


@group.command("help", aliases=["hulp"], public=True, target=NO_TARGET)
def show_help(msg: Incoming, ctx: Context) -> Reply:
    if ctx.member is None:
        return Reply(t("core.unknown_identity"))
    member = ctx.member
    # the role's commands, minus those this member cannot use now (``may_use``: e.g. regie somewhere)
    commands = [
        c for c in (ctx.commands(member.roles) if ctx.commands else []) if c.usable_by(member, ctx.uow)
    ]
    lines: list[Text | str] = [t("help.title")]
    for command in sorted(commands, key=lambda c: c.name):
        aliases = " ".join(f"/{a}" for a in command.aliases)
        parts = command.help_parts(member, ctx.uow)  # sub-commands only for those who may use them
        description: Text | str = parts[0] if parts else ""
        if len(parts) > 1:
            description = t("help.more", base=parts[0], more=parts[1:])
        lines.append(
            t(
                "help.line",
                command=command.name,
                aliases=f" ({aliases})" if aliases else "",
                description=description,
            )
        )
    return Reply(lines)
