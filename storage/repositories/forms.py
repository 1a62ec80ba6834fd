"""Half-filled forms: one state per (platform, chat, member)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from storage.models import FormState
from storage.repositories.base import Repository


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
