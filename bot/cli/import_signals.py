"""``ketenbot import signals FILE.csv --source politie [--dry-run]``: bulk import of a partner's signals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.core.errors import UserError
from bot.core.i18n import Text, t
from handlers.signals.bulk_import import import_signals
from storage.models import OrganisationKind, Role
from storage.uow import UnitOfWork

import_app = typer.Typer(help="Importeren uit bestanden van partners.", no_args_is_help=True)
# who may be credited with an import from any source: the VHH's own people, who screen every signal
CREDITABLE_ROLES = frozenset({Role.PROCESMANAGER, Role.BEHEERDER})


def may_be_credited(uow: UnitOfWork, member_id: int, source: str) -> bool:
    """The importer named by ``--door`` (they get the terugkoppeling on every signal): a procesmanager or
    beheerder, or an active member of an organisation of the source's kind (the politie's own list). A
    partner of another kind would hear the outcome of signals their organisation never made."""
    if CREDITABLE_ROLES & set(uow.members.roles_of(member_id)):
        return True
    member = uow.members.get(member_id)
    organisation = uow.organisations.get(member.organisation_id) if member is not None else None
    return organisation is not None and organisation.kind == source


@import_app.command("signals")
def import_signals_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: name,birth_date,gemeente,categories,urgency,description", metavar="BESTAND"
        ),
    ],
    source: Annotated[OrganisationKind, typer.Option(help="soort partner die de signalen aanlevert")],
    door: Annotated[
        str,
        typer.Option(
            "--door",
            metavar="@HANDLE",
            help="@handle van wie importeert (verplicht): die krijgt de terugkoppeling op de signalen",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="alleen laten zien wat er zou gebeuren")] = False,
) -> None:
    """Elke rij wordt een signaal, of een mutatie als de persoon al in een open casus staat. De signalen staan
    op naam van wie importeert (--door), met de bron erbij."""
    from bot.cli.common import fail, open_app

    bot_app = open_app()

    def render(text: Text) -> str:
        return bot_app.catalogue.render(text, bot_app.settings.language)

    if not file.is_file():
        raise fail(render(t("import.no_file", path=str(file))))
    uow = bot_app.uow()
    with uow:
        importer = uow.members.by_handle(door)
        importer_id = importer.id if importer is not None and importer.active else None
        may_import = importer_id is not None and may_be_credited(uow, importer_id, source.value)
    if importer_id is None:
        raise fail(render(t("import.unknown_importer", handle=door)))
    if not may_import:
        raise fail(render(t("import.importer_not_allowed", handle=door, source=source.value)))
    try:
        result = import_signals(
            bot_app.uow(),
            file.read_bytes(),
            reporter_id=importer_id,
            source=source.value,
            now=bot_app.clock.now(),
            today=bot_app.clock.today(),
            dry_run=dry_run,
            catalogue=bot_app.catalogue,
        )
    except UserError as error:
        raise fail(render(t(error.key, **error.params))) from None
    for line, reason in result.errors:
        typer.echo(render(t("import.error_line", line=line, reason=reason)), err=True)
    for line, same in result.duplicates:
        typer.echo(render(t("import.duplicate_line", line=line, same=same)))
    for line, signal_id in result.imported_before:
        typer.echo(render(t("import.imported_before", line=line, signal=signal_id)))
    for code, count in sorted(result.mutatie_cases.items()):
        typer.echo(render(t("import.mutatie_case", code=code, count=count)))
    if not result.ok:
        raise fail(render(t("import.refused", errors=len(result.errors), rows=result.rows)), code=1)
    key = "import.dry_run" if dry_run else "import.done"
    typer.echo(render(t(key, signals=result.signals, mutaties=result.mutaties, duplicates=result.skipped)))
