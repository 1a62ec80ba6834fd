"""A fake Telegram Bot API server (aiohttp) for end-to-end tests against the real PTB client.

Point PTB at it with ``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)``.
Requests arrive as ``POST /bot<TOKEN>/<method>``. PTB 22 sends parameters form-encoded
(``application/x-www-form-urlencoded``; every non-string value JSON-dumped, e.g. ``chat_id=42``,
``reply_markup={"inline_keyboard": ...}``), ``multipart/form-data`` when a file is uploaded, and no
body at all for parameterless calls such as getMe. JSON bodies are accepted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_updates import JSON, ApiError, ChatId, UploadedFile

__all__ = ["ApiError", "Call", "Document", "FakeTelegram", "UploadedFile"]
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
class _Fault:
    status: int
    description: str
    retry_after: int | None
    count: int
    disconnect: bool


class FakeTelegram:
    """In-process Bot API. All state is public for assertions; push_* inject updates."""

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
        self._chats: dict[ChatId, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._files: dict[str, UploadedFile] = {}
        self._documents: list[Document] = []
        self._open_queries: set[str] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._limits: Limits | None = None
        self._bot_id = 1
        self._last_update_id = 0
        self._message_ids = itertools.count(100)
        self._ids = itertools.count(1)
        self._cond = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release long-polling getUpdates requests, then shut the server down."""
        async with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ----------------------------------------------------------------- assertions
    def sent_messages(self, chat_id: ChatId | None = None) -> list[JSON]:
        """Messages (Bot API ``Message`` dicts) successfully sent with sendMessage."""
        msgs = [c.result for c in self.calls if c.method == "sendMessage" and c.ok]
        return [m for m in msgs if chat_id is None or m["chat"]["id"] == chat_id]

    def documents(self, chat_id: ChatId | None = None) -> list[Document]:
        return [d for d in self._documents if chat_id is None or d.chat_id == chat_id]

    def commands_for(self, language_code: str = "", scope: JSON | None = None) -> list[JSON] | None:
        return self._commands.get((self._scope_key(scope), language_code))

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (woken by every call, push and poll) until ``condition()``; TimeoutError otherwise."""
        async with self._cond:
            await asyncio.wait_for(self._cond.wait_for(condition), timeout)

    async def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """First recorded call (from index ``since``) matching ``predicate``; TimeoutError otherwise."""
        found: list[Call] = []

        def check() -> bool:
            found.extend(c for c in self.calls[since:] if predicate(c))
            return bool(found)

        try:
            await self.wait_until(check, timeout)
        except TimeoutError:
            seen = [(c.method, c.status) for c in self.calls[since:]]
            raise TimeoutError(f"no matching call within {timeout}s; saw {seen}") from None
        return found[0]

    # ----------------------------------------------------------------- injection
    async def push_update(self, update: JSON) -> int:
        """Queue a raw update; ``update_id`` is assigned (increasing) unless given."""
        async with self._cond:
            update = {**update, "update_id": update.get("update_id", self._last_update_id + 1)}
            self._last_update_id = max(self._last_update_id, update["update_id"])
            self.pending.append(update)
            self._cond.notify_all()
        return int(update["update_id"])

    async def push_message(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        *,
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "nl",
        title: str | None = None,
    ) -> int:
        """Queue a user's text message (with bot_command entity for '/...'); returns the update_id."""
        sender = tu.user(user_id, first_name=first_name, username=username, language_code=language_code)
        chat = self._chats[chat_id] = tu.chat(chat_id, chat_type, title=title, first_name=first_name)
        msg = self._store(tu.message(next(self._message_ids), chat, sender, text=text))
        return await self.push_update({"message": msg})

    async def push_callback(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str = "Test",
        language_code: str | None = "nl",
    ) -> int:
        """Queue a button press on (bot) message ``message_id``; returns the update_id."""
        msg = self.messages.get((chat_id, message_id)) or tu.message(
            message_id, self._chat(chat_id), self._me(), text="…"
        )
        query_id = str(next(self._ids))
        self._open_queries.add(query_id)
        sender = tu.user(user_id, first_name=first_name, language_code=language_code)
        return await self.push_update({"callback_query": tu.callback_query(query_id, sender, msg, data)})

    async def push_migrate(self, chat_id: int, new_chat_id: int, *, user_id: int = 1) -> int:
        """Group -> supergroup upgrade: old-chat message with migrate_to_chat_id (+ the
        migrate_from_chat_id one in the new chat). Later sends to ``chat_id`` get ChatMigrated."""
        self.migrated[chat_id] = new_chat_id
        old = self._chats.get(chat_id) or tu.chat(chat_id, "group")
        new = self._chats[new_chat_id] = tu.chat(new_chat_id, "supergroup", title=old.get("title"))
        sender = tu.user(user_id)
        first = await self.push_update(
            {"message": tu.message(next(self._message_ids), old, sender, migrate_to_chat_id=new_chat_id)}
        )
        await self.push_update(
            {"message": tu.message(next(self._message_ids), new, sender, migrate_from_chat_id=chat_id)}
        )
        return first

    async def deliver_via_webhook(
        self, update: JSON, *, secret: str | None = None, omit_secret: bool = False
    ) -> int:
        """POST ``update`` to the URL from setWebhook; returns the receiver's HTTP status."""
        if not self.webhook_url:
            raise RuntimeError("setWebhook was not called with a url")
        if "update_id" not in update:
            self._last_update_id += 1
            update = {**update, "update_id": self._last_update_id}
        token = secret if secret is not None else self.webhook_secret
        headers = {} if omit_secret or token is None else {"X-Telegram-Bot-Api-Secret-Token": token}
        timeout = aiohttp.ClientTimeout(total=5)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.webhook_url, json=update, headers=headers) as resp,
        ):
            return resp.status

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
        fault = _Fault(status, description, retry_after if status == 429 else None, count, disconnect)
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

    # ----------------------------------------------------------------- HTTP plumbing
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        params, files, encoding = await tu.parse_body(request)
        call = Call(method, params, files, encoding, time.monotonic())
        fault = self._take_fault(method)
        try:
            if self.token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            self._bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
            if fault is not None:
                extra = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
                raise ApiError(fault.status, fault.description, extra)
            api = getattr(self, f"_api_{method}", None)  # Bot API methods are the _api_* coroutines
            if api is None:
                raise ApiError(404, "Not Found")
            call.response = {"ok": True, "result": await api(call)}
        except ApiError as err:
            call.status, call.violation = err.status, err.violation
            call.response = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                call.response["parameters"] = err.parameters
        async with self._cond:
            self.calls.append(call)
            if call.violation:
                self.limit_violations.append(call)
            self._cond.notify_all()
        if fault is not None and fault.disconnect and request.transport is not None:
            request.transport.abort()  # client sees a dropped connection (PTB: NetworkError)
        return web.json_response(call.response, status=call.status)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        stored = self._files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

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

    # ----------------------------------------------------------------- Bot API methods
    async def _api_close(self, call: Call) -> bool:
        return True

    _api_logOut = _api_close

    async def _api_getMe(self, call: Call) -> JSON:
        return self._me()

    async def _api_getUpdates(self, call: Call) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(call.params.get("offset") or 0)
        limit = int(call.params.get("limit") or 100)
        timeout = float(call.params.get("timeout") or 0)
        async with self._cond:
            if offset > 0:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            elif offset < 0:
                self.pending = self.pending[offset:]
            if timeout > 0 and not (self.pending or self._closing):
                self.waiting_polls += 1  # long poll: until an update is queued, stop() or the timeout
                self._cond.notify_all()
                try:
                    with contextlib.suppress(TimeoutError):
                        ready = self._cond.wait_for(lambda: bool(self.pending or self._closing))
                        await asyncio.wait_for(ready, timeout)
                finally:
                    self.waiting_polls -= 1
            return self.pending[:limit]

    async def _api_setWebhook(self, call: Call) -> bool:  # deleteWebhook == setWebhook without url
        self.webhook_url = call.params.get("url") or None
        self.webhook_secret = call.params.get("secret_token") if self.webhook_url else None
        if call.params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    _api_deleteWebhook = _api_setWebhook

    async def _api_getWebhookInfo(self, call: Call) -> JSON:
        url = self.webhook_url or ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self.pending)}

    async def _api_sendMessage(self, call: Call) -> JSON:
        chat_id = self._check_send(call)
        return self._bot_message(call, chat_id, text=str(call.params.get("text", "")))

    async def _api_sendDocument(self, call: Call) -> JSON:
        chat_id = self._check_send(call)
        upload = call.files.get("document")
        if upload is not None:
            file_id = f"doc{next(self._ids)}"
            self._files[file_id] = upload
        else:
            file_id = str(call.params.get("document"))
            if (upload := self._files.get(file_id)) is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        caption = call.params.get("caption")
        self._documents.append(
            Document(chat_id, file_id, upload.filename, upload.mime_type, upload.data, caption)
        )
        doc = tu.document(file_id, upload.filename, upload.mime_type, len(upload.data))
        return self._bot_message(call, chat_id, document=doc, caption=caption)

    async def _api_editMessageText(self, call: Call) -> JSON | bool:
        if call.params.get("inline_message_id"):
            return True
        key = (tu.parse_chat_id(call.params.get("chat_id")), int(call.params.get("message_id") or 0))
        if (old := self.messages.get(key)) is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if old.get("from", {}).get("id") != self._bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        if call.method == "editMessageText":
            new["text"] = str(call.params.get("text", ""))
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise ApiError(400, "Bad Request: message is not modified")
        return self._store({**new, "edit_date": tu.now_ts()})

    async def _api_answerCallbackQuery(self, call: Call) -> bool:
        query_id = str(call.params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        self._open_queries.discard(query_id)
        return True

    _api_editMessageReplyMarkup = _api_editMessageText

    async def _api_setMyCommands(self, call: Call) -> bool:
        key = (self._scope_key(call.params.get("scope")), call.params.get("language_code") or "")
        self._commands[key] = list(call.params.get("commands") or [])
        return True

    async def _api_deleteMyCommands(self, call: Call) -> bool:
        key = (self._scope_key(call.params.get("scope")), call.params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    async def _api_getMyCommands(self, call: Call) -> list[JSON]:
        return self.commands_for(call.params.get("language_code") or "", call.params.get("scope")) or []

    async def _api_getChat(self, call: Call) -> JSON:
        return tu.chat_full_info(self._chat(tu.parse_chat_id(call.params.get("chat_id"))))

    async def _api_getFile(self, call: Call) -> JSON:
        file_id = str(call.params.get("file_id"))
        if (stored := self._files.get(file_id)) is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {**tu.document(file_id, None, None, len(stored.data)), "file_path": f"documents/{file_id}"}
