"""/casus (/case) CODE: summary and timeline for deelnemers; status changes and deelnemers by procesregie.

``/casus CODE`` · ``/casus CODE acties`` · ``/casus CODE opschalen|afschalen|sluiten|heropenen <reden>``
(closing cancels the case's pending reminders, reopening brings none back: ``handlers/cases/closing.py``) ·
``/casus CODE toevoegen @member|Organisatie`` · ``/casus CODE verwijderen @member|Organisatie`` ·
betrokkenen, roles and kind (``handlers/cases/casus_people.py``) · the plan and its drang/dwang fallback
(``handlers/cases/casus_plan.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import CommandGroup, Context, Incoming, Reply, Text, UserError, t
from bot.core.dates import format_date
from bot.core.fields import organisation_hint
from handlers.cases.casus_log import show_log
from handlers.cases.casus_people import (
    PERSON_FORMS,
    add_person,
    group_label,
    names_a_role,
    roles_shown,
    set_kind,
    set_role,
    subject_lines,
)
from handlers.cases.casus_plan import fallback, show_plan
from handlers.cases.closing import cancel_case_reminders
from handlers.casework import (
    holder_text,
    is_closed,
    member_name,
    procesregie_somewhere_or,
    regie_somewhere_or,
    require_open,
    require_procesregie,
    split_code,
    visible_case,
)
from handlers.privacy.need_to_know import run_in_direct
from handlers.privacy.policy import case_label, in_group, present
from handlers.privacy.targets import case_in_args, unheld_for_procesmanager
from storage.cases.plan import PlanEventKind
from storage.cases.tables import EVENT_KEY_PARAMS, Case, CaseEvent, CaseEventKind, CaseStatus, RegieKind
from storage.models import Role
from storage.uow import UnitOfWork

group = CommandGroup("casus")
for person_form in PERSON_FORMS:
    group.form(person_form)

# verb -> {from status: to status}
TRANSITIONS: dict[str, dict[str, CaseStatus]] = {
    "opschalen": {
        CaseStatus.AANGEMELD: CaseStatus.IN_TRIAGE,
        CaseStatus.IN_TRIAGE: CaseStatus.ACTIEF,
        CaseStatus.AFGESCHAALD: CaseStatus.ACTIEF,
    },
    "afschalen": {CaseStatus.ACTIEF: CaseStatus.AFGESCHAALD},
    "sluiten": {
        CaseStatus.AANGEMELD: CaseStatus.GESLOTEN,
        CaseStatus.IN_TRIAGE: CaseStatus.GESLOTEN,
        CaseStatus.AFGESCHAALD: CaseStatus.GESLOTEN,
    },
    "heropenen": {CaseStatus.GESLOTEN: CaseStatus.ACTIEF},
}
VERB_ALIASES = {"escalate": "opschalen", "deescalate": "afschalen", "close": "sluiten", "reopen": "heropenen"}
PLAN_VERBS: dict[str, Callable[[Context, Case, str], Reply | list[Reply]]] = {
    "persoon": add_person,
    "person": add_person,
    "rol": set_role,
    "role": set_role,
    "soort": set_kind,
    "kind": set_kind,
    "drang": fallback,
    "fallback": fallback,
}
MAX_REASON = 500
PARTICIPANT_VERBS = frozenset({"toevoegen", "add", "verwijderen", "remove"})


def group_may_hear(ctx: Context, verb: str, tail: str) -> bool:
    """Whether a group may see this sub-command's answer and refusals; otherwise it runs in the asker's
    direct chat (``run_in_direct``). Not in a group: deelnemers by name, a betrokkene's role (only
    huiselijk-geweldcasussen have roles, so even a refusal tells the category; unless the deployment shows
    special categories in groups), and setting the drang/dwang agreement (justice data)."""
    if verb in PARTICIPANT_VERBS:
        return False
    if verb in ("drang", "fallback"):
        return not tail.strip()  # showing it answers in the direct chat already (present)
    if verb in ("rol", "role") or (verb in ("persoon", "person") and names_a_role(tail)):
        return roles_shown(ctx)
    return True


@group.command(
    "casus",
    aliases=["case"],
    usage=t("casus.usage"),
    needs_args=True,
    target=case_in_args,
    more_help=[  # /help: the sub-commands only for those who may use them
        (regie_somewhere_or(Role.PROCESMANAGER), t("help.casus_regie")),
        (procesregie_somewhere_or(Role.PROCESMANAGER), t("help.casus_procesregie")),
    ],
)
def casus(msg: Incoming, ctx: Context) -> list[Reply]:
    code, rest = split_code(msg.args)
    verb, _, tail = rest.partition(" ")
    verb = VERB_ALIASES.get(verb.lower(), verb.lower())
    with ctx.uow as uow:
        if verb in ("", "acties", "actions", "plan"):
            case = visible_case(ctx, code, "casus.actions" if verb else "casus")
            replies = show_plan(ctx, case) if verb else show_summary(ctx, case)
            uow.commit()
            return replies
        case = visible_case(ctx, code, f"casus.{verb}"[:60])
        if in_group(ctx) and not group_may_hear(ctx, verb, tail):
            replies = run_in_direct(ctx)  # the command runs in the direct chat (a stored token)
            uow.commit()  # with the audited read (visible_case)
            return replies
        if verb == "log":
            replies = show_log(ctx, case)
            uow.commit()
            return replies
        if verb in TRANSITIONS:
            return [change_status(ctx, case, verb, tail.strip())]
        if verb in ("toevoegen", "add", "verwijderen", "remove"):
            return [change_participants(ctx, case, verb in ("toevoegen", "add"), tail.strip())]
        if verb in PLAN_VERBS:
            result = PLAN_VERBS[verb](ctx, case, tail.strip())
            return result if isinstance(result, list) else [result]
    raise UserError("casus.usage")


def show_summary(ctx: Context, case: Case) -> list[Reply]:
    uow = ctx.uow
    assert case.id is not None
    current = uow.regie.current(case.id)
    subjects = uow.cases.subjects(case.id)
    lines: list[Text | str] = [
        t(
            "casus.title",
            code=case.code,
            status=t(f"case.status.{case.status}"),
            track=t(f"triage.outcome.{case.track}"),
        ),
        *subject_lines(case, subjects),
        t("casus.casusregie", holder=holder_text(uow, current.get(RegieKind.CASUSREGIE))),
        t("casus.procesregie", holder=holder_text(uow, current.get(RegieKind.PROCESREGIE))),
        t("casus.participants", names=participant_names(uow, case.id)),
    ]
    actions = uow.actions.of_case(case.id)
    open_actions = [a for a in actions if a.done_at is None]
    late = [a for a in open_actions if a.deadline < ctx.clock.today()]
    if is_closed(case):  # nothing is late on a closed case
        lines.append(t("casus.action_count_closed", open=len(open_actions)))
    else:
        lines.append(action_count(len(open_actions), len(late)))
    lines.extend(detention_lines(ctx, case.id))
    lines.append(t("casus.timeline"))
    events = uow.cases.events(case.id)
    older = uow.cases.count_events(case.id) - len(events)
    if older > 0:  # the summary shows the latest lines; say so, and where the rest is
        lines.append(t("casus.timeline_older", count=older, code=case.code))
    lines.extend(event_line(ctx, event) for event in events)
    return present(ctx, lines, group_line=group_label(ctx, case, subjects))


def action_count(open_count: int, late_count: int) -> Text:
    """The action count without zeros: "Geen open acties", "Open acties: 2", or with "(waarvan 1 te laat)"."""
    if open_count == 0:
        return t("casus.no_open_actions")
    if late_count == 0:
        return t("casus.action_count_none_late", open=open_count)
    return t("casus.action_count", open=open_count, late=late_count)


def detention_lines(ctx: Context, case_id: int) -> list[Text]:
    """The case's latest detention: its expected release, or the release (unexpected: who took it on)."""
    uow = ctx.uow
    uow.detentions.settle_released(case_id, ctx.clock.today())
    detention = uow.detentions.latest(case_id)
    if detention is None or detention.id is None:
        return []
    release = format_date(detention.release_on)
    if not detention.released:
        return [t("casus.detention", release=release)]
    lines = [t("casus.released", release=release)]
    for unexpected in uow.nazorg.releases_of(detention.id):
        taker = unexpected.picked_up_by
        who = member_name(uow, taker) if taker is not None else t("casus.nobody_yet")
        lines.append(t("casus.unexpected_release", picked_up=who))
    return lines


