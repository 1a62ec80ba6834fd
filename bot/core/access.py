"""The one gate: who may use an entry point, and which object it must be able to see.

Every command, button action, form and upload is registered with its roles and a ``target`` declaration
(``target=`` on ``@group.command``, ``@group.action``, ``@group.upload`` and ``Form(...)``). The router runs
the gate for every entry point — a command (also one expanded from a details-in-privé link), a press, a
stepwise form answer, a whole-form submission, an upload — before any handler code runs:

1. the member: an unknown or revoked chat identity gets only the registration hint;
2. the role: ``roles`` (None: any active member);
3. the target: ``target(incoming, ctx, values)`` raises a ``UserError`` when the object the input names (a
   case, signal, meeting, detention, poll round, ...) is unknown *or* not visible to this member, with one
   and the same refusal for both; ``NO_TARGET`` declares that the entry point names no such object.

A group whose entry point leaves ``target`` undeclared cannot be built into a router (``undeclared``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from bot.core.context import Context, MemberView
    from bot.core.types import Incoming
    from storage.uow import UnitOfWork

TargetCheck = Callable[["Incoming", "Context", Mapping[str, Any]], None]
"""Raises ``UserError`` when the object named by the input (args, button value, form values) is unknown or
not visible to ``ctx.member``; the same refusal for both."""


MayUse = Callable[["MemberView", "UnitOfWork"], bool]
"""Whether a member may use a command *now*, beyond its roles (``may_use=`` on ``@group.command``): e.g. a
command whose changes only regie holders may make is for a member who holds regie somewhere. ``/help`` lists
a command only for a member it allows; it is no gate (the handler and ``target=`` still decide per case)."""


class _Undeclared:
    def __repr__(self) -> str:
        return "UNDECLARED"


class _NoTarget:
    def __repr__(self) -> str:
        return "NO_TARGET"


UNDECLARED: Final = _Undeclared()
NO_TARGET: Final = _NoTarget()

TargetDecl = TargetCheck | _NoTarget
"""What a registration declares: a check, or ``NO_TARGET``."""


def run_target(
    target: TargetDecl | _Undeclared,
    incoming: Incoming,
    ctx: Context,
    values: Mapping[str, Any],
) -> None:
    """Run a declared target check (the router calls this after the role check)."""
    if isinstance(target, _Undeclared):  # the router refuses to build with one; never reached in use
        raise RuntimeError("entry point without a target declaration")
    if isinstance(target, _NoTarget):
        return
    target(incoming, ctx, values)


def roles_allow(roles: frozenset[str] | None, member_roles: frozenset[str]) -> bool:
    return roles is None or bool(roles & member_roles)
