"""Field kinds: parse a typed answer or a pressed option, check it, show it, and ask for it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.core.dates import format_date, format_datetime, parse_date, parse_datetime
from bot.core.errors import UserError
from bot.core.forms import (
    FORM_CANCEL,
    FORM_CHOOSE,
    FORM_DONE,
    FORM_SKIP,
    Field,
    FieldKind,
    Form,
)
from bot.core.hygiene import MAX_ID, is_ascii_number, parse_bounded
from bot.core.i18n import LANGUAGES, Catalogue, Text, t
from bot.core.types import Button, Reply

if TYPE_CHECKING:
    from bot.core.context import Context

CHOICE_KINDS = (FieldKind.CHOICE, FieldKind.YESNO, FieldKind.MULTICHOICE)


def first_open_step(form: Form, values: dict[str, Any], start: int) -> int:
    """The first field from ``start`` on that has no value yet (prefilled fields are skipped, and fields
    whose ``skip_when`` holds for the answers so far)."""
    step = start
    while step < len(form.fields) and (form.fields[step].name in values or form.fields[step].skipped(values)):
        step += 1
    return step


def apply_answer(
    current: Field, values: dict[str, Any], raw: str | None, action: str | None, ctx: Context
) -> bool:
    """Store the answer in ``values``; True when the field is complete. Raises UserError on bad input."""
    if action == FORM_SKIP or (raw is not None and raw.strip() in {"-", "overslaan", "skip"}):
        if current.required:
            raise UserError("form.required")
        values[current.name] = None
        return True
    if current.kind == FieldKind.MULTICHOICE:
        chosen: list[str] = list(values.get("_" + current.name, []))
        if action == FORM_DONE or (raw is not None and raw.strip().lower() in {"klaar", "done"}):
            if current.required and not chosen:
                raise UserError("form.choose_at_least_one")
            values.pop("_" + current.name, None)
            values[current.name] = chosen
            return True
        option = match_option(
            current, raw if action != FORM_CHOOSE else None, raw if action == FORM_CHOOSE else None, ctx
        )
        if option in chosen:
            chosen.remove(option)
        else:
            chosen.append(option)
        values["_" + current.name] = chosen
        return False
    if action == FORM_CHOOSE:
        if current.kind not in CHOICE_KINDS:
            raise UserError("form.type_answer")
        value: Any = match_option(current, None, raw)
        if current.kind == FieldKind.YESNO:
            value = value == "ja"
    elif action not in (None, FORM_CANCEL):
        raise UserError("form.type_answer")
    else:
        value = parse_value(current, raw or "", ctx)
    run_check(current, value, ctx)
    values[current.name] = to_json(value)
    return True


def run_check(current: Field, value: Any, ctx: Context) -> None:
    if current.check is not None and value is not None:
        current.check(from_json(current, to_json(value)), ctx)


def parse_value(current: Field, raw: str, ctx: Context) -> Any:
    text = raw.strip()
    if not text:
        raise UserError("form.required")
    if current.parse is not None:
        return current.parse(text, ctx)
    kind = current.kind
    if kind in (FieldKind.TEXT, FieldKind.LONGTEXT):
        if len(text) > current.max_length:
            raise UserError("form.too_long", limit=current.max_length, length=len(text))
        return text
    if kind == FieldKind.CHOICE:
        return match_option(current, text, None, ctx)
    if kind == FieldKind.YESNO:
        return match_option(current, text, None, ctx) == "ja"
    if kind == FieldKind.MULTICHOICE:
        return parse_multichoice(current, text, ctx)
    if kind == FieldKind.DATE:
        return parse_date(text, ctx.clock.today(), bad_key="dates.bad_date_past" if current.past else None)
    if kind == FieldKind.DATETIME:
        return parse_datetime(text, ctx.clock.now(), ctx.clock.tz).value
    if kind == FieldKind.INTEGER:
        number = parse_bounded(text, -MAX_ID, MAX_ID)  # ASCII digits only: "٧" is not a number
        if number is None:
            raise UserError("form.not_a_number", text=text[:40])
        return number
    if kind == FieldKind.MEMBER:
        member = ctx.uow.members.by_handle(text)
        if member is None or not member.active:
            raise UserError("form.unknown_member", text=text)
        return member.id
    if kind == FieldKind.ORGANISATION:
        organisation = ctx.uow.organisations.by_name(text)
        if organisation is None:
            raise UserError(
                "form.unknown_organisation",
                text=text[:80],
                hint=organisation_hint(ctx.uow.organisations.suggest(text)),
            )
        return organisation.id
    raise UserError("form.type_answer")


def organisation_hint(suggestion: str | None) -> Text | str:
    """ " Bedoel je X?" after an unknown organisation, or nothing."""
    return t("form.did_you_mean", name=suggestion) if suggestion else ""


def parse_multichoice(current: Field, raw: str, ctx: Context | None = None) -> list[str]:
    parts = [p for p in (part.strip() for part in raw.replace(";", ",").split(",")) if p]
    chosen = [match_option(current, part, None, ctx) for part in parts]
    if current.required and not chosen:
        raise UserError("form.choose_at_least_one")
    return list(dict.fromkeys(chosen))


def match_option(current: Field, typed: str | None, pressed: str | None, ctx: Context | None = None) -> str:
    """An option by pressed value, or by what was typed: its number, its value, its label in either language
    (what the button says), or the unambiguous start of a label."""
    options = list(current.options)
    if current.kind == FieldKind.YESNO and typed is not None:
        word = _fold(typed)
        if word in {"ja", "j", "yes", "y"}:
            return "ja"
        if word in {"nee", "n", "no"}:
            return "nee"
    if pressed is not None:
        for option in options:
            if option.value == pressed:
                return option.value
        raise UserError("form.unknown_option", text=pressed[:40], choices=[o.label for o in options])
    word = _fold(typed or "")
    if is_ascii_number(word) and len(word) < 4 and 1 <= int(word) <= len(options):
        return options[int(word) - 1].value
    for option in options:
        if _fold(option.value) in (word, word.replace(" ", "_")):
            return option.value
    catalogue = ctx.catalogue if ctx is not None else None
    found = match_label(word, [(o.value, o.label) for o in options], catalogue)
    if found is not None:
        return found
    raise UserError(
        "form.unknown_option", text=(typed or "").strip()[:40], choices=[o.label for o in options]
    )


def match_label(
    typed: str, options: Sequence[tuple[str, Text | str]], catalogue: Catalogue | None
) -> str | None:
    """The value whose label, in any language, is what was typed; else the one label that starts with it
    (at least three letters). None when nothing or more than one option fits."""
    word = _fold(typed)
    if not word:
        return None
    labels: dict[str, set[str]] = {}
    for value, label in options:
        if isinstance(label, str):
            labels[value] = {_fold(label)}
        elif catalogue is not None:
            labels[value] = {_fold(catalogue.render(label, language)) for language in LANGUAGES}
        else:
            labels[value] = set()
    for value, names in labels.items():
        if word in names:
            return value
    if len(word) >= 3:
        starts = {value for value, names in labels.items() if any(n.startswith(word) for n in names)}
        if len(starts) == 1:
            return starts.pop()
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(current: Field, value: Any) -> Any:
    if value is None:
        return None
    if current.kind == FieldKind.DATE:
        return date.fromisoformat(value)
    if current.kind == FieldKind.DATETIME:
        return datetime.fromisoformat(value)
    return value


def typed_values(form: Form, values: dict[str, Any]) -> dict[str, Any]:
    return {f.name: from_json(f, values.get(f.name)) for f in form.fields}


def display_value(current: Field, value: Any, ctx: Context) -> Text | str:
    if value is None or value == []:
        return t("form.empty")
    if current.show is not None:
        return current.show(value, ctx)
    kind = current.kind
    if kind == FieldKind.DATE:
        return format_date(date.fromisoformat(value))
    if kind == FieldKind.DATETIME:
        return format_datetime(datetime.fromisoformat(value), ctx.clock.tz)
    if kind == FieldKind.YESNO:
        return t("form.yes") if value else t("form.no")
    if kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE):
        labels = {o.value: o.label for o in current.options}
        chosen = value if isinstance(value, list) else [value]
        return t("form.list", items=[labels.get(v, v) for v in chosen])
    if kind == FieldKind.MEMBER:
        member = ctx.uow.members.get(int(value))
        return member.name if member else str(value)
    if kind == FieldKind.ORGANISATION:
        organisation = ctx.uow.organisations.get(int(value))
        return organisation.name if organisation else str(value)
    return str(value)


def field_prompt(current: Field, step: int, total: int, values: dict[str, Any], ctx: Context) -> Reply:
    lines: list[Text | str] = [t("form.step", number=step + 1, total=total, label=current.label)]
    buttons: list[Button] = []
    if current.kind in CHOICE_KINDS:
        chosen = values.get("_" + current.name, [])
        for option in current.options:
            label: Text | str = option.label
            if current.kind == FieldKind.MULTICHOICE and option.value in chosen:
                label = t("form.checked", label=option.label)
            buttons.append(Button(FORM_CHOOSE, label, option.value))
        if current.kind == FieldKind.MULTICHOICE:
            lines.append(t("form.multichoice_hint"))
            buttons.append(Button(FORM_DONE, t("form.done_button")))
    else:
        hint = "form.hint_date_past" if current.past else f"form.hint_{current.kind.value}"
        lines.append(t(hint, limit=current.max_length))
    if not current.required:
        lines.append(t("form.optional_hint"))
        buttons.append(Button(FORM_SKIP, t("form.skip_button")))
    buttons.append(Button(FORM_CANCEL, t("form.cancel_button")))
    return Reply(lines, buttons=buttons)
