"""Repositories of the foundation tables. Each takes the unit of work's session; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Table, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from storage.models import (
    AuditEvent,
    FormState,
    GroupChat,
    Identity,
    Invite,
    InviteAttempt,
    Member,
    MemberRole,
    Organisation,
)
from storage.outbox.reachability import is_reachable


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def run(self, statement: Executable, params: Any = None) -> Any:
        """A Core statement (no ORM entities) on the session's connection, in its transaction: the ORM's
        execute machinery (events, compile state) costs more than the statement on the hot path."""
        return self.session.connection().execute(statement, params)


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


_I: Table = Identity.__table__  # type: ignore[attr-defined]
_M: Table = Member.__table__  # type: ignore[attr-defined]
_O: Table = Organisation.__table__  # type: ignore[attr-defined]
_R: Table = MemberRole.__table__  # type: ignore[attr-defined]

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
            .order_by(col(Identity.last_used_at).desc())
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


class InviteRepository(Repository):
    def add(self, invite: Invite) -> Invite:
        self.session.add(invite)
        self.session.flush()
        return invite

    def by_hash(self, code_hash: str) -> Invite | None:
        return self.session.exec(select(Invite).where(Invite.code_hash == code_hash)).first()

    def by_hashes(self, code_hashes: Sequence[str]) -> Invite | None:
        return self.session.exec(select(Invite).where(col(Invite.code_hash).in_(code_hashes))).first()

    def get(self, invite_id: int) -> Invite | None:
        return self.session.get(Invite, invite_id)

    def list_all(self) -> Sequence[Invite]:
        return self.session.exec(select(Invite).order_by(col(Invite.id))).all()

    def record_failure(self, platform: str, external_id: str, at: datetime) -> None:
        self.session.add(InviteAttempt(platform=platform, external_id=external_id, at=at))
        self.session.flush()

    def all_failures_since(self, since: datetime) -> int:
        """Failed attempts of every identity together (the network-wide limit)."""
        statement = select(func.count()).select_from(InviteAttempt).where(col(InviteAttempt.at) >= since)
        return int(self.session.exec(statement).one())

    def failures_since(self, platform: str, external_id: str, since: datetime) -> int:
        statement = (
            select(func.count())
            .select_from(InviteAttempt)
            .where(
                InviteAttempt.platform == platform,
                InviteAttempt.external_id == external_id,
                col(InviteAttempt.at) >= since,
            )
        )
        return int(self.session.exec(statement).one())


AUDIT_INSERT = AuditEvent.__table__.insert()  # type: ignore[attr-defined]


class AuditRepository(Repository):
    """Audit rows are kept until the unit of work commits (or flushes) and then written in one INSERT:
    a command that reads a case and is audited by the router costs one statement for both rows, in the
    same transaction as whatever the handler changed. A rollback drops them with the rest."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.pending: list[dict[str, Any]] = []

    def write_pending(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self.run(AUDIT_INSERT, rows)

    def discard_pending(self) -> None:
        self.pending = []

    def record(self, event: AuditEvent) -> None:
        self.add(
            at=event.at,
            member_id=event.member_id,
            platform=event.platform,
            chat_kind=event.chat_kind,
            kind=event.kind,
            name=event.name,
            case_id=event.case_id,
            outcome=event.outcome,
            detail=event.detail,
            correlation_id=event.correlation_id,
        )

    def add(self, **fields: Any) -> None:
        """Append one audit row (every field of ``AuditEvent`` but the id); written at commit or flush."""
        self.pending.append(fields)

    def search(
        self,
        *,
        member_id: int | None = None,
        case_id: int | None = None,
        name: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> Sequence[AuditEvent]:
        self.write_pending()  # this unit of work's own rows count too
        statement = select(AuditEvent)
        if member_id is not None:
            statement = statement.where(AuditEvent.member_id == member_id)
        if case_id is not None:
            statement = statement.where(AuditEvent.case_id == case_id)
        if name is not None:
            statement = statement.where(AuditEvent.name == name)
        if since is not None:
            statement = statement.where(col(AuditEvent.at) >= since)
        if until is not None:
            statement = statement.where(col(AuditEvent.at) < until)
        return self.session.exec(
            statement.order_by(col(AuditEvent.at), col(AuditEvent.id)).limit(limit)
        ).all()


class FormRepository(Repository):
    def current(self, platform: str, chat_id: str, member_id: int) -> FormState | None:
        statement = select(FormState).where(
            FormState.platform == platform, FormState.chat_id == chat_id, FormState.member_id == member_id
        )
        return self.session.exec(statement).first()

    def save(
        self,
        platform: str,
        chat_id: str,
        member_id: int,
        form_id: str,
        step: int,
        values: dict[str, Any],
        at: datetime,
    ) -> FormState:
        state = self.current(platform, chat_id, member_id)
        if state is None:
            state = FormState(platform=platform, chat_id=chat_id, member_id=member_id, form_id=form_id)
        state.form_id = form_id
        state.step = step
        state.values = dict(values)
        state.updated_at = at
        self.session.add(state)
        self.session.flush()
        return state

    def delete(self, state: FormState) -> None:
        self.session.delete(state)
        self.session.flush()

    def delete_form(self, platform: str, member_id: int, form_id: str) -> None:
        """Close this member's ``form_id`` in every chat of the platform (a modal submitted from a group
        closes the copy of the form that was moved to the direct chat)."""
        statement = select(FormState).where(
            FormState.platform == platform, FormState.member_id == member_id, FormState.form_id == form_id
        )
        for state in self.session.exec(statement).all():
            self.session.delete(state)
        self.session.flush()


class GroupRepository(Repository):
    def find(self, platform: str, chat_id: str) -> GroupChat | None:
        statement = select(GroupChat).where(GroupChat.platform == platform, GroupChat.chat_id == chat_id)
        return self.session.exec(statement).first()

    def for_purpose(self, purpose: str) -> GroupChat | None:
        return self.session.exec(select(GroupChat).where(GroupChat.purpose == purpose)).first()

    def move(self, platform: str, old_chat_id: str, new_chat_id: str) -> GroupChat | None:
        """The group got a new chat id (a Telegram group upgraded to a supergroup)."""
        group = self.find(platform, old_chat_id)
        if group is None or self.find(platform, new_chat_id) is not None:
            return None
        group.chat_id = new_chat_id
        self.session.add(group)
        self.session.flush()
        return group

    def link(self, platform: str, chat_id: str, title: str | None, purpose: str | None) -> GroupChat:
        group = self.find(platform, chat_id) or GroupChat(platform=platform, chat_id=chat_id)
        group.title = title
        group.purpose = purpose
        self.session.add(group)
        self.session.flush()
        return group
