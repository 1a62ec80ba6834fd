"""Privacy jobs shared by the CLI and the runtime: the retention run, audited, in one transaction."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from storage.privacy.retention import PurgeResult, RetentionPolicy, purge
from storage.uow import UnitOfWork


def policy_from(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        closed_case_months=settings.retention_closed_case_months,
        closed_case_months_by_track=settings.track_retention,
        declined_signal_months=settings.retention_declined_signal_months,
        audit_years=settings.retention_audit_years,
        finished_message_hours=settings.retention_message_hours,
        form_hours=settings.retention_form_hours,
        info_request_months=settings.retention_info_request_months,
    )


def run_purge(uow: UnitOfWork, policy: RetentionPolicy, now: datetime, *, dry_run: bool) -> PurgeResult:
    """One retention run in one transaction, audited (also used by the runtime's daily job)."""
    with uow:
        result = purge(uow.session, policy, now, dry_run=dry_run)
        if not dry_run:
            audit_admin(uow, now, "privacy.purge", describe(result))
            uow.commit()
    return result


def describe(result: PurgeResult) -> str:
    cases = ", ".join(result.cases_anonymised) or "-"
    return (
        f"casussen geanonimiseerd: {len(result.cases_anonymised)} ({cases}); "
        f"afgewezen signalen geanonimiseerd: {result.signals_anonymised}; "
        f"auditregels verwijderd: {result.audit_rows_deleted}; "
        f"berichtinhoud gewist: {result.payloads_cleared}; "
        f"formulieren verwijderd: {result.forms_deleted}; "
        f"verlopen privé-links verwijderd: {result.links_deleted}; "
        f"informatieverzoeken geanonimiseerd: {result.info_requests_anonymised}; "
        f"uploads verwijderd: {result.uploads_deleted}"
    )


def audit_admin(uow: UnitOfWork, at: datetime, name: str, detail: str) -> None:
    uow.audit.add(
        at=at,
        member_id=None,
        platform="cli",
        chat_kind="-",
        kind="admin",
        name=name,
        case_id=None,
        outcome="ok",
        detail=detail[:500],
        correlation_id=None,
    )
