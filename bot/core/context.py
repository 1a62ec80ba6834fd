"""What a handler gets beside the message: the member, a unit of work, the clock, the outbox helpers."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.clock import Clock
from bot.core.i18n import Catalogue, Text
from bot.core.types import MAX_UPLOAD_BYTES, Button, FileAttachment, Incoming, Reply
from storage.outbox.forwarding import About
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.core.commands import Command
    from bot.core.forms import FormEngine


@dataclass(frozen=True)
class MemberView:
    """A member as handlers see it: plain values, safe to use after the session closed."""

    id: int
    name: str
    organisation_id: int
    organisation_name: str
    roles: frozenset[str]
    language: str
    active: bool = True

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class CoreConfig:
    default_language: str = "nl"
    invite_ttl_days: int = 7
    max_text_length: int = 4000
    max_upload_bytes: int = MAX_UPLOAD_BYTES  # a bigger uploaded file is refused, politely
    show_special_categories: bool = False  # KETENBOT_SHOW_SPECIAL_CATEGORIES (handlers/privacy/policy.py)
    release_scenario: str | None = None  # KETENBOT_RELEASE_SCENARIO (handlers/release/scenario.py)


@dataclass
class Context:
    incoming: Incoming
    member: MemberView | None
    uow: UnitOfWork
    clock: Clock
    language: str
    config: CoreConfig
    forms: FormEngine
    correlation_id: str
    commands: Callable[[frozenset[str] | None], list[Command]] | None = None
    catalogue: Catalogue | None = None  # for handlers that render text into files (charts, CSV)
    # the case this request concerns (``concerns``): the router's audit row names it
    case_id: int | None = None
    # set by a handler whose every answer belongs in the direct chat (justice data): from a group, a refusal
    # goes there too, and the group gets the same one line as for an answer (``refuse_in_direct``)
    refusals_in_direct: bool = False

    def refuse_in_direct(self) -> None:
        """From here on a refusal (``UserError``) asked in a group is answered in the asker's direct chat."""
        self.refusals_in_direct = True

    def concerns(self, case_id: int | None) -> None:
        """Note the case this request is about, also when it is then refused (unknown to the caller, not
        allowed, wrong state): the router's audit row for the command or press names the case, so
        ``ketenbot audit --case`` and ``/casus CODE log`` show refused attempts too."""
        if case_id is not None:
            self.case_id = case_id

    def render(self, text: Text | str) -> str:
        """Text in this member's language, for content that leaves the chat as a file."""
        if self.catalogue is None:
            return text if isinstance(text, str) else text.key
        return self.catalogue.render(text, self.language)

    def require_member(self) -> MemberView:
        from bot.core.errors import UserError

        if self.member is None:
            raise UserError("core.unknown_identity")
        return self.member

    def audit(
        self,
        what: str,
        *,
        kind: str = "read",
        case_id: int | None = None,
        detail: str | None = None,
        outcome: str = "ok",
    ) -> None:
        """Record a read or a change (inside the handler's unit of work: it commits with the change)."""
        self.uow.audit.add(
            at=self.clock.now(),
            member_id=self.member.id if self.member else None,
            platform=self.incoming.platform,
            chat_kind=str(self.incoming.chat_kind),
            kind=kind,
            name=what,
            case_id=case_id,
            outcome=outcome,
            detail=detail,
            correlation_id=self.correlation_id,
        )

    def notify(
        self,
        member_id: int,
        text: Text | Sequence[Text],
        *,
        key: str,
        buttons: Sequence[Button] = (),
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        file: FileAttachment | None = None,
        cases: About,
    ) -> bool:
        """Queue a direct message to a member through the outbox; rendered in their language when sent.
        ``cases`` (every writer says): the ids of the cases it is about, ``()`` for none, or ``PERSONAL``
        (``storage/outbox/forwarding.py``). A deputy receives it for an absent member only when they may
        know all of the cases; a personal message never."""
        payload = encode_reply(
            Reply(text if isinstance(text, Text) else list(text), buttons=buttons, file=file)
        )
        row = self.uow.outbox.add(
            key,
            payload,
            due_at=due_at or self.clock.now(),
            now=self.clock.now(),
            member_id=member_id,
            expires_at=expires_at,
            case_ids=cases,
        )
        return row is not None

    def notify_group(
        self,
        purpose: str,
        text: Text | Sequence[Text],
        *,
        key: str,
        buttons: Sequence[Button] = (),
        due_at: datetime | None = None,
    ) -> bool:
        payload = encode_reply(Reply(text if isinstance(text, Text) else list(text), buttons=buttons))
        row = self.uow.outbox.add(
            key, payload, due_at=due_at or self.clock.now(), now=self.clock.now(), group_purpose=purpose
        )
        return row is not None


def encode_reply(reply: Reply) -> dict[str, Any]:
    parts = [reply.text] if isinstance(reply.text, Text | str) else list(reply.text)
    encoded: dict[str, Any] = {
        "text": [p.to_json() if isinstance(p, Text) else {"raw": p} for p in parts],
        "buttons": [
            {
                "id": b.id,
                "label": b.label.to_json() if isinstance(b.label, Text) else {"raw": b.label},
                "value": b.value,
            }
            for b in reply.buttons
        ],
    }
    if reply.file is not None:  # small files only (an .ics invite): base64 inside the JSON payload
        encoded["file"] = {
            "name": reply.file.name,
            "mime": reply.file.mime,
            "data": base64.b64encode(reply.file.data).decode("ascii"),
        }
    return encoded


def decode_reply(payload: dict[str, Any]) -> Reply:
    def one(item: dict[str, Any]) -> Text | str:
        return str(item["raw"]) if "raw" in item else Text.from_json(item)

    file = payload.get("file")
    return Reply(
        [one(p) for p in payload.get("text", [])],
        buttons=[Button(b["id"], one(b["label"]), b.get("value", "")) for b in payload.get("buttons", [])],
        file=FileAttachment(file["name"], base64.b64decode(file["data"]), file["mime"]) if file else None,
    )
