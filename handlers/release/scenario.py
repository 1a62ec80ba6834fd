"""/scenario: the case's pre-planned scenario for an unexpected release (who does what in the first hours).

``/scenario CODE`` shows it (or the network's default when the case has none) · ``/scenario CODE TEXT``
sets it (regie holders). Stored encrypted; in a group chat only the case code shows, the text goes to the
asker's direct chat. ``/detentie CODE vrij`` sends it to everyone involved.
"""

from __future__ import annotations

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from handlers.casework import (
    deelnemer_somewhere_or,
    holds_regie,
    regie_somewhere_or,
    require_open,
    split_code,
    visible_case,
)
from handlers.privacy.policy import case_label, present
from handlers.privacy.targets import case_in_args
from storage.models import Role
from storage.uow import UnitOfWork

group = CommandGroup("scenario")

MAX_SCENARIO = 2000


def scenario_text(uow: UnitOfWork, case_id: int, default: str | None) -> tuple[Text | str, bool]:
    """The case's own scenario, else the network default (the ``KETENBOT_RELEASE_SCENARIO`` setting, else
    the catalogue's ``scenario.default``); the flag says whether it is the case's own."""
    own = uow.nazorg.scenario(case_id)
    if own is not None:
        return own.text, True
    return (default if default else t("scenario.default")), False


@group.command(
    "scenario",
    usage=t("scenario.usage"),
    needs_args=True,
    target=case_in_args,
    may_use=deelnemer_somewhere_or(Role.PROCESMANAGER),  # /help: any deelnemer views it
    more_help=[(regie_somewhere_or(Role.PROCESMANAGER), t("help.scenario_regie"))],  # setting: regie
)
def scenario(msg: Incoming, ctx: Context) -> list[Reply]:
    member = ctx.require_member()
    code, rest = split_code(msg.args)
    with ctx.uow as uow:
        case = visible_case(ctx, code, "scenario")
        assert case.id is not None
        if rest:
            require_open(case)
            if not holds_regie(uow, case, member):
                raise UserError("scenario.regie_only", code=case.code)
            if len(rest) > MAX_SCENARIO:
                raise UserError("form.too_long", limit=MAX_SCENARIO, length=len(rest))
            uow.nazorg.set_scenario(case.id, rest, member.id, ctx.clock.now())
            ctx.audit("scenario", kind="write", case_id=case.id)
            uow.commit()
            return [Reply(t("scenario.saved", code=case_label(case)))]
        text, own = scenario_text(uow, case.id, ctx.config.release_scenario)
        uow.commit()
    lines: list[Text | str] = [t("scenario.show", code=case_label(case)), text]
    if not own:
        lines.append(t("scenario.default_used"))
    return present(ctx, lines, group_line=case_label(case))
