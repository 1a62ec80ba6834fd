"""Demo cases made stale for the watchdog's tests (schedules/stale.py), on the console, Telegram and Slack."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from storage.cases.tables import Action
from tests.harness import Chat


def finish_all_actions(chat: Chat, code: str, at: datetime) -> None:
    """Every action of case ``code`` created the day before ``at`` and done at ``at``: nothing planned
    after it."""
    with chat.app.uow() as uow:
        case = uow.cases.by_code(code)
        assert case is not None
        done = update(Action).where(col(Action.case_id) == case.id)
        uow.session.execute(done.values(done_at=at, created_at=at - timedelta(days=1)))
        uow.commit()
