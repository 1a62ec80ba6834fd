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
        f"cases anonymised: {len(result.cases_anonymised)} ({cases}); "
        f"declined signals anonymised: {result.signals_anonymised}; "
        f"audit rows deleted: {result.audit_rows_deleted}"
    )


def describe_nl(result: PurgeResult) -> str:
    """What a retention run did (or would do), for the operator (the CLI speaks Dutch)."""
    cases = ", ".join(result.cases_anonymised) or "-"
    return (
        f"casussen geanonimiseerd: {len(result.cases_anonymised)} ({cases}); "
        f"afgewezen signalen geanonimiseerd: {result.signals_anonymised}; "
        f"auditregels verwijderd: {result.audit_rows_deleted}"
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
