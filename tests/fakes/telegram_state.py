"""What the fake Bot API (:mod:`tests.fakes.telegram_api`) records and enforces: calls, messages, files,
commands, injected faults and Telegram's rate limits. The HTTP side lives in ``telegram_api``."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_updates import JSON, ApiError, ChatId, UploadedFile

_DESCRIPTIONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user"}
_DESCRIPTIONS |= {404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass(frozen=True)
class Document:
    chat_id: ChatId
    file_id: str
    filename: str | None
    mime_type: str | None
    data: bytes
    caption: str | None


@dataclass
class Call:
    """One request as the server saw it (recorded after it was answered)."""

    method: str
    params: JSON
    files: dict[str, UploadedFile] = field(default_factory=dict)
    encoding: str = "empty"  # "form" | "multipart" | "json" | "empty"
    at: float = 0.0  # server time.monotonic() on arrival
    status: int = 200
    response: JSON = field(default_factory=dict)
    violation: str | None = None  # rate-limit rule that rejected this call, if any
    connected: Callable[[], bool] = field(default=lambda: True, repr=False, compare=False)

    def client_connected(self) -> bool:
        """Whether the client that made this call still waits for the answer."""
        return self.connected()

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass(frozen=True)
class Limits:
    per_chat_per_s: float
    per_group_per_min: int
    overall_per_s: int
    grace: float  # seconds subtracted from each window to absorb client/server clock jitter


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None
    count: int
    disconnect: bool


class BotState:
    """All state is public for assertions."""

    def __init__(self, *, token: str | None = None, bot_username: str = "ketenbot_test") -> None:
        self.token, self.bot_username = token, bot_username  # token=None accepts any token
        self.calls: list[Call] = []
        self.limit_violations: list[Call] = []
        self.send_times: list[tuple[float, ChatId]] = []  # accepted sendMessage/sendDocument
        self.messages: dict[tuple[ChatId, int], JSON] = {}
        self.pending: list[JSON] = []  # updates not yet confirmed via getUpdates offset
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.blocked: set[ChatId] = set()
        self.waiting_polls = 0  # getUpdates requests currently parked in a long poll
        self.migrated: dict[ChatId, int] = {}
        self.downloads: list[str] = []  # file paths fetched from the file endpoint
        self._chats: dict[ChatId, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._files: dict[str, UploadedFile] = {}
        self._documents: list[Document] = []
        self._open_queries: set[str] = set()
        self._faults: dict[str, list[Fault]] = {}
        self.sick_chats: dict[str, int] = {}  # chat id -> retry_after: every call for that chat gets a 429
        self._limits: Limits | None = None
        self._bot_id = 1
        self._last_update_id = 0
        self._message_ids = itertools.count(100)
        self._ids = itertools.count(1)

    # ----------------------------------------------------------------- assertions
    def sent_messages(self, chat_id: ChatId | None = None) -> list[JSON]:
        """Messages (Bot API ``Message`` dicts) successfully sent with sendMessage."""
        msgs = [c.result for c in self.calls if c.method == "sendMessage" and c.ok]
        return [m for m in msgs if chat_id is None or m["chat"]["id"] == chat_id]

    def documents(self, chat_id: ChatId | None = None) -> list[Document]:
        return [d for d in self._documents if chat_id is None or d.chat_id == chat_id]

    def commands_for(self, language_code: str = "", scope: JSON | None = None) -> list[JSON] | None:
        return self._commands.get((self._scope_key(scope), language_code))

    def conflicts(self) -> list[Call]:
        """getUpdates calls answered 409: two pollers with the same token."""
        return [c for c in self.calls if c.method == "getUpdates" and c.status == 409]

    # ----------------------------------------------------------------- faults & limits
    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
        disconnect: bool = False,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with an error (or drop the connection)."""
        if description is None:
            description = f"Too Many Requests: retry after {retry_after}" if status == 429 else None
            description = description or _DESCRIPTIONS.get(status, "Error")
        fault = Fault(status, description, retry_after if status == 429 else None, count, disconnect)
        self._faults.setdefault(method, []).append(fault)

    def block_chat(self, chat_id: ChatId) -> None:
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: ChatId) -> None:
        self.blocked.discard(chat_id)

    def enforce_limits(
        self,
        per_chat_per_s: float = 1.0,
        per_group_per_min: int = 20,
        overall_per_s: int = 30,
        *,
        grace: float = 0.05,
        enabled: bool = True,
    ) -> None:
        self._limits = Limits(per_chat_per_s, per_group_per_min, overall_per_s, grace) if enabled else None

    def add_file(self, data: bytes, *, filename: str | None = None, mime_type: str | None = None) -> str:
        """Store a file as if a user had uploaded it; returns its file_id."""
        file_id = f"up{next(self._ids)}"
        self._files[file_id] = UploadedFile("document", filename, mime_type, data)
        return file_id

    def _take_fault(self, method: str, chat_id: object = None) -> Fault | None:
        sick = self.sick_chats.get(str(chat_id)) if chat_id is not None else None
        if sick is not None:
            return Fault(429, f"Too Many Requests: retry after {sick}", sick, 1, False)
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    # ----------------------------------------------------------------- helpers for the methods
    def _me(self) -> JSON:
        return tu.bot_user(self._bot_id, self.bot_username, "KetenBot")

    def _chat(self, chat_id: ChatId) -> JSON:
        return self._chats.get(chat_id) or tu.guess_chat(chat_id)

    def _store(self, msg: JSON) -> JSON:
        self.messages[(msg["chat"]["id"], msg["message_id"])] = msg
        return msg

    @staticmethod
    def _scope_key(scope: JSON | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def _check_send(self, call: Call) -> ChatId:
        chat_id = tu.parse_chat_id(call.params.get("chat_id"))
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if (lim := self._limits) is not None:
            window = max(1.0, 1.0 / lim.per_chat_per_s)
            same = [t for t, c in self.send_times if c == chat_id]
            rules = [("per_chat", window, max(1, round(lim.per_chat_per_s * window)), same)]
            if isinstance(chat_id, int) and chat_id < 0:
                rules.append(("per_group", 60.0, lim.per_group_per_min, same))
            rules.append(("overall", 1.0, lim.overall_per_s, [t for t, _ in self.send_times]))
            for name, span, cap, times in rules:
                recent = [t for t in times if t > call.at - (span - lim.grace)]
                if len(recent) >= cap:
                    retry = max(1, math.ceil(recent[0] + span - call.at))
                    err = ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
                    err.violation = name
                    raise err
        return chat_id

    def _bot_message(self, call: Call, chat_id: ChatId, **fields: Any) -> JSON:
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        reply_to = (call.params.get("reply_parameters") or {}).get("message_id")
        fields["reply_to_message"] = self.messages.get((chat_id, reply_to)) if reply_to else None
        msg = self._store(tu.message(next(self._message_ids), self._chat(chat_id), self._me(), **fields))
        self.send_times.append((call.at, chat_id))
        return msg
