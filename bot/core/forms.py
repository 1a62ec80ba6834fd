"""Forms: declared once in handlers/, stepped through in chat or submitted whole (Slack modals).

Progress lives in the database (``form_state``), so a restart in the middle of a form loses nothing and a
second instance can take the next answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.core.access import UNDECLARED, TargetDecl, _Undeclared, roles_allow, run_target
from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.form_resume import PREFILLED, RESTART, choice_of, has_answers, resume_question
from bot.core.i18n import Text, t
from bot.core.types import Button, Reply

FORM_CHOOSE = "form.choose"
FORM_DONE = "form.done"
FORM_SKIP = "form.skip"
FORM_SUBMIT = "form.submit"
FORM_CANCEL = "form.cancel"
FORM_ACTIONS = (FORM_CHOOSE, FORM_DONE, FORM_SKIP, FORM_SUBMIT, FORM_CANCEL)

Check = Callable[[Any, Context], None]
Parse = Callable[[str, Context], Any]
Show = Callable[[Any, Context], str]
OnSubmit = Callable[[dict[str, Any], Context], "Reply | list[Reply]"]


class FieldKind(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    YESNO = "yesno"
    DATE = "date"
    DATETIME = "datetime"
    INTEGER = "integer"
    MEMBER = "member"
    ORGANISATION = "organisation"
    CASE = "case"


@dataclass(frozen=True)
class Option:
    value: str
    label: Text | str


@dataclass(frozen=True)
class Field:
    name: str
    label: Text
    kind: FieldKind
    required: bool = True
    options: Sequence[Option] = ()
    check: Check | None = None
    max_length: int = 200
    parse: Parse | None = None  # a custom parser (for kinds whose lookup lives in handlers, e.g. cases)
    show: Show | None = None
    fixed: bool = False  # set by the server when the form starts (an id): never shown, never taken as input
    # not asked (and left out of the summary) when this says so about the answers so far, e.g. a one-off
    # meeting is not asked until when it repeats; a form submitted whole (a modal) still shows it
    skip_when: Callable[[Mapping[str, Any]], bool] | None = None
    past: bool = False  # a date whose meaning lies behind us (a birth date): its hints never suggest 'morgen'

    def skipped(self, values: Mapping[str, Any]) -> bool:
        return self.skip_when is not None and self.skip_when(values)

    @classmethod
    def text(
        cls,
        name: str,
        label: Text,
        *,
        required: bool = True,
        max_length: int = 200,
        check: Check | None = None,
    ) -> Field:
        return cls(name, label, FieldKind.TEXT, required, check=check, max_length=max_length)

    @classmethod
    def longtext(
        cls,
        name: str,
        label: Text,
        *,
        required: bool = True,
        max_length: int = 2000,
        check: Check | None = None,
    ) -> Field:
        return cls(name, label, FieldKind.LONGTEXT, required, check=check, max_length=max_length)

    @classmethod
    def choice(cls, name: str, label: Text, options: Sequence[Option], *, required: bool = True) -> Field:
        return cls(name, label, FieldKind.CHOICE, required, options=tuple(options))

    @classmethod
    def multichoice(
        cls, name: str, label: Text, options: Sequence[Option], *, required: bool = True
    ) -> Field:
        return cls(name, label, FieldKind.MULTICHOICE, required, options=tuple(options))

    @classmethod
    def yesno(cls, name: str, label: Text, *, required: bool = True) -> Field:
        return cls(
            name,
            label,
            FieldKind.YESNO,
            required,
            options=(Option("ja", t("form.yes")), Option("nee", t("form.no"))),
        )

    @classmethod
    def date(
        cls, name: str, label: Text, *, required: bool = True, check: Check | None = None, past: bool = False
    ) -> Field:
        return cls(name, label, FieldKind.DATE, required, check=check, past=past)

    @classmethod
    def datetime(cls, name: str, label: Text, *, required: bool = True, check: Check | None = None) -> Field:
        return cls(name, label, FieldKind.DATETIME, required, check=check)

    @classmethod
    def integer(cls, name: str, label: Text, *, required: bool = True, check: Check | None = None) -> Field:
        return cls(name, label, FieldKind.INTEGER, required, check=check)

    @classmethod
    def member(cls, name: str, label: Text, *, required: bool = True, check: Check | None = None) -> Field:
        return cls(name, label, FieldKind.MEMBER, required, check=check)

    @classmethod
    def organisation(cls, name: str, label: Text, *, required: bool = True) -> Field:
        return cls(name, label, FieldKind.ORGANISATION, required)

    @classmethod
    def server_set(cls, name: str, label: Text, kind: FieldKind = FieldKind.TEXT) -> Field:
        """An identifier the server puts in the form when it starts (the signal a triage reason is for):
        kept in the server-side form state, never shown as an input, never read from a submission."""
        return cls(name, label, kind, True, fixed=True)

    @classmethod
    def custom(
        cls,
        name: str,
        label: Text,
        kind: FieldKind,
        parse: Parse,
        *,
        show: Show | None = None,
        required: bool = True,
        check: Check | None = None,
    ) -> Field:
        return cls(name, label, kind, required, check=check, parse=parse, show=show)


@dataclass(frozen=True)
class Form:
    id: str
    title: Text
    fields: Sequence[Field]
    on_submit: OnSubmit
    roles: frozenset[str] | None = None
    confirm: bool = True
    target: TargetDecl | _Undeclared = UNDECLARED  # bot.core.access: re-checked on every answer and submit
    # a follow-up the bot starts (the name after /aanmelden, a triage reason after a press): a whole
    # submission is taken only while this form is open for this member in this chat (``submit_all``)
    follow_up_only: bool = False
    # what /stop (or Annuleren) says instead of "… is geannuleerd. Er is niets opgeslagen."
    on_cancel: Callable[[Context], Text] | None = None

    def cancelled(self, ctx: Context) -> Text:
        return self.on_cancel(ctx) if self.on_cancel is not None else t("form.cancelled", title=self.title)

    def __post_init__(self) -> None:
        if any(current.fixed for current in self.fields) and not self.follow_up_only:
            raise ValueError(f"form {self.id} has server-set fields: declare follow_up_only=True")

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


@dataclass
class FormErrors(Exception):
    """Several fields failed at once (a whole form submitted): field name -> error text."""

    errors: dict[str, UserError] = field(default_factory=dict)


class FormEngine:
    """Starts, advances, cancels and submits forms; field parsing lives in bot.core.fields."""

    def __init__(self, forms: dict[str, Form]) -> None:
        self.forms = forms

    # -- the gate (bot.core.access) ------------------------------------------------------------------

    def gate(self, form: Form, ctx: Context, values: dict[str, Any]) -> None:
        """Roles and target of ``form`` for this member, on every answer and every whole submission."""
        member = ctx.require_member()
        if not roles_allow(form.roles, member.roles):
            raise UserError("core.not_allowed_form")
        run_target(form.target, ctx.incoming, ctx, values)

    # -- stepwise -------------------------------------------------------------------------------------

    def start(self, form_id: str, ctx: Context, initial: dict[str, Any] | None = None) -> list[Reply]:
        from bot.core.fields import first_open_step

        form = self.forms[form_id]
        member = ctx.require_member()
        values = dict(initial or {})
        missing = [f.name for f in form.fields if f.fixed and f.name not in values]
        if missing:
            raise ValueError(f"form {form.id} started without its server-set fields {missing}")
        self.gate(form, ctx, values)  # nobody starts a form they could not submit
        open_form = self._half_filled(ctx)
        if open_form is not None:  # never wipe answers silently (bot/core/form_resume.py)
            other, step, kept = open_form
            if other.id != form.id:
                raise UserError("form.other_open", title=other.title, new=form.title)
            self._save(ctx, form, step, {**kept, RESTART: values})
            return [resume_question(form.title, FORM_CHOOSE, FORM_CANCEL)]
        prefilled = sorted(name for name in values if any(field.name == name for field in form.fields))
        if prefilled:  # not asked: the step counter counts only the questions the member answers
            values[PREFILLED] = prefilled
        step = first_open_step(form, values, 0)
        incoming = ctx.incoming
        ctx.uow.forms.save(
            incoming.platform, incoming.chat_id, member.id, form.id, step, values, ctx.clock.now()
        )
        return [Reply(t("form.started", title=form.title)), self.prompt(form, step, values, ctx)]

    def _half_filled(self, ctx: Context) -> tuple[Form, int, dict[str, Any]] | None:
        active = self.active(ctx)
        return active if active is not None and has_answers(active[2]) else None

    def active(self, ctx: Context) -> tuple[Form, int, dict[str, Any]] | None:
        if ctx.member is None:
            return None
        state = ctx.uow.forms.current(ctx.incoming.platform, ctx.incoming.chat_id, ctx.member.id)
        if state is None or state.form_id not in self.forms:
            return None
        return self.forms[state.form_id], state.step, dict(state.values)

    def cancel(self, ctx: Context) -> bool:
        if ctx.member is None:
            return False
        state = ctx.uow.forms.current(ctx.incoming.platform, ctx.incoming.chat_id, ctx.member.id)
        if state is None:
            return False
        ctx.uow.forms.delete(state)
        return True

    def answer(self, ctx: Context, raw: str | None, action: str | None = None) -> list[Reply]:
        """Take one answer (typed text, or a button press) for the current field of the active form."""
        from bot.core import fields as f

        active = self.active(ctx)
        if active is None:
            raise UserError("form.none_active")
        form, step, values = active
        if action == FORM_CANCEL:
            self.cancel(ctx)
            ctx.uow.commit()
            return [Reply(form.cancelled(ctx))]
        self.gate(form, ctx, values)
        if RESTART in values:  # "doorgaan of opnieuw beginnen?" waits for its answer
            return self._resume_or_restart(form, step, values, ctx, raw)
        if step >= len(form.fields):
            return self._confirm_step(form, values, ctx, raw, action)
        current = form.fields[step]
        try:
            done = f.apply_answer(current, values, raw, action, ctx)
        except UserError as error:
            return [Reply(Text(error.key, error.params)), self.prompt(form, step, values, ctx)]
        if not done:  # a multichoice toggle: stay on this field
            self._save(ctx, form, step, values)
            ctx.uow.commit()
            return [self.prompt(form, step, values, ctx)]
        step = f.first_open_step(form, values, step + 1)
        if step >= len(form.fields) and not form.confirm:
            return self._submit(form, values, ctx)
        self._save(ctx, form, step, values)
        ctx.uow.commit()
        return [self.prompt(form, step, values, ctx)]

    def _resume_or_restart(
        self, form: Form, step: int, values: dict[str, Any], ctx: Context, raw: str | None
    ) -> list[Reply]:
        choice = choice_of(raw)
        if choice is None:
            return [resume_question(form.title, FORM_CHOOSE, FORM_CANCEL)]
        initial = values.pop(RESTART)
        if choice == "restart":
            self.cancel(ctx)
            replies = self.start(form.id, ctx, initial=initial)
        else:
            self._save(ctx, form, step, values)
            replies = [self.prompt(form, step, values, ctx)]
        ctx.uow.commit()
        return replies

    def _confirm_step(
        self, form: Form, values: dict[str, Any], ctx: Context, raw: str | None, action: str | None
    ) -> list[Reply]:
        if action == FORM_SUBMIT or (raw or "").strip().lower() in {"ja", "yes", "versturen", "send", "ok"}:
            return self._submit(form, values, ctx)
        return [Reply(t("form.confirm_or_cancel")), self.prompt(form, len(form.fields), values, ctx)]

    def _save(self, ctx: Context, form: Form, step: int, values: dict[str, Any]) -> None:
        member = ctx.require_member()
        ctx.uow.forms.save(
            ctx.incoming.platform, ctx.incoming.chat_id, member.id, form.id, step, values, ctx.clock.now()
        )

    def _submit(self, form: Form, values: dict[str, Any], ctx: Context) -> list[Reply]:
        # Deleting the state first makes a double tap harmless: the second submit finds no form.
        if not self.cancel(ctx):
            raise UserError("form.none_active")
        from bot.core.fields import typed_values

        result = form.on_submit(typed_values(form, values), ctx)
        return list(result) if isinstance(result, list) else [result]

    # -- whole form at once (modals) ------------------------------------------------------------------

    def submit_all(self, form_id: str, raw_values: dict[str, str], ctx: Context) -> list[Reply]:
        """Gate, then validate every field; raise FormErrors with each failing field, or submit."""
        from bot.core.fields import typed_values
        from bot.core.whole_form import check_names, parse_fields

        form = self.forms.get(form_id)
        if form is None:
            raise UserError("form.none_active")
        member = ctx.require_member()
        if not roles_allow(form.roles, member.roles):
            raise UserError("core.not_allowed_form")
        active = self.active(ctx) if form.follow_up_only else None
        if form.follow_up_only and (active is None or active[0].id != form.id):
            raise UserError("form.none_active")  # a follow-up nobody started reads like an unknown form
        check_names(form, raw_values)
        values: dict[str, Any] = {}
        fixed = [current for current in form.fields if current.fixed]
        if fixed:  # identifiers come from the server-side state the form was started with, never the input
            if active is None or any(c.name not in active[2] for c in fixed):  # follow_up_only: never None
                raise UserError("form.none_active")
            stored = typed_values(form, active[2])
            values.update({c.name: stored[c.name] for c in fixed})
        errors = parse_fields(form, raw_values, values, ctx)
        if errors:
            raise FormErrors(errors)
        run_target(form.target, ctx.incoming, ctx, values)
        self.cancel(ctx)
        ctx.uow.forms.delete_form(ctx.incoming.platform, member.id, form.id)
        result = form.on_submit(values, ctx)
        return list(result) if isinstance(result, list) else [result]

    # -- prompts --------------------------------------------------------------------------------------

    def prompt(self, form: Form, step: int, values: dict[str, Any], ctx: Context) -> Reply:
        from bot.core import fields as f

        if step >= len(form.fields):
            lines: list[Text | str] = [t("form.summary", title=form.title)]
            for current in form.fields:
                if current.skipped(values):
                    continue
                lines.append(
                    t(
                        "form.summary_line",
                        label=current.label,
                        value=f.display_value(current, values.get(current.name), ctx),
                    )
                )
            return Reply(
                lines,
                buttons=[
                    Button(FORM_SUBMIT, t("form.submit_button")),
                    Button(FORM_CANCEL, t("form.cancel_button")),
                ],
                form_id=form.id,
            )
        current = form.fields[step]
        prefilled = set(values.get(PREFILLED, ()))
        asked = [field.name for field in form.fields if field.name not in prefilled]
        number = asked.index(current.name) if current.name in asked else step
        prompt = f.field_prompt(current, number, len(asked) or len(form.fields), values, ctx)
        return replace(prompt, form_id=form.id)
