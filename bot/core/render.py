"""Replies to outgoing messages: texts rendered in the recipient's language, targets resolved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.access import roles_allow
from bot.core.context import Context
from bot.core.forms import Field, FieldKind, FormEngine
from bot.core.i18n import Catalogue
from bot.core.mentions import resolve
from bot.core.pickers import date_suggestions
from bot.core.types import ChatKind, FieldView, FormView, Outgoing, RenderedButton, Reply, Target


class Renderer:
    def __init__(
        self,
        catalogue: Catalogue,
        forms: FormEngine,
        button_roles: Mapping[str, frozenset[str] | None] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.forms = forms
        self.button_roles = dict(button_roles or {})  # action id -> the roles that may press it

    def may_press(self, action_id: str, roles: frozenset[str]) -> bool:
        """Whether a member with ``roles`` may press a button of ``action_id`` (form steps and unknown ids:
        yes; the router's gate still decides a press)."""
        return roles_allow(self.button_roles.get(action_id), roles)

    def render(self, reply: Reply, ctx: Context, form_errors: dict[str, str] | None = None) -> Outgoing:
        incoming = ctx.incoming
        language = ctx.language
        direct = reply.target == Target.DIRECT or incoming.chat_kind == ChatKind.DIRECT
        # in the caller's direct chat only the buttons their role may press; a group sees every button
        # (anyone there may be the one allowed; the gate refuses the others' presses)
        shown = [
            b
            for b in reply.buttons
            if not direct or ctx.member is None or self.may_press(b.id, ctx.member.roles)
        ]
        buttons = [RenderedButton(b.id, self.catalogue.render(b.label, language), b.value) for b in shown]
        return Outgoing(
            platform=incoming.platform,
            text=resolve(self.catalogue.render(reply.text, language), incoming.platform),
            chat_id=incoming.chat_id if reply.target == Target.SAME_CHAT else None,
            user_id=incoming.user_id if direct else None,
            buttons=buttons,
            file=reply.file,
            form=self.form_view(reply.form_id, ctx, form_errors or {}) if reply.form_id else None,
            is_group=not direct,
            language=language,
            in_place=reply.in_place,
            refused=reply.refused,
            keeps_buttons=reply.keeps_buttons,
        )

    def initial(self, field: Field, value: Any, ctx: Context) -> Any:
        """A field's current value for a modal: a text field filled in by a handler as ids (the overleg's
        cases) shows as the text its parser reads back (the codes), so a submitted modal keeps it."""
        if value is None or field.show is None or field.kind not in (FieldKind.TEXT, FieldKind.LONGTEXT):
            return value
        if isinstance(value, str):
            return value
        return field.show(value, ctx)

    def form_view(self, form_id: str, ctx: Context, errors: dict[str, str]) -> FormView | None:
        form = self.forms.forms.get(form_id)
        if form is None:
            return None
        active = self.forms.active(ctx)
        values = active[2] if active and active[0].id == form_id else {}
        step = active[1] if active and active[0].id == form_id else 0
        language = ctx.language
        fields = [
            FieldView(
                f.name,
                self.catalogue.render(f.label, language),
                f.kind.value,
                f.required,
                [(o.value, self.catalogue.render(o.label, language)) for o in f.options],
                self.initial(f, values.get(f.name), ctx),
                date_suggestions(ctx.clock.today(), self.catalogue, language) if f.kind == "date" else (),
            )
            for f in form.fields
            if not f.fixed  # identifiers set by the server are not input: never shown in a modal
        ]
        return FormView(form.id, self.catalogue.render(form.title, language), fields, step, errors)
