"""Invite codes: made by a beheerder, redeemed once by a new medewerker.

Only an HMAC of the code is stored, keyed with a key derived from ``KETENBOT_ENCRYPTION_KEY``
(``KeyRing.invite_hash``): a copy of the database alone does not let anyone test guesses. A code that is
wrong, used, expired or revoked gets one and the same answer; the audit log records which it was.
Failed attempts are limited per chat identity and, against many identities guessing together, for the
whole network (``MAX_FAILURES_GLOBAL`` per ``GLOBAL_WINDOW``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from bot.core import UserError
from storage.crypto import keyring_of
from storage.models import Invite, Role
from storage.uow import UnitOfWork

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_FAILURES_PER_HOUR = 5  # per chat identity
MAX_FAILURES_GLOBAL = 20  # all identities together, per GLOBAL_WINDOW
GLOBAL_WINDOW = timedelta(minutes=15)


class InviteRefused(Exception):
    """Why a code cannot be used (``wrong``, ``revoked``, ``used``, ``expired``): for the audit only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else cleaned


def hash_code(uow: UnitOfWork, code: str) -> str:
    """The stored form of a new code: an HMAC with the server's key."""
    return keyring_of(uow.session.get_bind().dialect).invite_hash(normalise_code(code))


def code_hashes(uow: UnitOfWork, code: str) -> list[str]:
    """The stored forms ``code`` may have (one per key of the ring, for codes made before a rotation)."""
    return keyring_of(uow.session.get_bind().dialect).invite_hashes(normalise_code(code))


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
            code_hash=hash_code(uow, code),
            organisation_id=organisation_id,
            role=role,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days),
            note=note[:200] if note else note,  # the old column held 200 characters
        )
    )
    return code, invite


def check_invite(uow: UnitOfWork, code: str, now: datetime) -> Invite:
    """The invite for ``code`` if it can still be used; ``InviteRefused`` naming why not otherwise (for
    the audit: the user gets the same answer for every reason)."""
    invite = uow.invites.by_hashes(code_hashes(uow, code))
    if invite is None:
        raise InviteRefused("wrong")
    if invite.revoked_at is not None:
        raise InviteRefused("revoked")
    if invite.used_at is not None:
        raise InviteRefused("used")
    if invite.expires_at <= now:
        raise InviteRefused("expired")
    return invite
