"""The unit of work: one session, the repositories on it, explicit commit, rollback otherwise."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar, cast, overload

from sqlalchemy import Engine
from sqlmodel import Session

from storage.cases.plan import PlanRepository
from storage.cases.regie import ActionRepository, RegieRepository
from storage.cases.repository import CaseRepository
from storage.cases.signals import SignalRepository
from storage.cases.uploads import UploadRepository
from storage.meetings.repository import MeetingRepository
from storage.network.escalation import CodeRoodRepository, EscalationRepository
from storage.network.flows_repository import (
    InfoRequestRepository,
    MutatieRepository,
    SignalImportRepository,
    StaleCaseQuery,
)
from storage.network.poll import PollRepository
from storage.outbox.absence import AbsenceRepository
from storage.outbox.repository import OutboxRepository
from storage.privacy.direct_requests import DirectRequestRepository
from storage.release.detention import DetentionRepository, HuisverbodRepository
from storage.release.nazorg import NazorgRepository
from storage.repositories import (
    AuditRepository,
    FormRepository,
    GroupRepository,
    IdentityRepository,
    InviteRepository,
    MemberRepository,
    OrganisationRepository,
)
from storage.session import UowSession, mark_committed, uncommitted

R = TypeVar("R")


class Repo(Generic[R]):
    """A unit of work's repository attribute, built on the session when first used in it."""

    def __init__(self, factory: Callable[[Session], R]) -> None:
        self.factory = factory
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Repo[R]: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: UnitOfWork | None, owner: type) -> Repo[R] | R:
        if uow is None:
            return self
        found = uow._repos.get(self.name)
        if found is None:
            found = uow._repos[self.name] = self.factory(uow.session)
        return cast(R, found)


class UnitOfWork:
    """``with uow:`` opens a session (re-entrant); ``commit()`` commits; leaving a block rolls back
    whatever that block did not commit. The outermost block closes the session. Each repository is
    built on first use in a session: a command touches a few of them, not all."""

    organisations = Repo(OrganisationRepository)
    members = Repo(MemberRepository)
    identities = Repo(IdentityRepository)
    invites = Repo(InviteRepository)
    audit = Repo(AuditRepository)
    forms = Repo(FormRepository)
    groups = Repo(GroupRepository)
    outbox = Repo(OutboxRepository)
    cases = Repo(CaseRepository)
    signals = Repo(SignalRepository)
    regie = Repo(RegieRepository)
    actions = Repo(ActionRepository)
    detentions = Repo(DetentionRepository)
    huisverboden = Repo(HuisverbodRepository)
    absences = Repo(AbsenceRepository)
    meetings = Repo(MeetingRepository)
    info_requests = Repo(InfoRequestRepository)
    stale = Repo(StaleCaseQuery)
    mutaties = Repo(MutatieRepository)
    signal_import = Repo(SignalImportRepository)
    plan = Repo(PlanRepository)
    nazorg = Repo(NazorgRepository)
    direct_requests = Repo(DirectRequestRepository)
    escalations = Repo(EscalationRepository)
    code_rood = Repo(CodeRoodRepository)
    uploads = Repo(UploadRepository)
    polls = Repo(PollRepository)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session: UowSession | None = None
        self._depth = 0
        self._repos: dict[str, object] = {}

    @property
    def session(self) -> UowSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside a 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._depth == 0:
            self._session = UowSession(self.engine, expire_on_commit=False)
            self._repos = {}
        self._depth += 1
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        session = self.session
        if exc_type is not None or uncommitted(session) or session.new or session.dirty or session.deleted:
            self.rollback()
        if self._depth == 0:
            session.close()  # objects stay readable (detached) after the block
            self._session = None

    def commit(self) -> None:
        self._write_audit()
        self.session.commit()
        mark_committed(self.session)

    def rollback(self) -> None:
        if "audit" in self._repos:
            self.audit.discard_pending()
        self.session.rollback()
        mark_committed(self.session)

    def flush(self) -> None:
        self._write_audit()
        self.session.flush()

    def _write_audit(self) -> None:
        if "audit" in self._repos:
            self.audit.write_pending()
