"""A fake Telegram Bot API server (aiohttp) for end-to-end tests against the real PTB client.

Point PTB at it with ``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)``.
Requests arrive as ``POST /bot<TOKEN>/<method>``. PTB 22 sends parameters form-encoded
(``application/x-www-form-urlencoded``; every non-string value JSON-dumped, e.g. ``chat_id=42``,
``reply_markup={"inline_keyboard": ...}``), ``multipart/form-data`` when a file is uploaded, and no
body at all for parameterless calls such as getMe. JSON bodies are accepted too.

The recorded state lives in ``telegram_state``, the Bot API methods in ``telegram_methods``; this module
is the HTTP server, waiting on what was recorded, and injecting updates.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_methods import BotApiMethods
from tests.fakes.telegram_state import Call, Document
from tests.fakes.telegram_updates import JSON, ApiError, UploadedFile

__all__ = ["ApiError", "Call", "Document", "FakeTelegram", "UploadedFile"]


class FakeTelegram(BotApiMethods):
    """In-process Bot API. All state is public for assertions; push_* inject updates."""

    def __init__(self, *, token: str | None = None, bot_username: str = "ketenbot_test") -> None:
        super().__init__(token=token, bot_username=bot_username)
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ----------------------------------------------------------------- lifecycle
    async def start(self, sock: socket.socket | None = None) -> None:
        """On a free port, or on ``sock``: a socket bound earlier but not listening, so that a client
        pointed at it is refused until the fake starts (Telegram unreachable, then back)."""
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site: web.BaseSite = (
            web.TCPSite(self._runner, "127.0.0.1", 0) if sock is None else web.SockSite(self._runner, sock)
        )
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

    # ----------------------------------------------------------------- waiting
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
        text: str | None,
        *,
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "nl",
        title: str | None = None,
        **extra: object,
    ) -> int:
        """Queue a user's message (with bot_command entity for '/...'); returns the update_id.
        ``extra`` adds Message fields (``document=..., caption=...``)."""
        sender = tu.user(user_id, first_name=first_name, username=username, language_code=language_code)
        chat = self._chats[chat_id] = tu.chat(chat_id, chat_type, title=title, first_name=first_name)
        msg = self._store(tu.message(next(self._message_ids), chat, sender, text=text, **extra))
        return await self.push_update({"message": msg})

    async def push_document(
        self,
        user_id: int,
        chat_id: int,
        data: bytes,
        *,
        filename: str,
        mime_type: str = "text/csv",
        caption: str | None = None,
        declared_size: int | None = None,
        chat_type: str = "private",
    ) -> int:
        """A user uploads a document (stored for getFile and the file endpoint); returns the update_id.
        ``declared_size`` overrides the ``file_size`` Telegram reports (to test size caps cheaply)."""
        file_id = self.add_file(data, filename=filename, mime_type=mime_type)
        doc = tu.document(file_id, filename, mime_type, len(data) if declared_size is None else declared_size)
        return await self.push_message(
            user_id, chat_id, None, chat_type=chat_type, document=doc, caption=caption
        )

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

    # ----------------------------------------------------------------- HTTP plumbing
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        params, files, encoding = await tu.parse_body(request)
        call = Call(method, params, files, encoding, time.monotonic())
        call.connected = lambda: request.transport is not None and not request.transport.is_closing()
        fault = self._take_fault(method, params.get("chat_id"))
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
        if self.token is not None and request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        stored = self._files.get(request.match_info["path"].rsplit("/", 1)[-1])
        async with self._cond:
            self.downloads.append(request.match_info["path"])
            self._cond.notify_all()
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
