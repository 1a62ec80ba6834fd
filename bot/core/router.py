"""One router for every platform. Middleware in order: correlation, identity, input checks, i18n,
authorisation, dispatch, errors, audit. Handlers are sync; adapters run ``handle`` off the event loop."""

from __future__ import annotations

import difflib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from bot.core.access import roles_allow, run_target
from bot.core.clock import Clock
from bot.core.commands import Action, Command, CommandGroup, HandlerResult
from bot.core.context import Context, CoreConfig, MemberView
from bot.core.direct import expand_direct
from bot.core.errors import UserError
from bot.core.forms import FORM_ACTIONS, FormEngine, FormErrors
from bot.core.hygiene import clean_display_name, has_forbidden
from bot.core.i18n import Catalogue, Text, t
from bot.core.logs import correlation_id
from bot.core.metrics import COMMAND_BUCKETS, Metrics
from bot.core.render import Renderer
from bot.core.types import ChatKind, Incoming, Outgoing, Reply, Target
from bot.core.whole_form import error_lines
from storage.uow import UnitOfWork

log = logging.getLogger("ketenbot.router")

IDENTITY_TOUCH_INTERVAL = timedelta(minutes=5)


def refusal(ctx: Context, error: UserError) -> list[Reply]:
    """The refusal; from a group, for a handler that asked for it (``Context.refuse_in_direct``), in the
    direct chat, and the group gets the line it gets for an answer (it cannot tell the two apart)."""
    refused = Reply(Text(error.key, error.params), refused=True)
    if not (ctx.refusals_in_direct and ctx.incoming.chat_kind == ChatKind.GROUP):
        return [refused]
    return [Reply(t("core.answered_in_direct"), refused=True), replace(refused, target=Target.DIRECT)]


