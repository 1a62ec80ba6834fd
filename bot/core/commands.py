"""Command groups: each handler module declares its commands, button actions and forms on one group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.access import UNDECLARED, MayUse, TargetDecl, _Undeclared
from bot.core.context import Context, MemberView
from bot.core.forms import Form
from bot.core.i18n import Text
from bot.core.types import Incoming, Reply
from storage.uow import UnitOfWork

HandlerResult = Reply | Sequence[Reply] | None
Handler = Callable[[Incoming, Context], HandlerResult]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    roles: frozenset[str] | None = None  # None: any active member
    public: bool = False  # also for chat identities that are not linked yet
    usage: Text | None = None  # shown for a bare command when args are required
    needs_args: bool = False
    description: Text | None = None
    hidden: bool = False
    target: TargetDecl | _Undeclared = UNDECLARED  # bot.core.access: checked by the router's gate
    may_use: MayUse | None = None  # bot.core.access: beyond the role, whether /help lists it for a member
    # /help: more of the description (its sub-commands), each shown only to members its check allows
    more_help: tuple[tuple[MayUse, Text], ...] = ()

    def allowed(self, roles: frozenset[str] | None) -> bool:
        if roles is None:
            return self.public
        return self.roles is None or bool(self.roles & roles)

    def usable_by(self, member: MemberView, uow: UnitOfWork) -> bool:
        """The role allows it, and so does the per-member check (``may_use``), if the command has one."""
        return self.allowed(member.roles) and (self.may_use is None or self.may_use(member, uow))

    def help_parts(self, member: MemberView, uow: UnitOfWork) -> list[Text]:
        """The description for ``/help``: the base, then each ``more_help`` part this member may use."""
        base = [self.description] if self.description is not None else []
        return base + [text for check, text in self.more_help if check(member, uow)]


@dataclass(frozen=True)
class Action:
    id: str
    handler: Handler
    roles: frozenset[str] | None = None
    target: TargetDecl | _Undeclared = UNDECLARED


@dataclass(frozen=True)
class Upload:
    handler: Handler
    roles: frozenset[str] | None = None
    target: TargetDecl | _Undeclared = UNDECLARED


@dataclass
class CommandGroup:
    name: str
    commands: list[Command] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)  # a file sent without a command

    def command(
        self,
        name: str,
        *,
        aliases: Sequence[str] = (),
        roles: Sequence[str] | None = None,
        public: bool = False,
        usage: Text | None = None,
        needs_args: bool = False,
        description: Text | None = None,
        hidden: bool = False,
        target: TargetDecl | _Undeclared = UNDECLARED,
        may_use: MayUse | None = None,
        more_help: Sequence[tuple[MayUse, Text]] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(
                Command(
                    name,
                    handler,
                    tuple(aliases),
                    frozenset(roles) if roles is not None else None,
                    public,
                    usage,
                    needs_args,
                    description or Text(f"help.{name}"),
                    hidden,
                    target,
                    may_use,
                    tuple(more_help),
                )
            )
            return handler

        return register

    def action(
        self,
        action_id: str,
        *,
        roles: Sequence[str] | None = None,
        target: TargetDecl | _Undeclared = UNDECLARED,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.actions.append(
                Action(action_id, handler, frozenset(roles) if roles is not None else None, target)
            )
            return handler

        return register

    def upload(
        self, *, roles: Sequence[str] | None = None, target: TargetDecl | _Undeclared = UNDECLARED
    ) -> Callable[[Handler], Handler]:
        """The handler for a document uploaded without a command (one for the whole router)."""

        def register(handler: Handler) -> Handler:
            self.uploads.append(Upload(handler, frozenset(roles) if roles is not None else None, target))
            return handler

        return register

    def undeclared(self) -> list[str]:
        """Entry points registered without a target declaration (the router refuses to build with any)."""
        missing = [f"/{c.name}" for c in self.commands if isinstance(c.target, _Undeclared)]
        missing += [a.id for a in self.actions if isinstance(a.target, _Undeclared)]
        missing += [f"form {f.id}" for f in self.forms if isinstance(f.target, _Undeclared)]
        missing += [f"upload of {self.name}" for u in self.uploads if isinstance(u.target, _Undeclared)]
        return missing

    def form(self, form: Form) -> Form:
        self.forms.append(form)
        return form
