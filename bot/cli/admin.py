"""``ketenbot admin ...`` and ``ketenbot audit``: the beheerder's tools on the command line."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime, time
from typing import Annotated

import typer

from bot.app import App
from bot.cli.common import IdCommand, row_id
from bot.core.dates import format_datetime, parse_date
from bot.core.errors import UserError
from bot.core.hygiene import has_forbidden
from bot.core.i18n import t
from storage.models import AuditEvent, OrganisationKind, Role
from storage.uow import UnitOfWork

admin_app = typer.Typer(help="Beheer: organisaties, leden, uitnodigingen.", no_args_is_help=True)
org_app = typer.Typer(help="Organisaties (partners van het convenant).", no_args_is_help=True)
member_app = typer.Typer(help="Leden (medewerkers).", no_args_is_help=True)
invite_app = typer.Typer(help="Uitnodigingscodes.", no_args_is_help=True)
admin_app.add_typer(org_app, name="org")
admin_app.add_typer(member_app, name="member")
admin_app.add_typer(invite_app, name="invite")


def _app() -> App:
    from bot.cli.common import open_app

    return open_app()


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console  # here: `ketenbot run` does not load rich
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="naam van de organisatie", metavar="NAAM")],
    kind: Annotated[OrganisationKind, typer.Option(help="soort partner")],
) -> None:
    """Voeg een organisatie toe."""
    if has_forbidden(name):
        raise _fail("de naam van de organisatie bevat onzichtbare stuurtekens (bijv. tekstrichting)")
    name = " ".join(name.split())
    if not name:
        raise _fail("de naam van de organisatie is leeg; geef een naam, bijv. 'Gemeente Waterdam'")
    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        if uow.organisations.by_name(name) is not None:
            raise _fail(f"organisatie '{name}' bestaat al")
        organisation = uow.organisations.add(name, kind.value)
        uow.commit()
        typer.echo(f"organisatie {organisation.id}: {organisation.name} ({organisation.kind})")


@org_app.command("list")
def org_list() -> None:
    """Toon alle organisaties."""
    uow = _app().uow()
    with uow:
        rows = [[str(o.id), o.name, o.kind] for o in uow.organisations.list_all()]
    _table("Organisaties", ["id", "naam", "soort"], rows)


@member_app.command("list")
def member_list(
    all_members: Annotated[bool, typer.Option("--all", help="ook ingetrokken leden")] = False,
) -> None:
    """Toon de leden met organisatie, rollen en chat-accounts."""
    uow = _app().uow()
    with uow:
        rows = []
        for member in uow.members.list_all(include_revoked=all_members):
            assert member.id is not None
            organisation = uow.organisations.get(member.organisation_id)
            identities = ", ".join(
                f"{i.platform}:{i.external_id}" for i in uow.identities.of_member(member.id)
            )
            rows.append(
                [
                    str(member.id),
                    member.name,
                    organisation.name if organisation else "?",
                    ", ".join(sorted(uow.members.roles_of(member.id))),
                    identities,
                    "actief" if member.active else "ingetrokken",
                ]
            )
    _table("Leden", ["id", "naam", "organisatie", "rollen", "chat", "status"], rows)


@member_app.command("revoke", cls=IdCommand)
def member_revoke(
    member_text: Annotated[
        str, typer.Argument(help="id van het lid (zie `ketenbot admin member list`)", metavar="ID")
    ],
) -> None:
    """Trek de toegang van een lid in (alle chat-accounts)."""
    member_id = row_id(member_text, "lid")
    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        member = uow.members.get(member_id)
        if member is None:
            raise _fail(f"geen lid met id {member_id}")
        now = bot_app.clock.now()
        if not member.active:  # nothing changes: the audit says so, and the first revocation keeps its date
            since = member.revoked_at
            day = f"{since.astimezone(bot_app.clock.tz):%d-%m-%Y}" if since else "een eerdere datum"
            detail = f"member {member_id} already revoked" + (f" at {since.isoformat()}" if since else "")
            uow.audit.record(_admin_event(now, "member.revoke", detail, outcome="noop"))
            uow.commit()
            typer.echo(f"lid {member_id} ({member.name}) was al ingetrokken op {day}: niets veranderd")
            return
        uow.members.revoke(member, now)
        uow.audit.record(_admin_event(now, "member.revoke", f"member {member_id}"))
        uow.commit()
        typer.echo(f"lid {member_id} ({member.name}) ingetrokken: geen toegang meer via alle chat-accounts")


@member_app.command("grant", cls=IdCommand)
def member_grant(
    member_text: Annotated[
        str, typer.Argument(help="id van het lid (zie `ketenbot admin member list`)", metavar="ID")
    ],
    role: Annotated[Role, typer.Option(help="de rol die erbij komt, bijv. management")],
) -> None:
    """Geef een bestaand lid een extra rol (bijvoorbeeld management voor opschaling naar bestuur)."""
    member_id = row_id(member_text, "lid")
    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        member = uow.members.get(member_id)
        if member is None or not member.active:
            raise _fail(f"geen actief lid met id {member_id}")
        uow.members.add_role(member_id, role.value)
        detail = f"member {member_id} {role.value}"
        uow.audit.record(_admin_event(bot_app.clock.now(), "member.grant", detail))
        uow.commit()
        typer.echo(f"lid {member_id} ({member.name}) heeft nu ook de rol {role.value}")


@invite_app.command("create")
def invite_create(
    org: Annotated[str, typer.Option(help="organisatie (naam of id)")],
    role: Annotated[Role, typer.Option(help="rol van de nieuwe medewerker")] = Role.PARTNER,
    days: Annotated[
        int | None,
        typer.Option(min=1, max=90, help="geldig (dagen, 1-90); standaard KETENBOT_INVITE_TTL_DAYS"),
    ] = None,
) -> None:
    """Maak een uitnodigingscode voor een organisatie en rol (de code wordt één keer getoond)."""
    from handlers.onboarding.invites import create_invite

    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        if org.strip().isdigit():
            organisation = uow.organisations.get(row_id(org, "organisatie"))
        else:
            organisation = uow.organisations.by_name(org)
        if organisation is None or organisation.id is None:
            raise _fail(f"geen organisatie '{org}'; zie `ketenbot admin org list`")
        now = bot_app.clock.now()
        try:
            code, invite = create_invite(
                uow, organisation.id, role.value, now=now, ttl_days=days or bot_app.settings.invite_ttl_days
            )
        except UserError as error:
            raise _fail(
                bot_app.catalogue.render(t(error.key, **error.params), bot_app.settings.language)
            ) from None
        uow.audit.record(_admin_event(now, "invite.create", f"invite {invite.id} {role.value}"))
        uow.commit()
    expires = invite.expires_at if invite.expires_at.tzinfo else invite.expires_at.replace(tzinfo=UTC)
    typer.echo(
        f"uitnodiging {invite.id} voor {organisation.name} als {role.value}, geldig tot "
        f"{expires.astimezone(bot_app.clock.tz):%d-%m-%Y %H:%M}\ncode: {code}\n"
        f"de nieuwe collega typt: /aanmelden {code} (de code wordt niet bewaard en niet nog eens getoond)"
    )


@invite_app.command("list")
def invite_list() -> None:
    """Toon uitnodigingen en hun status (codes zelf worden niet bewaard)."""
    bot_app = _app()
    uow = bot_app.uow()
    now = bot_app.clock.now()
    with uow:
        rows = []
        for invite in uow.invites.list_all():
            status = (
                "ingetrokken"
                if invite.revoked_at
                else "gebruikt"
                if invite.used_at
                else "verlopen"
                if invite.expires_at <= now
                else "open"
            )
            organisation = uow.organisations.get(invite.organisation_id)
            rows.append(
                [
                    str(invite.id),
                    organisation.name if organisation else "?",
                    invite.role,
                    format_datetime(invite.expires_at, bot_app.clock.tz),
                    status,
                ]
            )
    _table("Uitnodigingen", ["id", "organisatie", "rol", "geldig tot", "status"], rows)


@invite_app.command("revoke", cls=IdCommand)
def invite_revoke(
    invite_text: Annotated[
        str, typer.Argument(help="id van de uitnodiging (zie `ketenbot admin invite list`)", metavar="ID")
    ],
) -> None:
    """Trek een uitnodigingscode in."""
    invite_id = row_id(invite_text, "uitnodiging")
    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        invite = uow.invites.get(invite_id)
        if invite is None:
            raise _fail(f"geen uitnodiging met id {invite_id}")
        now = bot_app.clock.now()
        if invite.revoked_at is not None:  # nothing changes: the first revocation keeps its date
            day = f"{invite.revoked_at.astimezone(bot_app.clock.tz):%d-%m-%Y}"
            detail = f"invite {invite_id} already revoked"
            uow.audit.record(_admin_event(now, "invite.revoke", detail, outcome="noop"))
            uow.commit()
            typer.echo(f"uitnodiging {invite_id} was al ingetrokken op {day}: niets veranderd")
            return
        invite.revoked_at = now
        uow.session.add(invite)
        uow.audit.record(_admin_event(bot_app.clock.now(), "invite.revoke", f"invite {invite_id}"))
        uow.commit()
    typer.echo(f"uitnodiging {invite_id} ingetrokken")


def audit_command(
    member_text: Annotated[str | None, typer.Option("--member", help="lid (id)", metavar="ID")] = None,
    case: Annotated[str | None, typer.Option(help="casus (code VH-2026-0001 of id)")] = None,
    command: Annotated[str | None, typer.Option(help="opdracht of actie, bijv. regie")] = None,
    since: Annotated[str | None, typer.Option(help="vanaf datum (dd-mm-jjjj of ISO)")] = None,
    until: Annotated[str | None, typer.Option(help="tot en met datum")] = None,
    output: Annotated[str, typer.Option("--format", help="table of csv")] = "table",
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="maximaal aantal regels")] = 1000,
) -> None:
    """Toon auditregels (wie, wat, wanneer, via welk kanaal) met filters, als tabel of CSV."""
    member = row_id(member_text, "lid") if member_text is not None else None
    bot_app = _app()
    today = bot_app.clock.today()
    tz = bot_app.clock.tz
    try:
        start = datetime.combine(parse_date(since, today), time(0), tz).astimezone(UTC) if since else None
        end = datetime.combine(parse_date(until, today), time(0), tz).astimezone(UTC) if until else None
    except UserError as error:
        raise _fail(f"ongeldige datum: {error.params.get('text')} (dd-mm-jjjj of ISO)") from None
    if end is not None:
        from datetime import timedelta

        end += timedelta(days=1)
    uow = bot_app.uow()
    with uow:
        case_id = _case_id(uow, case) if case is not None else None
        events = uow.audit.search(
            member_id=member, case_id=case_id, name=command, since=start, until=end, limit=limit
        )
    columns = ["at", "member", "platform", "chat", "kind", "name", "case", "outcome", "detail"]
    # the table is read by people (dd-mm-jjjj like every other date); CSV goes to other tools (ISO)
    stamp = "%Y-%m-%d %H:%M:%S" if output == "csv" else "%d-%m-%Y %H:%M:%S"
    rows = [
        [
            e.at.astimezone(tz).strftime(stamp),
            str(e.member_id or "-"),
            e.platform,
            e.chat_kind,
            e.kind,
            e.name,
            str(e.case_id or "-"),
            e.outcome,
            e.detail or "",
        ]
        for e in events
    ]
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "table":
        _table("Audit", TABLE_COLUMNS, rows)
    else:
        raise _fail("--format moet table of csv zijn")


TABLE_COLUMNS = ["tijd", "lid", "platform", "chat", "soort", "naam", "casus", "uitkomst", "detail"]


def _case_id(uow: UnitOfWork, case: str) -> int:
    """A case code (``VH-2026-0001``) or a numeric id; an unknown code is a clear error."""
    if case.strip().isdigit():
        return row_id(case, "casus")
    found = uow.cases.by_code(case.strip().upper())
    if found is None or found.id is None:
        raise _fail(f"onbekende casus: {case}")
    return found.id


def _admin_event(at: datetime, name: str, detail: str, *, outcome: str = "ok") -> AuditEvent:
    """``outcome="noop"``: the command was given and changed nothing (e.g. revoking a revoked member)."""
    return AuditEvent(
        at=at,
        member_id=None,
        platform="cli",
        chat_kind="-",
        kind="admin",
        name=name,
        outcome=outcome,
        detail=detail,
    )


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)