class Router:
    def __init__(
        self,
        groups: Sequence[CommandGroup],
        *,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        catalogue: Catalogue,
        config: CoreConfig,
        metrics: Metrics | None = None,
    ) -> None:
        self.groups = list(groups)
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalogue = catalogue
        self.config = config
        self.metrics = metrics or Metrics()
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, Action] = {}
        for group in self.groups:
            for command in group.commands:
                for name in (command.name, *command.aliases):
                    if name in self.commands:
                        raise ValueError(f"command /{name} registered twice")
                    self.commands[name] = command
            for action in group.actions:
                if action.id in self.actions:
                    raise ValueError(f"action {action.id} registered twice")
                self.actions[action.id] = action
        undeclared = [entry for group in self.groups for entry in group.undeclared()]
        if undeclared:  # the gate needs every entry point's target (bot/core/access.py)
            raise ValueError(f"entry points without a target declaration: {', '.join(undeclared)}")
        uploads = [handler for group in self.groups for handler in group.uploads]
        if len(uploads) > 1:
            raise ValueError("more than one upload handler registered")
        self.upload = uploads[0] if uploads else None
        self.forms = FormEngine({form.id: form for group in self.groups for form in group.forms})
        self.renderer = Renderer(catalogue, self.forms, self.button_roles())

    def button_roles(self) -> dict[str, frozenset[str] | None]:
        """Action id -> the roles that may press it (None: any member): who is shown which button."""
        return {action_id: action.roles for action_id, action in self.actions.items()}

    def visible_commands(self, roles: frozenset[str] | None) -> list[Command]:
        seen: dict[str, Command] = {}
        for command in self.commands.values():
            if not command.hidden and command.allowed(roles):
                seen.setdefault(command.name, command)
        return list(seen.values())

    # -- the pipeline ---------------------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> list[Outgoing]:
        cid = secrets.token_hex(6)
        token = correlation_id.set(cid)
        try:
            return self._handle(incoming, cid)
        finally:
            correlation_id.reset(token)

    def _handle(self, incoming: Incoming, cid: str) -> list[Outgoing]:
        started = time.perf_counter()
        uow = self.uow_factory()
        incoming = clean_profile(incoming)
        if incoming.migrated_to is not None:
            self._move_group(uow, incoming, incoming.migrated_to)
            return []
        with uow:
            member = self._identify(uow, incoming)
            language = member.language if member else self._guess_language(incoming)
            ctx = Context(
                incoming,
                member,
                uow,
                self.clock,
                language,
                self.config,
                self.forms,
                cid,
                self.visible_commands,
                self.catalogue,
            )
            kind, name = describe(incoming)
            form_errors: dict[str, str] = {}
            try:
                check_input(incoming, self.config)
                replies = as_list(self._dispatch(incoming, ctx))
                outcome = "ok"
            except UserError as error:
                uow.rollback()
                replies, outcome = refusal(ctx, error), "refused"
            except FormErrors as errors:
                uow.rollback()
                form_errors = {
                    n: self.catalogue.render(Text(e.key, e.params), language)
                    for n, e in errors.errors.items()
                }
                form = self.forms.forms.get(incoming.form_id or "")
                lines = error_lines(form, errors.errors)
                replies, outcome = [Reply(lines, form_id=incoming.form_id)], "refused"
            except Exception:
                uow.rollback()
                log.exception("handler failed (reference %s) on %s %s", cid, kind, name)
                replies, outcome = [Reply(t("core.internal_error", ref=cid), refused=True)], "error"
            self.metrics.inc(
                "ketenbot_updates_handled_total",
                help="Incoming messages, presses and forms handled",
                platform=incoming.platform,
                outcome=outcome,
            )
            if replies or kind != "text":
                # a refusal names the case it concerns (a normal answer: the handler audits its own read)
                case_id = ctx.case_id if outcome != "ok" else None
                self._audit(uow, incoming, member, kind, self._known(kind, name), outcome, cid, case_id)
            uow.commit()
            rendered = [self.renderer.render(reply, ctx, form_errors) for reply in replies]
        self.metrics.observe(
            "ketenbot_command_seconds",
            time.perf_counter() - started,
            help="Time to handle one command, press or form in the router (database, audit, i18n)",
            buckets=COMMAND_BUCKETS,
            platform=incoming.platform,
            command=self._metric_label(kind, name),
        )
        return rendered

    def _metric_label(self, kind: str, name: str) -> str:
        """A bounded label: the canonical name of a registered command, press or form, else the kind
        (a typed ``/anything`` or a forged callback must not create a new time series)."""
        if kind == "command" and name in self.commands:
            return self.commands[name].name
        if kind == "press" and (name in self.actions or name in FORM_ACTIONS):
            return name
        if kind == "form" and name in self.forms.forms:
            return name
        return kind if kind in ("text", "upload") else f"{kind}:unknown"

    def _identify(self, uow: UnitOfWork, incoming: Incoming) -> MemberView | None:
        found = uow.identities.resolve(incoming.platform, incoming.user_id)
        if found is None or not found.active:
            return None
        now = self.clock.now()
        # touched at most every few minutes, but always when the member comes from another platform than
        # the one they used last: messages go to the identity used last (storage/outbox/reachability.py)
        switched = found.others_used_at is not None and (
            found.last_used_at is None or found.others_used_at >= found.last_used_at
        )
        if found.last_used_at is None or switched or now - found.last_used_at > IDENTITY_TOUCH_INTERVAL:
            direct = incoming.chat_id if incoming.chat_kind == ChatKind.DIRECT else None
            uow.identities.touch(found.identity_id, now, direct)
            uow.commit()
        return MemberView(
            found.member_id,
            found.name,
            found.organisation_id,
            found.organisation_name,
            found.roles,
            found.language or self.config.default_language,
        )

    def _move_group(self, uow: UnitOfWork, incoming: Incoming, new_chat_id: str) -> None:
        with uow:
            if uow.groups.move(incoming.platform, incoming.chat_id, new_chat_id) is not None:
                log.info("group %s moved to %s on %s", incoming.chat_id, new_chat_id, incoming.platform)
                uow.commit()

    def _guess_language(self, incoming: Incoming) -> str:
        if incoming.language_hint and incoming.language_hint.lower().startswith("en"):
            return "en"
        return self.config.default_language

    def _dispatch(self, incoming: Incoming, ctx: Context) -> HandlerResult:
        roles = ctx.member.roles if ctx.member else None
        direct = expand_direct(incoming, ctx)  # "details in privé": the group's command, in the direct chat
        if direct is not None:
            ctx.incoming = direct
            return [replace(r, target=Target.DIRECT) for r in as_list(self._command(direct, ctx, roles))]
        if incoming.form_values is not None and incoming.form_id is not None:
            ctx.require_member()
            return self.forms.submit_all(incoming.form_id, incoming.form_values, ctx)
        if incoming.action_id is not None:
            return self._press(incoming, ctx)
        if incoming.is_command:
            return self._command(incoming, ctx, roles)
        if incoming.file is not None and self.upload is not None:
            if ctx.member is None:
                return [] if incoming.chat_kind == ChatKind.GROUP else Reply(t("core.unknown_identity"))
            if not roles_allow(self.upload.roles, ctx.member.roles):
                raise UserError("core.not_allowed_upload")
            run_target(self.upload.target, incoming, ctx, {})
            return self.upload.handler(incoming, ctx)
        if ctx.member is None:
            return [] if incoming.chat_kind == ChatKind.GROUP else Reply(t("core.unknown_identity"))
        if self.forms.active(ctx) is not None:
            return self.forms.answer(ctx, incoming.text)
        if incoming.chat_kind == ChatKind.GROUP:
            return []
        return Reply(t("core.no_command"))

    def _command(self, incoming: Incoming, ctx: Context, roles: frozenset[str] | None) -> HandlerResult:
        name = incoming.command or ""
        command = self.commands.get(name)
        if command is None:
            if roles is None:
                raise UserError("core.unknown_identity")
            names = sorted({n for n, c in self.commands.items() if c.allowed(roles) and not c.hidden})
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            if close:
                raise UserError("core.unknown_command_suggest", command=name, suggestion=close[0])
            raise UserError("core.unknown_command", command=name)
        if not command.allowed(roles):
            raise UserError("core.unknown_identity" if roles is None else "core.not_allowed", command=name)
        if command.needs_args and not incoming.args:
            return Reply(command.usage or t("core.usage_missing", command=name))
        run_target(command.target, incoming, ctx, {})
        return command.handler(incoming, ctx)

    def _press(self, incoming: Incoming, ctx: Context) -> HandlerResult:
        member = ctx.require_member()
        action_id = incoming.action_id or ""
        if action_id in FORM_ACTIONS:
            return self.forms.answer(ctx, incoming.value, action_id)
        action = self.actions.get(action_id)
        if action is None:
            raise UserError("core.stale_button")
        if not roles_allow(action.roles, member.roles):
            raise UserError("core.not_allowed_button")
        run_target(action.target, incoming, ctx, {})
        return action.handler(incoming, ctx)

    def _known(self, kind: str, name: str) -> str:
        """What the audit may record as the name: a registered command, action or form; anything typed or
        sent that is not one is "unknown" (``/JanDeVriesSlaatZijnVrouw`` is content, never a name)."""
        known = {
            "command": name in self.commands,
            "press": name in self.actions or name in FORM_ACTIONS,
            "form": name in self.forms.forms,
        }.get(kind, True)
        return name if known else "unknown"

    def _audit(
        self,
        uow: UnitOfWork,
        incoming: Incoming,
        member: MemberView | None,
        kind: str,
        name: str,
        outcome: str,
        cid: str,
        case_id: int | None = None,
    ) -> None:
        uow.audit.add(
            at=self.clock.now(),
            member_id=member.id if member else None,
            platform=incoming.platform,
            chat_kind=str(incoming.chat_kind),
            kind=kind,
            name=name[:60],
            case_id=case_id,
            outcome=outcome,
            detail=None if member else f"identity {incoming.user_id}"[:500],
            correlation_id=cid,
        )


