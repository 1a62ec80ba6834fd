"""Repositories of the foundation tables. Each takes the unit of work's session; none commits.

``from storage.repositories import ...`` names every one of them (the modules of this package hold them).
"""

from storage.repositories.members import (
    AUDIT_INSERT,
    RESOLVE_IDENTITY,
    AuditRepository,
    FormRepository,
    GroupRepository,
    IdentityRepository,
    InviteRepository,
    MemberRepository,
    OrganisationRepository,
    Repository,
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
