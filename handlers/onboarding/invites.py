"""Invite codes: made by a beheerder, redeemed once by a new medewerker. Only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from bot.core import UserError
from storage.models import Invite, Role
from storage.uow import UnitOfWork

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_FAILURES_PER_HOUR = 5


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else cleaned


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def create_invite(
    uow: UnitOfWork,
    organisation_id: int,
    role: str,
    *,
    now: datetime,
    ttl_days: int = 7,
    note: str | None = None,
) -> tuple[str, Invite]:
    """Make an invite; returns the plain code (shown once) and the stored row."""
    if role not in set(Role):
        raise UserError("invite.unknown_role", role=role)
    if uow.organisations.get(organisation_id) is None:
        raise UserError("invite.unknown_organisation")
    code = new_code()
    invite = uow.invites.add(
        Invite(
            code_hash=hash_code(code),
            organisation_id=organisation_id,
            role=role,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days),
            note=note,
        )
    )
    return code, invite


def check_invite(uow: UnitOfWork, code: str, now: datetime) -> Invite:
    """The invite for ``code`` if it can still be used; a UserError naming why not otherwise."""
    invite = uow.invites.by_hash(hash_code(code))
    if invite is None:
        raise UserError("invite.wrong")
    if invite.revoked_at is not None:
        raise UserError("invite.revoked")
    if invite.used_at is not None:
        raise UserError("invite.used")
    if invite.expires_at <= now:
        raise UserError("invite.expired")
    return invite
