"""Betrokkenen of a case: a person, a household or a group, and roles in huiselijk-geweld cases.

``/casus CODE persoon toevoegen NAAM [GEBOORTEDATUM] [ROL]`` · ``/casus CODE rol NR|INITIALEN ROL`` ·
``/casus CODE soort persoon|huishouden|groep`` (regie holders); ``persoon toevoegen`` without a name
starts a form in the direct chat (``PERSON_FORMS``; with a role field in HG cases). Replies name a
subject by case code and initials (names and dates of birth appear only in the direct-chat summary,
``subject_lines``). A role tells of huiselijk geweld, a special category: a group chat sees it only when
the deployment allows special categories there (``KETENBOT_SHOW_SPECIAL_CATEGORIES``); otherwise the role
goes to the direct chat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.core import Context, Field, FieldKind, Form, Option, Reply, Text, UserError, t
from bot.core.dates import parse_date
from handlers.cases.plan_words import (
    ROLE_WORDS,
    find_subject,
    is_hg,
    parse_kind,
    parse_role,
    require_hg,
    role_text,
)
from handlers.casework import holds_regie, parse_case_code, require_open, visible_case
from handlers.privacy.policy import Item, case_label, in_group, may_show, present, subject_line
from handlers.privacy.targets import case_in_values
from handlers.signals.signaal import check_birth_date, parse_name
from storage.cases.plan import CaseKind, PlanEventKind, SubjectRole, kind_of
from storage.cases.tables import Case, Subject

MAX_SUBJECTS = 40  # a large group; a household has far fewer
ADD_WORDS = frozenset({"toevoegen", "add"})
_TRAILING_DATE = re.compile(
    r"^(?P<name>.*?)[\s,]+(?P<date>[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
)


def require_regie(ctx: Context, case: Case) -> None:
    """Procesregie or casusregie shape the case and its plan."""
    if not holds_regie(ctx.uow, case, ctx.require_member()):
        raise UserError("plan.regie_only", code=case.code)


def roles_shown(ctx: Context) -> bool:
    """HG roles are a special category: in a group chat only when the deployment relaxed that."""
    return may_show(
        Item.SPECIAL_CATEGORY,
        group=in_group(ctx),
        deelnemer=True,
        special_categories=ctx.config.show_special_categories,
    )


def names_a_role(tail: str) -> bool:
    """``toevoegen NAAM [GEBOORTEDATUM] ROL``: the typed sub-command gives a betrokkene a role."""
    words = tail.split()
    return len(words) > 2 and words[-1].lower() in ROLE_WORDS


def _said(ctx: Context, text: Text, without_role: Text | None) -> list[Reply]:
    """A confirmation naming a role: as is where roles may be shown, else without it and the role direct."""
    if without_role is None or roles_shown(ctx):
        return [Reply(text)]
    return present(ctx, [text], group_line=without_role)


def add_person(ctx: Context, case: Case, tail: str) -> list[Reply]:
    """``toevoegen NAAM [GEBOORTEDATUM] [ROL]``: a new betrokkene (the mutatie check then knows them);
    ``toevoegen`` alone starts the form."""
    verb, _, rest = tail.partition(" ")
    if verb.lower() not in ADD_WORDS:
        raise UserError("plan.person_usage")
    require_regie(ctx, case)
    require_open(case)
    if not rest.strip():
        return start_person_form(ctx, case)
    words = rest.split()
    role = None
    if len(words) > 1 and words[-1].lower() in ROLE_WORDS:
        role = parse_role(words.pop())
        require_hg(case)
    name, birth = _name_and_birth(" ".join(words), ctx)
    return save_person(ctx, case, name, birth, role)


def _subject_changed(
    ctx: Context, case_id: int, event: str, subject: Subject, role: str | None, what: str, detail: str
) -> None:
    """A change to a case's subjects: its timeline line and its audit row, committed."""
    member = ctx.require_member()
    ctx.uow.cases.add_event(
        case_id, event, ctx.clock.now(), member.id, initials=subject.initials, role=role or "none"
    )
    ctx.audit(what, kind="write", case_id=case_id, detail=f"subject {subject.id}{detail}")
    ctx.uow.commit()


def save_person(ctx: Context, case: Case, name: str, birth: date | None, role: str | None) -> list[Reply]:
    ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    if len(uow.plan.subjects(case.id)) >= MAX_SUBJECTS:
        raise UserError("plan.too_many_subjects", code=case.code, limit=MAX_SUBJECTS)
    subject, added = uow.plan.add_subject(case, name, birth, role)
    if not added:
        raise UserError("plan.already_subject", initials=subject.initials, code=case.code)
    number = len(uow.plan.subjects(case.id))
    _subject_changed(ctx, case.id, PlanEventKind.SUBJECT_ADDED, subject, role, "casus.persoon", "")
    return _said(
        ctx,
        t("plan.person_added", who=_initials_role(subject), number=number, code=case.code),
        t("plan.person_added", who=subject.initials, number=number, code=case.code) if role else None,
    )


# -- the form (Slack shows it as one modal, Telegram and the console step by step) ------------------------

PERSON_FORM = "casus.person"
PERSON_FORM_HG = "casus.person_hg"


