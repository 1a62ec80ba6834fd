"""The unit of work's session class, and the one read it may answer twice from memory.

``UowSession`` carries its event listeners on the class (registered once, not per session: listening on
each new session cost ~30 µs a command). It keeps two facts in ``session.info``:

- ``uncommitted``: something was flushed since the last commit or rollback (the unit of work rolls it back
  when a block ends without a commit);
- the last need-to-know answer (``remember``/``recall``): the router's gate asks "may this member see case
  CODE?" and the handler asks the same question right after it (``/regie CODE``: the same query twice). The
  answer is reused only when **no statement at all** ran on the session in between, and nothing was
  flushed, committed or rolled back: any of those forgets it. So the handler's check is the gate's check, on
  the same snapshot, never an older one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

_MEMO = "ketenbot.last_read"
_UNCOMMITTED = "ketenbot.uncommitted"


class UowSession(Session):
    """A session whose listeners are registered once, on the class."""

    def connection(self, *args: Any, **kwargs: Any) -> Any:
        # a statement run on the session's connection directly (outbox marks, claims) passes no ORM event
        self.info.pop(_MEMO, None)
        return super().connection(*args, **kwargs)


def remember(session: Session, key: tuple[Any, ...], value: Any) -> None:
    if isinstance(session, UowSession):
        session.info[_MEMO] = (key, value)


def recall(session: Session, key: tuple[Any, ...]) -> tuple[bool, Any]:
    """(True, value) when ``key`` was the last thing remembered and nothing ran since; else (False, None)."""
    found = session.info.get(_MEMO) if isinstance(session, UowSession) else None
    if found is not None and found[0] == key:
        return True, found[1]
    return False, None


def uncommitted(session: Session) -> bool:
    return bool(session.info.get(_UNCOMMITTED))


def mark_committed(session: Session) -> None:
    session.info[_UNCOMMITTED] = False


@event.listens_for(UowSession, "do_orm_execute")
def _executing(state: ORMExecuteState) -> None:
    state.session.info.pop(_MEMO, None)


@event.listens_for(UowSession, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    session.info.pop(_MEMO, None)
    session.info[_UNCOMMITTED] = True


@event.listens_for(UowSession, "after_commit")
@event.listens_for(UowSession, "after_soft_rollback")
def _ended(session: Session, *_: object) -> None:
    session.info.pop(_MEMO, None)