def participant_names(uow: UnitOfWork, case_id: int) -> list[str | Text]:
    names: list[str | Text] = []
    for participant in uow.cases.participants(case_id):
        if participant.member_id is not None:
            names.append(member_name(uow, participant.member_id))
        elif participant.organisation_id is not None:
            organisation = uow.organisations.get(participant.organisation_id)
            names.append(t("casus.organisation", name=organisation.name if organisation else "?"))
    return names


def event_line(ctx: Context, event: CaseEvent) -> Text:
    params = dict(event.params)
    # anonymised when params were emptied (a kind that never has parameters reads as itself)
    if not params and event.kind not in (PlanEventKind.FALLBACK_SET, CaseEventKind.RELEASE_PICKED_UP):
        return t(
            "casus.timeline_line",
            date=format_date(event.at.astimezone(ctx.clock.tz).date()),
            what=t("casus.event_removed"),
            by=member_name(ctx.uow, event.member_id),
        )
    for key, prefix in EVENT_KEY_PARAMS.items():
        if key in params:
            params[key] = t(f"{prefix}.{params[key]}")
    return t(
        "casus.timeline_line",
        date=format_date(event.at.astimezone(ctx.clock.tz).date()),
        what=t(f"case.event.{event.kind}", **params),
        by=member_name(ctx.uow, event.member_id),
    )


