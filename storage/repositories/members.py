"""Who is who: organisations, members with their roles, and their chat identities (resolved for every
incoming message in one statement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from storage.models import Identity, Member, MemberRole, Organisation
from storage.outbox.reachability import is_reachable
from storage.repositories.base import Repository


class OrganisationRepository(Repository):
    def add(self, name: str, kind: str) -> Organisation:
        organisation = Organisation(name=name, kind=kind)
        self.session.add(organisation)
        self.session.flush()
        return organisation

    def get(self, organisation_id: int) -> Organisation | None:
        return self.session.get(Organisation, organisation_id)

    def by_name(self, name: str) -> Organisation | None:
        statement = select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
        return self.session.exec(statement).first()

    def list_all(self) -> Sequence[Organisation]:
        return self.session.exec(select(Organisation).order_by(col(Organisation.name))).all()

    def suggest(self, name: str) -> str | None:
        """The organisation name closest to a mistyped one (a part of it, or a near spelling), or None."""
        import difflib

        typed = " ".join(name.split()).lower()
        if not typed:
            return None
        names = [o.name for o in self.list_all()]
        containing = [n for n in names if typed in n.lower()]
        if len(containing) == 1:
            return containing[0]
        close = difflib.get_close_matches(typed, [n.lower() for n in names], n=1, cutoff=0.6)
        return next((n for n in names if close and n.lower() == close[0]), None)


class MemberRepository(Repository):
    def add(
        self,
        name: str,
        organisation_id: int,
        roles: Sequence[str],
        *,
        at: datetime,
        language: str | None = None,
    ) -> Member:
        member = Member(name=name, organisation_id=organisation_id, language=language, created_at=at)
        self.session.add(member)
        self.session.flush()
        assert member.id is not None
        for role in dict.fromkeys(roles):
            self.session.add(MemberRole(member_id=member.id, role=role))
        self.session.flush()
        return member

    def get(self, member_id: int) -> Member | None:
        return self.session.get(Member, member_id)

    def roles_of(self, member_id: int) -> frozenset[str]:
        statement = select(MemberRole.role).where(MemberRole.member_id == member_id)
        return frozenset(self.session.exec(statement).all())

    def add_role(self, member_id: int, role: str) -> None:
        if role not in self.roles_of(member_id):
            self.session.add(MemberRole(member_id=member_id, role=role))
            self.session.flush()

    def list_all(self, *, include_revoked: bool = True) -> Sequence[Member]:
        statement = select(Member).order_by(col(Member.id))
        if not include_revoked:
            statement = statement.where(col(Member.active).is_(True))
        return self.session.exec(statement).all()

    def with_role(self, role: str) -> Sequence[Member]:
        statement = (
            select(Member)
            .join(MemberRole, col(MemberRole.member_id) == col(Member.id))
            .where(MemberRole.role == role, col(Member.active).is_(True))
            .order_by(col(Member.id))
        )
        return self.session.exec(statement).all()

    def by_handle(self, handle: str) -> Member | None:
        """A member by a chat handle of any platform (console handle, Telegram/Slack user id)."""
        statement = (
            select(Member)
            .join(Identity, col(Identity.member_id) == col(Member.id))
            .where(func.lower(Identity.external_id) == handle.strip().lstrip("@").lower())
        )
        return self.session.exec(statement).first()

    def revoke(self, member: Member, at: datetime) -> None:
        member.active = False
        member.revoked_at = at
        self.session.add(member)
        self.session.flush()


@dataclass(frozen=True)
class ResolvedIdentity:
    """One chat identity with its member, organisation and roles, read in a single round trip."""

    identity_id: int
    last_used_at: datetime | None
    direct_chat_id: str | None
    member_id: int
    name: str
    organisation_id: int
    organisation_name: str
    language: str | None
    active: bool
    roles: frozenset[str]
    # when the member last used any of their OTHER identities: if that is as late as this one's, this one
    # must be touched now, or the dispatcher would keep writing to the other platform (preferred = used last)
    others_used_at: datetime | None = None


_I: Table = Identity.__table__  # type: ignore[attr-defined]
_M: Table = Member.__table__  # type: ignore[attr-defined]
_O: Table = Organisation.__table__  # type: ignore[attr-defined]
_R: Table = MemberRole.__table__  # type: ignore[attr-defined]

_OTHER = _I.alias("other_identity")
_OTHERS_USED_AT = (
    sa_select(func.max(_OTHER.c.last_used_at))
    .where(_OTHER.c.member_id == _I.c.member_id, _OTHER.c.id != _I.c.id)
    .scalar_subquery()
)

RESOLVE_IDENTITY = (  # built once: the router runs it for every incoming message
    sa_select(
        _I.c.id,
        _I.c.last_used_at,
        _I.c.direct_chat_id,
        _M.c.id,
        _M.c.name,
        _M.c.organisation_id,
        _M.c.language,
        _M.c.active,
        _O.c.name,
        _R.c.role,
        _OTHERS_USED_AT,
    )
    .select_from(
        _I.join(_M, _M.c.id == _I.c.member_id)
        .join(_O, _O.c.id == _M.c.organisation_id)
        .outerjoin(_R, _R.c.member_id == _M.c.id)
    )
    .where(_I.c.platform == bindparam("platform"), _I.c.external_id == bindparam("external_id"))
)


class IdentityRepository(Repository):
    def resolve(self, platform: str, external_id: str) -> ResolvedIdentity | None:
        rows = self.run(RESOLVE_IDENTITY, {"platform": platform, "external_id": external_id}).all()
        if not rows:
            return None
        first = rows[0]
        return ResolvedIdentity(
            first[0],
            first[1],
            first[2],
            first[3],
            first[4],
            first[5],
            first[8],
            first[6],
            bool(first[7]),
            frozenset(row[9] for row in rows if row[9] is not None),
            first[10],
        )

    def touch(self, identity_id: int, at: datetime, direct_chat_id: str | None) -> None:
        values: dict[str, Any] = {"last_used_at": at}
        if direct_chat_id is not None:
            values["direct_chat_id"] = direct_chat_id
        self.session.execute(sa_update(Identity).where(col(Identity.id) == identity_id).values(**values))

    def find(self, platform: str, external_id: str) -> Identity | None:
        statement = select(Identity).where(Identity.platform == platform, Identity.external_id == external_id)
        return self.session.exec(statement).first()

    def link(
        self,
        member_id: int,
        platform: str,
        external_id: str,
        *,
        display_name: str | None,
        direct_chat_id: str | None,
        at: datetime,
    ) -> Identity:
        identity = self.find(platform, external_id)
        if identity is None:
            identity = Identity(member_id=member_id, platform=platform, external_id=external_id)
        identity.member_id = member_id
        identity.display_name = display_name
        identity.direct_chat_id = direct_chat_id
        identity.last_used_at = at
        self.session.add(identity)
        self.session.flush()
        return identity

    def of_member(self, member_id: int) -> Sequence[Identity]:
        statement = (
            select(Identity)
            .where(Identity.member_id == member_id)
            .order_by(col(Identity.last_used_at).desc().nulls_last(), col(Identity.id).desc())
        )
        return self.session.exec(statement).all()

    def preferred(self, member_id: int) -> Identity | None:
        """The reachable identity the member used last: messages to them go there."""
        identities = [i for i in self.of_member(member_id) if is_reachable(i)]
        return identities[0] if identities else None

    def mark_unreachable(self, platform: str, external_id: str, at: datetime) -> Identity | None:
        """The user blocked the bot on this platform; returns the identity when it was reachable until now."""
        identity = self.find(platform, external_id)
        if identity is None or not is_reachable(identity):
            return None
        identity.unreachable_at = at
        self.session.add(identity)
        self.session.flush()
        return identity
