"""``ketenbot privacy purge|find|export|erase``: retention and the rights of the people in the files.

Output in Dutch, like the rest of the CLI. ``find`` names the betrokkene's id that ``export`` and ``erase``
take; it is audited without the name that was searched for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.app import App
from bot.cli.common import check_output, row_id, write_output
from bot.privacy_jobs import audit_admin, describe, policy_from, run_purge
from storage.cases.tables import Case, Signal
from storage.privacy.retention import (
    SubjectHasActiveCase,
    UnknownSubject,
    erase_subject,
    export_subject,
    find_subjects,
)

privacy_app = typer.Typer(help="Privacy: bewaartermijnen, inzage en verwijdering.", no_args_is_help=True)


def _app() -> App:
    from bot.cli.common import open_app

    return open_app()


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


@privacy_app.command("purge")
def purge_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="alleen tonen wat er zou gebeuren")] = False,
) -> None:
    """Pas de bewaartermijnen toe: anonimiseer gesloten casussen, verwijder oude auditregels."""
    bot_app = _app()
    policy = policy_from(bot_app.settings)
    result = run_purge(bot_app.uow(), policy, bot_app.clock.now(), dry_run=dry_run)
    typer.echo(("proefrun — zou doen: " if dry_run else "gedaan: ") + describe(result))


@privacy_app.command("export")
def export_command(
    subject_text: Annotated[str, typer.Option("--subject", help="betrokkene (id)", metavar="ID")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSON-bestand (standaard: stdout)")
    ] = None,
) -> None:
    """Alles wat over één persoon is vastgelegd, als JSON (inzageverzoek)."""
    subject = row_id(subject_text, "betrokkene")
    if output is not None:  # before the export is audited: a missing directory is known now
        check_output(output, "de export")
    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        try:
            data = export_subject(uow.session, subject)
        except UnknownSubject:
            raise _fail(f"onbekende betrokkene: {subject}") from None
        audit_admin(uow, bot_app.clock.now(), "privacy.export", f"subject {subject}")
        uow.commit()
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        write_output(output, (text + "\n").encode("utf-8"), "de export")
        typer.echo(f"{output} geschreven")


@privacy_app.command("erase")
def erase_command(
    subject_text: Annotated[str, typer.Option("--subject", help="betrokkene (id)", metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="waarom (komt in het auditlog)")],
    force: Annotated[bool, typer.Option("--force", help="ook als een casus nog loopt")] = False,
) -> None:
    """Verwijder de persoonsgegevens van één persoon (met reden, in het auditlog)."""
    subject = row_id(subject_text, "betrokkene")
    if not reason.strip():
        raise _fail("--reason mag niet leeg zijn: de reden komt in het auditlog")
    bot_app = _app()
    uow = bot_app.uow()
    now = bot_app.clock.now()
    with uow:
        try:
            erased = erase_subject(uow.session, subject, now, force=force)
        except UnknownSubject:
            raise _fail(f"onbekende betrokkene: {subject}") from None
        except SubjectHasActiveCase as error:
            raise _fail(
                f"geweigerd: betrokkene {subject} zit in een lopende casus ({', '.join(error.codes)}); "
                "gebruik --force"
            ) from None
        # in Dutch, and without the person's name: the reason often names them ("verzoek Jan de Vries")
        forced = ", geforceerd" if force else ""
        detail = f"betrokkene {subject} gewist ({len(erased)} rijen{forced}): {erased.redact(reason.strip())}"
        audit_admin(uow, now, "privacy.erase", detail)
        uow.commit()
    rows = "betrokkene-rij" if len(erased) == 1 else "betrokkene-rijen"
    typer.echo(
        f"betrokkene {subject} gewist: {len(erased)} {rows} geanonimiseerd; kopieën bijgewerkt: "
        f"{erased.copies.describe()}; de reden staat in het auditlog"
    )


@privacy_app.command("find")
def find_command(
    query: Annotated[str, typer.Argument(help="casuscode (VH-2026-0001) of naam", metavar="NAAM|CODE")],
) -> None:
    """Zoek een betrokkene op casuscode of naam: het id voor export en erase."""
    bot_app = _app()
    uow = bot_app.uow()
    lines: list[str] = []
    with uow:
        found = find_subjects(uow.session, query)
        for subject in found:
            case = uow.session.get(Case, subject.case_id) if subject.case_id is not None else None
            signal = uow.session.get(Signal, subject.signal_id) if subject.signal_id is not None else None
            where = ", ".join(
                part
                for part in (
                    f"casus {case.code} ({case.status})" if case is not None else "",
                    f"signaal S-{signal.id}" if signal is not None else "",
                )
                if part
            )
            born = f", geboren {subject.birth_date:%d-%m-%Y}" if subject.birth_date else ""
            lines.append(
                f"betrokkene {subject.id}: {subject.name} ({subject.initials}){born} — {where or '-'}"
            )
        audit_admin(uow, bot_app.clock.now(), "privacy.find", f"{len(found)} gevonden")
        uow.commit()
    if not lines:
        raise _fail("geen betrokkene gevonden (zoek op casuscode VH-jjjj-nnnn of op naam)")
    typer.echo("\n".join(lines))


@privacy_app.command("rotate-key")
def rotate_key_command() -> None:
    """Versleutel alle persoonsvelden opnieuw met de eerste sleutel in KETENBOT_ENCRYPTION_KEY.

    Zet eerst de nieuwe sleutel vooraan en laat de oude erachter staan (k2:NIEUW,k1:OUD); na deze opdracht
    kan de oude weg. Leesbare (oude, onversleutelde) rijen worden hierbij ook versleuteld.
    """
    from storage.privacy.keys import rotate

    bot_app = _app()
    uow = bot_app.uow()
    with uow:
        result = rotate(uow.session)
        audit_admin(
            uow,
            bot_app.clock.now(),
            "privacy.rotate_key",
            f"key {result.key_id}: {result.describe()}",
        )
        uow.commit()
    typer.echo(
        f"opnieuw versleuteld met sleutel '{result.key_id}': {result.describe()}; "
        "de andere sleutels kunnen nu uit KETENBOT_ENCRYPTION_KEY"
    )


@privacy_app.command("new-key")
def new_key_command(key_id: Annotated[str, typer.Option("--id", help="sleutel-id")] = "k1") -> None:
    """Maak een nieuwe sleutel voor KETENBOT_ENCRYPTION_KEY (hij wordt nergens opgeslagen).

    Zet hem in .env (KETENBOT_ENCRYPTION_KEY=...) of in de omgeving van de dienst en bewaar een kopie buiten
    deze machine (wachtwoordkluis): zonder de sleutel zijn de opgeslagen persoonsgegevens niet meer te lezen.
    """
    from storage.crypto import new_key

    if not key_id.isalnum():
        raise _fail("--id mag alleen letters en cijfers bevatten")
    typer.echo(new_key(key_id))
