"""A CSV of signals uploaded in a direct chat by a procesmanager: the chat side of ``ketenbot import``.

Upload the file (with the caption ``/import politie`` to name the source, or without: the bot asks with
buttons). The file is kept server-side, encrypted, in a ``pending_upload`` row; the same import code as the
CLI (``handlers.signals.bulk_import``) first runs as a dry run and shows what would happen, with the buttons
Importeren / Annuleren. Importing is all-or-nothing and happens once, however often the button is pressed.
Uploads in a group, or by anyone who is not a procesmanager, are refused and nothing is kept.

Each button carries the upload's random reference (``PendingUpload.ref``), never its id: a button of an
upload that is no longer the member's pending one (replaced by a newer upload, imported, cancelled, or
someone else's) changes nothing and says so. The file's name is cleaned once, where it is first read
(``bot.core.hygiene.clean_file_name``): on one line, at most 120 characters, "bestand" when empty.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import (
    Button,
    ChatKind,
    CommandGroup,
    Context,
    FileAttachment,
    Incoming,
    Reply,
    Text,
    UserError,
    t,
)
from bot.core.hygiene import clean_file_name, echo
from handlers.privacy.targets import NO_TARGET
from handlers.signals.bulk_import import ImportResult, import_signals
from storage.cases.uploads import PendingUpload
from storage.models import OrganisationKind, Role
from storage.uow import UnitOfWork

group = CommandGroup("upload")

SOURCE, IMPORT, CANCEL = "upload.source", "upload.import", "upload.cancel"
MAX_BYTES = 5_000_000
KEEP_FOR = timedelta(hours=24)
MAX_LISTED = 20
CSV_MIMES = frozenset({"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"})


def source_kinds(uow: UnitOfWork) -> list[str]:
    """Kinds of partner organisations that have an active member (the possible sources), in enum order."""
    members = uow.members.list_all(include_revoked=False)
    with_members = {m.organisation_id for m in members}
    kinds = {o.kind for o in uow.organisations.list_all() if o.id in with_members}
    return [k.value for k in OrganisationKind if k.value in kinds and k != OrganisationKind.VHH]


def check_file(msg: Incoming, ctx: Context) -> FileAttachment:
    """Only a procesmanager, only in a direct chat, only a CSV of a sensible size: the file, its name
    cleaned (the platform's metadata, like a display name: cleaned rather than refused)."""
    member = ctx.require_member()
    if msg.chat_kind == ChatKind.GROUP:
        raise UserError("upload.group_refused")
    if not member.has_role(Role.PROCESMANAGER):
        raise UserError("upload.not_allowed")
    if msg.file is None:
        raise UserError("upload.usage")
    file = replace(msg.file, name=clean_file_name(msg.file.name))
    if len(file.data) > MAX_BYTES:
        raise UserError("upload.too_big", limit=MAX_BYTES // 1_000_000)
    if not (file.name.lower().endswith(".csv") or file.mime in CSV_MIMES):
        raise UserError("upload.not_csv", name=file.name)
    return file


def keep_file(file: FileAttachment, ctx: Context) -> PendingUpload:
    """Keep the file (committed, so the dry run can read it back); replaces the member's earlier upload."""
    member = ctx.require_member()
    upload = ctx.uow.uploads.replace(member.id, file.name, file.data, ctx.clock.now())
    ctx.audit("upload.receive", kind="write", detail=f"upload {upload.id} {len(file.data)} bytes")
    ctx.uow.commit()
    return upload


def parse_source(text: str, ctx: Context) -> str:
    word = text.strip().lower().replace(" ", "_").replace("-", "_")
    known = source_kinds(ctx.uow)
    if word not in known:
        raise UserError("upload.bad_source", text=echo(text, 40) or "-", known=", ".join(known) or "-")
    return word


@group.upload(target=NO_TARGET)
def receive(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow:
        return ask_source(keep_file(check_file(msg, ctx), ctx), ctx)


@group.command(
    "import", aliases=["importeren"], roles=[Role.PROCESMANAGER], usage=t("upload.usage"), target=NO_TARGET
)
def import_command(msg: Incoming, ctx: Context) -> Reply:
    if msg.file is None:
        return Reply(t("upload.usage"))
    with ctx.uow as uow:
        file = check_file(msg, ctx)
        source = parse_source(msg.args, ctx) if msg.args else None
        upload = keep_file(file, ctx)
        if source is None:
            return ask_source(upload, ctx)
        uow.uploads.set_source(upload, source)
        uow.commit()
        return dry_run(ctx, upload)


def ask_source(upload: PendingUpload, ctx: Context) -> Reply:
    buttons = [
        Button(SOURCE, t(f"upload.kind.{k}"), value=f"{upload.ref}:{k}") for k in source_kinds(ctx.uow)
    ]
    buttons.append(Button(CANCEL, t("upload.b_cancel"), value=upload.ref))
    return Reply(t("upload.which_source", name=upload.file_name), buttons=buttons)


def pending(msg_value: str, ctx: Context, *, expired_too: bool = False) -> PendingUpload:
    """The member's pending upload, if the pressed button is one of its own. Only the member's own upload
    is looked at: a button of an earlier upload (replaced, imported or cancelled since) or of someone else's
    changes nothing. An expired upload can only be cancelled (``expired_too``)."""
    member = ctx.require_member()
    ref = msg_value.split(":", 1)[0]
    upload = ctx.uow.uploads.of(member.id)
    if upload is None:
        raise UserError("upload.gone")
    expired = upload.created_at < ctx.clock.now() - KEEP_FOR
    if upload.ref == ref and (expired_too or not expired):
        return upload
    if expired:
        raise UserError("upload.gone")
    raise UserError("upload.out_of_date", name=upload.file_name)  # nothing changes; the newer one waits


@group.action(SOURCE, roles=[Role.PROCESMANAGER], target=NO_TARGET)
def choose_source(msg: Incoming, ctx: Context) -> Reply:
    with ctx.uow as uow:
        upload = pending(msg.value, ctx)
        source = parse_source(msg.value.partition(":")[2], ctx)
        uow.uploads.set_source(upload, source)
        uow.commit()
        return dry_run(ctx, upload)


def dry_run(ctx: Context, upload: PendingUpload) -> Reply:
    """Run the import without writing and show the outcome; a file that cannot be read is dropped."""
    uow = ctx.uow
    assert upload.source is not None and upload.id is not None
    try:
        result = import_signals(
            uow,
            upload.content,
            reporter_id=upload.member_id,
            source=upload.source,
            now=ctx.clock.now(),
            today=ctx.clock.today(),
            dry_run=True,
            catalogue=ctx.catalogue,
        )
    except UserError:
        uow.uploads.take(upload.member_id, upload.ref)  # a wrong header or too many rows: nothing to keep
        uow.commit()
        raise
    lines = outcome_lines(result)
    cancel = Button(CANCEL, t("upload.b_cancel"), value=upload.ref)
    if not result.ok:
        lines.append(t("upload.fix_and_retry", errors=len(result.errors), rows=result.rows))
        return Reply(lines, buttons=[cancel])
    head = t(
        "upload.dry_run",
        name=upload.file_name,
        source=t(f"upload.kind.{upload.source}"),
        rows=result.rows,
        signals=result.signals,
        mutaties=result.mutaties,
        duplicates=result.skipped,
    )
    return Reply([head, *lines], buttons=[Button(IMPORT, t("upload.b_import"), value=upload.ref), cancel])


def outcome_lines(result: ImportResult) -> list[Text | str]:
    lines: list[Text | str] = []
    for code, count in sorted(result.mutatie_cases.items())[:MAX_LISTED]:
        lines.append(t("import.mutatie_case", code=code, count=count))
    for line, same in result.duplicates[:MAX_LISTED]:
        lines.append(t("import.duplicate_line", line=line, same=same))
    for line, signal_id in result.imported_before[:MAX_LISTED]:
        lines.append(t("import.imported_before", line=line, signal=signal_id))
    for line, reason in result.errors[:MAX_LISTED]:
        lines.append(t("import.error_line", line=line, reason=reason))
    if len(result.errors) > MAX_LISTED:
        lines.append(t("upload.more_errors", count=len(result.errors) - MAX_LISTED))
    return lines


@group.action(IMPORT, roles=[Role.PROCESMANAGER], target=NO_TARGET)
def run_import(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    with ctx.uow as uow:
        upload = pending(msg.value, ctx)
        assert upload.id is not None
        if upload.source is None:
            raise UserError("upload.gone")
        content, source, name = upload.content, upload.source, upload.file_name
        if not uow.uploads.take(member.id, upload.ref):  # pressed twice: the other press imports
            raise UserError("upload.gone")
        ctx.audit("upload.import", kind="write", detail=f"upload {upload.id} source {source}")
        result = import_signals(
            uow,
            content,
            reporter_id=member.id,  # credited to who imports; the source is recorded on each signal
            source=source,
            now=ctx.clock.now(),
            today=ctx.clock.today(),
            dry_run=False,
            catalogue=ctx.catalogue,
        )  # one commit with the upload's removal; nothing at all when a row is invalid
        if not result.ok:
            return Reply(
                [*outcome_lines(result), t("import.refused", errors=len(result.errors), rows=result.rows)]
            )
    return Reply(
        t(
            "upload.imported",
            name=name,
            signals=result.signals,
            mutaties=result.mutaties,
            duplicates=result.skipped,
        )
    )


def drop_stale_uploads(uow: UnitOfWork, now: datetime) -> int:
    """The runtime's daily job: uploads left pending for more than a day are deleted."""
    with uow:
        dropped = uow.uploads.purge(now - KEEP_FOR)
        uow.commit()
    return dropped


@group.action(CANCEL, roles=[Role.PROCESMANAGER], target=NO_TARGET)
def cancel(msg: Incoming, ctx: Context) -> Reply:
    member = ctx.require_member()
    with ctx.uow as uow:
        upload = pending(msg.value, ctx, expired_too=True)
        if not uow.uploads.take(member.id, upload.ref):  # pressed twice: the other press cancels
            raise UserError("upload.gone")
        ctx.audit("upload.cancel", kind="write", detail=f"upload {upload.id}")
        uow.commit()
    return Reply(t("upload.cancelled"))