def describe(incoming: Incoming) -> tuple[str, str]:
    if incoming.form_values is not None:
        return "form", incoming.form_id or "?"
    if incoming.action_id is not None:
        return "press", incoming.action_id
    if incoming.is_command:
        return "command", incoming.command or "?"
    if incoming.file is not None:
        return "upload", "-"
    return "text", "-"


def check_input(incoming: Incoming, config: CoreConfig) -> None:
    if incoming.file is not None and incoming.file.byte_size > config.max_upload_bytes:
        raise UserError("core.upload_too_large", limit_mb=config.max_upload_bytes // (1024 * 1024))
    file_name = incoming.file.name if incoming.file is not None else ""  # stored and echoed too
    for text in (incoming.text or "", incoming.value, file_name):
        if problem := text_problem(text, config):
            raise problem
    # a whole form: the problem on its field, so the form stays open with what was typed (a Slack modal)
    problems: dict[str, UserError] = {}
    for name, text in (incoming.form_values or {}).items():
        if problem := text_problem(text, config, field=True):
            problems[name] = problem
    if problems:
        raise FormErrors(problems)


def text_problem(text: str, config: CoreConfig, *, field: bool = False) -> UserError | None:
    """Too long, or with control characters: the refusal for a message, or for one field of a form."""
    prefix = "core.field_" if field else "core."
    if len(text) > config.max_text_length:
        return UserError(prefix + "too_long", limit=config.max_text_length, length=len(text))
    if has_forbidden(text):
        return UserError(prefix + "control_characters")
    return None


def clean_profile(incoming: Incoming) -> Incoming:
    """The sender's display name and the chat's title pass the same cleaning as message text
    (bot.core.hygiene): they come from a profile, so forbidden characters are removed, not refused."""
    name, title = clean_display_name(incoming.user_name), clean_display_name(incoming.chat_title)
    if name == incoming.user_name and title == incoming.chat_title:
        return incoming
    return replace(incoming, user_name=name, chat_title=title)


def as_list(result: HandlerResult) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    return list(result)
