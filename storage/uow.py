"""The unit of work: one session, the repositories on it, explicit commit, rollback otherwise."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine, event
from sqlmodel import Session

from storage.absence import AbsenceRepository
from storage.case_repository import CaseRepository
from storage.detention import DetentionRepository, HuisverbodRepository
from storage.direct_requests import DirectRequestRepository
from storage.escalation import CodeRoodRepository, EscalationRepository
from storage.flows_repository import (
    InfoRequestRepository,
    MutatieRepository,
    SignalImportRepository,
    StaleCaseQuery,
)
from storage.meeting_repository import MeetingRepository
from storage.nazorg import NazorgRepository
from storage.outbox import OutboxRepository
from storage.plan import PlanRepository
from storage.poll import PollRepository
from storage.regie_repository import ActionRepository, RegieRepository
from storage.repositories import (
    AuditRepository,
    FormRepository,
    GroupRepository,
    IdentityRepository,
    InviteRepository,
    MemberRepository,
    OrganisationRepository,
)
from storage.signal_repository import SignalRepository
from storage.uploads import UploadRepository


class UnitOfWork:
    """``with uow:`` opens a session (re-entrant); ``commit()`` commits; leaving a block rolls back
    whatever that block did not commit. The outermost block closes the session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session: Session | None = None
        self._depth = 0
        self._uncommitted = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside a 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._depth == 0:
            self._session = Session(self.engine, expire_on_commit=False)
            self._uncommitted = False
            event.listen(self._session, "after_flush", self._flushed)
            self._bind(self._session)
        self._depth += 1
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        session = self.session
        if exc_type is not None or self._uncommitted or session.new or session.dirty or session.deleted:
            self.rollback()
        if self._depth == 0:
            session.close()  # objects stay readable (detached) after the block
            self._session = None

    def _flushed(self, *_: object) -> None:
        self._uncommitted = True

    def _bind(self, session: Session) -> None:
        self.organisations = OrganisationRepository(session)
        self.members = MemberRepository(session)
        self.identities = IdentityRepository(session)
        self.invites = InviteRepository(session)
        self.audit = AuditRepository(session)
        self.forms = FormRepository(session)
        self.groups = GroupRepository(session)
        self.outbox = OutboxRepository(session)
        self.cases = CaseRepository(session)
        self.signals = SignalRepository(session)
        self.regie = RegieRepository(session)
        self.actions = ActionRepository(session)
        self.detentions = DetentionRepository(session)
        self.huisverboden = HuisverbodRepository(session)
        self.absences = AbsenceRepository(session)
        self.meetings = MeetingRepository(session)
        self.info_requests = InfoRequestRepository(session)
        self.stale = StaleCaseQuery(session)
        self.mutaties = MutatieRepository(session)
        self.signal_import = SignalImportRepository(session)
        self.plan = PlanRepository(session)
        self.nazorg = NazorgRepository(session)
        self.direct_requests = DirectRequestRepository(session)
        self.escalations = EscalationRepository(session)
        self.code_rood = CodeRoodRepository(session)
        self.uploads = UploadRepository(session)
        self.polls = PollRepository(session)

    def commit(self) -> None:
        self.session.commit()
        self._uncommitted = False

    def rollback(self) -> None:
        self.session.rollback()
        self._uncommitted = False

    def flush(self) -> None:
        self.session.flush()