def change_status(ctx: Context, case: Case, verb: str, reason: str) -> Reply:
    member = ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    if verb != "heropenen" or not unheld_for_procesmanager(ctx, case):
        require_procesregie(uow, case, member)  # reopening: also any procesmanager while nobody holds it
    if verb != "heropenen":
        require_open(case)  # closed: only heropenen, and every other verb says so
    if verb == "sluiten" and case.status == CaseStatus.ACTIEF:
        raise UserError("casus.close_active", code=case.code)
    if not reason:
        raise UserError("casus.reason_needed", verb=verb)
    if len(reason) > MAX_REASON:
        raise UserError("form.too_long", limit=MAX_REASON, length=len(reason))
    target = TRANSITIONS[verb].get(CaseStatus(case.status))
    old = case.status
    if target == CaseStatus.ACTIEF and case.anonymised_at is not None:
        raise UserError("casus.reopen_anonymised", code=case.code)
    if target is None or not uow.cases.set_status(case, target, ctx.clock.now()):
        raise UserError(
            "casus.bad_transition", code=case.code, status=t(f"case.status.{case.status}"), verb=verb
        )
    uow.cases.add_event(
        case.id, CaseEventKind.STATUS, ctx.clock.now(), member.id, old=old, new=target.value, reason=reason
    )
    lines: list[Text | str] = [
        t("casus.status_changed", code=case_label(case), status=t(f"case.status.{target.value}"))
    ]
    detail = f"{old} -> {target}"
    if target == CaseStatus.GESLOTEN:  # nothing more goes out about a closed case
        cancelled = cancel_case_reminders(uow, case.id, ctx.clock.now())
        lines.append(t("casus.reminders_cancelled", count=cancelled, code=case.code))
        detail += f", {cancelled} reminders cancelled"
    elif old == CaseStatus.GESLOTEN:
        lines.append(t("casus.reopened_no_reminders", code=case.code))
    ctx.audit("casus.status", kind="write", case_id=case.id, detail=detail)
    uow.commit()
    return Reply(lines)


def change_participants(ctx: Context, case: Case, add: bool, who: str) -> Reply:
    member = ctx.require_member()
    uow = ctx.uow
    assert case.id is not None
    require_procesregie(uow, case, member)
    require_open(case)
    if not who:
        raise UserError("casus.usage")
    now = ctx.clock.now()
    member_id: int | None = None
    organisation_id: int | None = None
    if who.startswith("@"):
        target = uow.members.by_handle(who)
        if target is None or not target.active:
            raise UserError("form.unknown_member", text=who)
        member_id, name = target.id, target.name
    else:
        organisation = uow.organisations.by_name(who)
        if organisation is None:
            raise UserError(
                "form.unknown_organisation",
                text=who[:80],
                hint=organisation_hint(uow.organisations.suggest(who)),
            )
        organisation_id, name = organisation.id, organisation.name
    if add:
        if (
            uow.cases.add_participant(
                case.id, now, member_id=member_id, organisation_id=organisation_id, added_by=member.id
            )
            is None
        ):
            raise UserError("casus.already_participant", name=name, code=case.code)
        kind = CaseEventKind.PARTICIPANT_ADDED
    else:
        holders = uow.regie.current(case.id).values()
        if member_id is not None and any(h.member_id == member_id for h in holders):
            raise UserError("casus.remove_regie_holder", name=name, code=case.code)
        existing = uow.cases.find_participant(case.id, member_id=member_id, organisation_id=organisation_id)
        if existing is None:
            raise UserError("casus.not_participant", name=name, code=case.code)
        uow.cases.remove_participant(existing, now)
        kind = CaseEventKind.PARTICIPANT_REMOVED
    uow.cases.add_event(case.id, kind, now, member.id, who=name)
    ctx.audit("casus.participants", kind="write", case_id=case.id, detail=f"{kind}: {name}")
    uow.commit()
    return Reply(t(f"casus.{kind}", name=name, code=case_label(case)))
