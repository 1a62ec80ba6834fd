"""Helpers for the issue-10 network tests: fictional management members with a console identity."""

from __future__ import annotations

from storage.models import Role
from tests.harness import Chat


def add_member(chat: Chat, handle: str, name: str, organisation: str, *roles: str) -> int:
    """A fictional member of ``organisation`` with a console identity ``handle``; returns the member id."""
    now = chat.clock.now()
    with chat.app.uow() as uow:
        found = uow.organisations.by_name(organisation)
        assert found is not None and found.id is not None
        member = uow.members.add(name, found.id, list(roles) or [Role.PARTNER], at=now)
        assert member.id is not None
        uow.identities.link(member.id, "console", handle, display_name=name, direct_chat_id=handle, at=now)
        uow.commit()
        return member.id


def texts(replies: list) -> str:  # type: ignore[type-arg]
    return "\n".join(r.text for r in replies)
