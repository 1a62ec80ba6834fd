"""/signaal (/signal): a partner reports a worry about a person or household, through a form.

On submit the subjects are matched against subjects of open cases (the known-person check); only
procesmanagers see a match, in the triage queue. ``acuut`` alerts every procesmanager at once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot.core import CommandGroup, Context, Field, FieldKind, Form, Incoming, Option, Reply, UserError, t
from bot.core.dates import parse_date
from bot.core.hygiene import echo
from handlers.network.code_rood import offer as code_rood_offer
from handlers.privacy.need_to_know import form_in_direct
from handlers.privacy.targets import NO_TARGET
from handlers.signals.mutatie import route_mutatie
from storage.cases.tables import Signal, SignalCategory, Urgency
from storage.models import Role
from storage.names import initials, name_key
from storage.outbox.forwarding import PERSONAL

group = CommandGroup("signaal")

FORM_ID = "signaal.new"
MAX_PEOPLE = 12
DUPLICATE_WINDOW = timedelta(minutes=10)
_TRAILING_DATE = re.compile(
    r"^(?P<name>.*?)[\s,]+(?P<date>[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
)


def signal_ref(signal_id: int | None) -> str:
    return f"S-{signal_id}"


def parse_name(text: str, ctx: Context) -> str:
    name = " ".join(text.split())
    if not name_key(name):
        raise UserError("signal.bad_name", text=echo(name, 40))
    if len(name) > 120:
        raise UserError("form.too_long", limit=120, length=len(name))
    return name


def check_birth_date(day: date, ctx: Context) -> None:
    if day > ctx.clock.today():
        raise UserError("signal.birth_in_future")


def parse_others(text: str, ctx: Context) -> list[list[str | None]]:
    """``Els de Vries 02-05-1984; Tim de Vries`` -> [[name, iso birth date or None], ...]."""
    people: list[list[str | None]] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _TRAILING_DATE.match(part)
        name, born = (match["name"], match["date"]) if match else (part, None)
        birth = parse_date(born, ctx.clock.today()) if born else None
        if birth is not None:
            check_birth_date(birth, ctx)
        people.append([parse_name(name, ctx), birth.isoformat() if birth else None])
    if not people:
        raise UserError("form.required")
    if len(people) > MAX_PEOPLE:
        raise UserError("signal.too_many_people", limit=MAX_PEOPLE)
    return people


def show_others(value: Any, ctx: Context) -> str:
    return "; ".join(f"{name} {born or ''}".strip() for name, born in value)


SIGNAL_FORM = group.form(
    Form(
        id=FORM_ID,
        title=t("signal.form_title"),
        fields=[
            Field.custom("name", t("signal.f_name"), FieldKind.TEXT, parse_name),
            Field.date(
                "birth_date", t("signal.f_birth_date"), required=False, check=check_birth_date, past=True
            ),
            Field.custom(
                "others", t("signal.f_others"), FieldKind.TEXT, parse_others, show=show_others, required=False
            ),
            Field.text("gemeente", t("signal.f_gemeente"), max_length=80),
            Field.multichoice(
                "categories",
                t("signal.f_categories"),
                [Option(c.value, t(f"signal.category.{c.value}")) for c in SignalCategory],
            ),
            Field.choice(
                "urgency",
                t("signal.f_urgency"),
                [Option(u.value, t(f"signal.urgency.{u.value}")) for u in Urgency],
            ),
            Field.longtext("description", t("signal.f_description"), max_length=2000),
            Field.yesno("informed", t("signal.f_informed")),
        ],
        on_submit=lambda values, ctx: submit_signal(values, ctx),
        target=NO_TARGET,  # a new signal names no existing object
    )
)


@group.command("signaal", aliases=["signal"], target=NO_TARGET)
def start_signal(msg: Incoming, ctx: Context) -> list[Reply]:
    with ctx.uow as uow:
        # it asks for a name and a date of birth: always in the direct chat (docs/privacy.md)
        replies = form_in_direct(ctx, lambda c: ctx.forms.start(FORM_ID, c))
        uow.commit()
    return replies


def submit_signal(values: dict[str, Any], ctx: Context) -> Reply:
    member = ctx.require_member()
    now = ctx.clock.now()
    people: list[tuple[str, date | None]] = [(values["name"], values["birth_date"])]
    for name, born in values.get("others") or []:
        people.append((name, date.fromisoformat(born) if born else None))
    description = str(values["description"]).strip()
    with ctx.uow as uow:
        candidate = Signal(
            reporter_id=member.id,
            gemeente=values["gemeente"],
            categories=list(values["categories"]),
            urgency=values["urgency"],
            description=description,
            subject_informed=bool(values["informed"]),
            created_at=now,
        )
        # the same submission sent twice (a double tap on a modal): one signal; anything that differs
        # (another person, urgency, category...) is a report of its own and is never merged silently
        earlier = uow.signals.recent_duplicate(candidate, people, now - DUPLICATE_WINDOW)
        if earlier is not None:
            return Reply(t("signal.received", ref=signal_ref(earlier.id)))
        signal = uow.signals.add(candidate, people)
        matches = [case for name, born in people for case in uow.cases.known_person(name, born)]
        if matches:  # a mutatie on a known person: to that case's regie, not to the triage queue
            route_mutatie(ctx, signal, matches[0], [name for name, _ in people])
        ref = signal_ref(signal.id)
        ctx.audit("signaal", kind="write", detail=f"signal {signal.id}")
        # the aanmelder learns only that it was received: the same words whether the person is known or not
        lines = [t("signal.received", ref=ref)]
        if signal.urgency == Urgency.ACUUT:
            alert = t(
                "signal.acute_alert_known" if matches else "signal.acute_alert",
                ref=ref,
                initials=", ".join(initials(name) for name, _ in people),
                gemeente=signal.gemeente,
                reporter=member.name,
                organisation=member.organisation_name,
            )
            # acute huiselijk geweld: a one-tap same-day overleg, the button naming the time it books
            extra, buttons = code_rood_offer(signal, ctx.clock.now(), ctx.clock.tz)
            for manager in uow.members.with_role(Role.PROCESMANAGER):
                assert manager.id is not None
                ctx.notify(
                    manager.id,
                    [alert, *extra],
                    key=f"signal:{signal.id}:acuut:{manager.id}",
                    buttons=buttons,
                    cases=PERSONAL,  # to every procesmanager in that role; names no case
                )
            lines.append(t("signal.acute_sent"))
        uow.commit()
    return Reply(lines)