def _person_form(form_id: str, *, with_role: bool) -> Form:
    fields = [
        Field.custom("case", t("plan.f_case"), FieldKind.TEXT, lambda text, ctx: parse_case_code(text)),
        Field.custom("name", t("signal.f_name"), FieldKind.TEXT, parse_name),
        Field.date("birth_date", t("signal.f_birth_date"), required=False, check=check_birth_date, past=True),
    ]
    if with_role:
        options = [Option(r.value, t(f"plan.role.{r.value}")) for r in SubjectRole]
        fields.append(Field.choice("role", t("plan.f_role"), options, required=False))
    return Form(
        id=form_id,
        title=t("plan.person_form_title"),
        fields=fields,
        on_submit=submit_person,
        target=case_in_values("case"),
        follow_up_only=True,  # started by /casus CODE persoon, in a direct chat only (never a group)
    )


def start_person_form(ctx: Context, case: Case) -> list[Reply]:
    """Names are asked for in the direct chat only, never in a group."""
    if in_group(ctx):
        raise UserError("plan.person_form_direct", code=case.code)
    form_id = PERSON_FORM_HG if is_hg(case) else PERSON_FORM
    replies = ctx.forms.start(form_id, ctx, initial={"case": case.code})
    ctx.uow.commit()
    return replies


def submit_person(values: dict[str, Any], ctx: Context) -> list[Reply]:
    with ctx.uow:
        case = visible_case(ctx, str(values["case"]), "casus.persoon")
        require_regie(ctx, case)
        require_open(case)
        role = values.get("role") or None
        if role is not None:
            require_hg(case)
        return save_person(ctx, case, str(values["name"]), values.get("birth_date"), role)


PERSON_FORMS = (
    _person_form(PERSON_FORM, with_role=False),
    _person_form(PERSON_FORM_HG, with_role=True),
)


def _name_and_birth(text: str, ctx: Context) -> tuple[str, date | None]:
    match = _TRAILING_DATE.match(text.strip())
    if match is None:
        return parse_name(text, ctx), None
    birth = parse_date(match["date"], ctx.clock.today())
    check_birth_date(birth, ctx)
    return parse_name(match["name"], ctx), birth


def set_role(ctx: Context, case: Case, tail: str) -> list[Reply]:
    """``rol NR|INITIALEN ROL`` (``geen`` clears it); only in huiselijk-geweld cases."""
    words = tail.split()
    if len(words) != 2:
        raise UserError("plan.role_usage")
    ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    require_regie(ctx, case)
    require_open(case)
    require_hg(case)
    role = parse_role(words[1])
    subject = find_subject(case, uow.plan.subjects(case.id), words[0])
    uow.plan.set_role(subject, role)
    _subject_changed(ctx, case.id, PlanEventKind.ROLE_SET, subject, role, "casus.rol", f": {role}")
    if role is None:
        return [Reply(t("plan.role_cleared", initials=subject.initials, code=case.code))]
    return _said(
        ctx,
        t("plan.role_set", initials=subject.initials, code=case.code, role=role_text(role)),
        t("plan.role_recorded", initials=subject.initials, code=case.code),
    )


def set_kind(ctx: Context, case: Case, tail: str) -> Reply:
    """``soort persoon|huishouden|groep``."""
    if not tail.strip() or len(tail.split()) != 1:
        raise UserError("plan.kind_usage")
    member = ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    require_regie(ctx, case)
    require_open(case)
    kind = parse_kind(tail)
    uow.plan.set_kind(case, kind)
    uow.cases.add_event(case.id, PlanEventKind.KIND_SET, ctx.clock.now(), member.id, case_kind=kind.value)
    ctx.audit("casus.soort", kind="write", case_id=case.id, detail=kind.value)
    uow.commit()
    return Reply(t("plan.kind_set", code=case_label(case), kind=t(f"plan.kind.{kind.value}")))


# -- showing subjects -------------------------------------------------------------------------------------


def _initials_role(subject: Subject) -> Text | str:
    role = role_text(subject.role)
    return t("plan.initials_role", initials=subject.initials, role=role) if role else subject.initials


def group_label(ctx: Context, case: Case, subjects: Sequence[Subject]) -> Text | str:
    """What a group chat sees of a case: the code and the subjects' initials (with their roles only when
    the deployment shows special categories in groups)."""
    if not any(s.role for s in subjects) or not roles_shown(ctx):
        return case_label(case)
    return t("plan.group_label", code=case.code, who=[_initials_role(s) for s in subjects])


def subject_lines(case: Case, subjects: Sequence[Subject]) -> list[Text]:
    """The betrokkenen in the direct-chat summary: one line for one person, else numbered with roles."""
    kind = kind_of(case, len(subjects))
    if kind == CaseKind.PERSOON and len(subjects) <= 1 and not any(s.role for s in subjects):
        return [t("casus.subjects", who=subject_line(subjects, full=True))]
    lines = [t("plan.subjects_title", kind=t(f"plan.kind.{kind.value}"), count=len(subjects))]
    for number, subject in enumerate(subjects, start=1):
        who = subject_line([subject], full=True)
        role = role_text(subject.role)
        if role is None:
            lines.append(t("plan.subject_line", number=number, who=who))
        else:
            lines.append(t("plan.subject_role_line", number=number, who=who, role=role))
    return lines
