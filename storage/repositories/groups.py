"""Group chats linked to a purpose (the triage group), on whichever platform they live."""

from __future__ import annotations

from sqlmodel import select

from storage.models import GroupChat
from storage.repositories.base import Repository


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
        group.title = title[:120] if title else title
        group.purpose = purpose
        self.session.add(group)
        self.session.flush()
        return group
