"""A form submitted whole (a Slack modal, a JSONL ``{"form": ..., "values": {...}}`` line): its names are
checked, and its field errors are worded for a form that stays open with every field at once, not for the
step-by-step dialogue ("typ /stop", "daarna 'klaar'")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.core.errors import UserError
from bot.core.hygiene import echo
from bot.core.i18n import Text, t

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.forms import Field, Form

# a step's refusal -> the same refusal for a whole form (the same placeholders)
WHOLE_FORM_WORDING = {
    "form.required": "form.whole_required",
    "form.too_long": "form.whole_too_long",
    "form.unknown_option": "form.whole_unknown_option",
    "form.choose_at_least_one": "form.whole_choose_at_least_one",
    "form.type_answer": "form.whole_type_answer",
}


def check_names(form: Form, raw_values: Mapping[str, str]) -> None:
    """Refuse names that are no field of the form (a typo), naming the ones to fill in: a silently ignored
    field would be lost without anyone noticing (an empty one loses nothing and passes). A field the server
    sets (``Field.server_set``) is no typo: its value is never read from a submission (docs/privacy.md)."""
    fillable = [current.name for current in form.fields if not current.fixed]
    names = {current.name for current in form.fields}
    unknown = sorted(name for name, value in raw_values.items() if name not in names and value.strip())
    if unknown:
        raise UserError(
            "form.unknown_fields",
            names=", ".join(f"'{echo(name, 40)}'" for name in unknown[:5]),
            count=len(unknown),
            valid=", ".join(fillable),
        )


def parse_fields(
    form: Form, raw_values: Mapping[str, str], values: dict[str, Any], ctx: Context
) -> dict[str, UserError]:
    """Parse and check every field the member fills in into ``values``; the errors per field name."""
    from bot.core import fields as f
    from bot.core.forms import FieldKind

    errors: dict[str, UserError] = {}
    for current in form.fields:
        if current.fixed:
            continue
        raw = raw_values.get(current.name, "")
        try:
            if current.kind != FieldKind.MULTICHOICE and current.name in ctx.incoming.form_lists:
                raise UserError("form.whole_no_list")  # joined, ["Anna", "Smit"] became "Anna, Smit"
            if current.kind == FieldKind.MULTICHOICE:
                values[current.name] = f.parse_multichoice(current, raw, ctx)
            elif raw.strip() == "" and not current.required:
                values[current.name] = None
            else:
                values[current.name] = f.parse_value(current, raw, ctx)
                f.run_check(current, values[current.name], ctx)
        except UserError as error:
            errors[current.name] = whole_form_error(error, current)
    return errors


def whole_form_error(error: UserError, field: Field) -> UserError:
    from bot.core.forms import FieldKind

    if error.key == "form.unknown_option" and field.kind != FieldKind.MULTICHOICE:  # one choice: no list
        return UserError("form.whole_unknown_choice", **error.params)
    key = WHOLE_FORM_WORDING.get(error.key)
    return UserError(key, **error.params) if key else error


def error_lines(form: Form | None, errors: Mapping[str, UserError]) -> list[Text | str]:
    """The reply to a whole form with errors: that nothing was sent and the form is kept, then per field its
    label, its name and the problem (the console and a late Slack reply show only this text)."""
    labels = {current.name: current.label for current in form.fields} if form is not None else {}
    lines: list[Text | str] = [t("form.has_errors")]
    for name, error in errors.items():
        problem = Text(error.key, error.params)
        lines.append(t("form.field_error", label=labels.get(name, name), name=name, error=problem))
    return lines
