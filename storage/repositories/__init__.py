"""Repositories of the foundation tables. Each takes the unit of work's session; none commits.

``base`` (``Repository``), ``members`` (organisations, members, identities), ``invites``, ``audit``,
``forms``, ``groups``; ``from storage.repositories import ...`` names every one of them.
"""

from storage.repositories.audit import AUDIT_INSERT, AuditRepository
from storage.repositories.base import Repository
from storage.repositories.forms import FormRepository
from storage.repositories.groups import GroupRepository
from storage.repositories.invites import InviteRepository
from storage.repositories.members import (
    RESOLVE_IDENTITY,
    IdentityRepository,
    MemberRepository,
    OrganisationRepository,
    ResolvedIdentity,
)

__all__ = [
    "AUDIT_INSERT",
    "RESOLVE_IDENTITY",
    "AuditRepository",
    "FormRepository",
    "GroupRepository",
    "IdentityRepository",
    "InviteRepository",
    "MemberRepository",
    "OrganisationRepository",
    "Repository",
    "ResolvedIdentity",
]
