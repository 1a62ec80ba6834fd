"""An in-process fake of the Slack Web API for end-to-end tests (aiohttp, 127.0.0.1 only).

Point a real ``AsyncWebClient(base_url=fake.api_url)`` at it. Every request is recorded
as a :class:`Call`; tests wait for effects with :meth:`FakeSlack.wait_for` (an
``asyncio.Condition`` notified on each call — no sleep polling).

Parameters arrive the way slack-sdk sends them: query string (``params=``, e.g.
files.getUploadURLExternal), form body (``data=``) or JSON body (``json=``, e.g.
chat.postMessage); all three are merged. JSON-valued form fields (blocks, view, files...)
are decoded. The token comes from ``Authorization: Bearer`` (falling back to a ``token``
parameter) and is not recorded in ``params``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import socket
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.slack_methods import Call, Json, SlackMethods, Upload
from tests.fakes.slack_signing import BOT_ID, BOT_USER_ID, TEAM_ID

__all__ = ["Call", "FakeSlack", "Upload"]

T = TypeVar("T")

_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
_RATE_LIMITED = frozenset({"chat.postMessage"})  # Slack's "1 message per second per channel"
_DEFAULT_ERRORS = {429: "ratelimited", 500: "fatal_error", 502: "fatal_error", 503: "service_unavailable"}


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str
    remaining: int


class FakeSlack(SlackMethods):
    def __init__(
        self, *, team_id: str = TEAM_ID, bot_user_id: str = BOT_USER_ID, bot_id: str = BOT_ID
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.users: dict[str, Json] = {}
        self.limit_violations = 0
        # channel -> event-loop times of accepted chat.postMessage calls (used by enforce_limits)
        self.accepted_at: dict[str, list[float]] = defaultdict(list)
        self._min_interval: float | None = None
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._uploads: dict[str, Upload] = {}
        self._open_dms: set[str] = set()
        self.outside: set[str] = set()  # channels the bot was not invited to (tests add to it)
        self._external_views: dict[str, str] = {}
        self._hosted: dict[str, Json] = {}  # files users shared, downloadable with the bot token
        self._seq = itertools.count(1)
        self._cond = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._base = ""

    # ----------------------------------------------------------------- lifecycle
    async def start(self, sock: socket.socket | None = None) -> None:
        """On a free port, or on ``sock``: bound earlier but not listening, so that clients pointed at it
        are refused until the fake starts (Slack unreachable, then back)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{rid}", self._response)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site: web.BaseSite = (
            web.TCPSite(runner, "127.0.0.1", 0) if sock is None else web.SockSite(runner, sock)
        )
        await site.start()
        host, port = runner.addresses[0][:2]
        self._base = f"http://{host}:{port}"
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if not self._base:
            raise RuntimeError("FakeSlack is not started")
        return self._base

    @property
    def api_url(self) -> str:
        """What ``AsyncWebClient(base_url=...)`` takes."""
        return f"{self.base_url}/api/"

    def mint_response_url(self) -> str:
        return f"{self.base_url}/response/R{next(self._seq):08d}"

    # ------------------------------------------------------------ configuration
    def host_file(self, name: str, data: bytes, mimetype: str, *, user: str, size: int | None = None) -> Json:
        """A file ``user`` shared: the file object Slack puts in a ``file_share`` message event. Its
        ``url_private_download`` answers only with the bot token (``Authorization: Bearer``); ``size``
        overrides the announced size."""
        file_id = self._id("F")
        url = f"{self.base_url}/files-pri/{file_id}/{name}"
        info: Json = dict(id=file_id, name=name, title=name, mimetype=mimetype, user=user, url_private=url)
        info.update(filetype=name.rpartition(".")[2], size=len(data) if size is None else size)
        self._hosted[file_id] = {**info, "url_private_download": url, "_data": data}
        return {k: v for k, v in self._hosted[file_id].items() if k != "_data"}

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with ``status`` and ``{"ok": false, "error": ...}``;
        a 429 carries ``Retry-After``. ``method`` may also be ``"upload"`` or ``"response_url"``."""
        err = error or _DEFAULT_ERRORS.get(status, "fatal_error")
        self._faults[method].append(_Fault(status, retry_after if status == 429 else None, err, count))

    def enforce_limits(self, per_channel_per_s: float | None = 1.0) -> None:
        """Answer 429 to chat.postMessage faster than ``per_channel_per_s`` per channel (None: off)."""
        self._min_interval = None if per_channel_per_s is None else 1.0 / per_channel_per_s

    # ---------------------------------------------------------------- inspection
    def called(self, method: str) -> list[Call]:
        """All calls of ``method``, including rejected ones."""
        return [c for c in self.calls if c.method == method]

    def posted(self, channel: str | None = None) -> list[Call]:
        """Accepted chat.postMessage calls (to ``channel`` as sent, or as resolved, e.g. U… -> D…)."""
        return [
            c
            for c in self.calls
            if c.method == "chat.postMessage"
            and c.ok
            and (channel is None or channel in (c.params.get("channel"), c.response.get("channel")))
        ]

    def views(self, kind: str | None = None) -> list[Call]:
        """Accepted views.* calls; ``kind`` is "open", "push", "update" or "publish"."""
        want = f"views.{kind}" if kind else None
        return [c for c in self.calls if c.method.startswith("views.") and c.ok and want in (None, c.method)]

    def uploads(self) -> list[Upload]:
        return list(self._uploads.values())

    def responses(self, url_or_id: str | None = None) -> list[Call]:
        rid = url_or_id.rsplit("/", 1)[-1] if url_or_id else None
        return [c for c in self.calls if c.method == "response_url" and rid in (None, c.key)]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every recorded call); return its value."""
        result: list[T] = []

        def check() -> bool:
            result[:] = [predicate()]
            return bool(result[0])

        try:
            async with asyncio.timeout(timeout), self._cond:
                await self._cond.wait_for(check)
        except TimeoutError:
            seen = [(c.method, c.status, c.params.get("text")) for c in self.calls]
            raise TimeoutError(
                f"FakeSlack.wait_for: not satisfied within {timeout}s; calls: {seen}"
            ) from None
        return result[0]

    # ------------------------------------------------------------------- plumbing
    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._cond:
            self._cond.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    @staticmethod
    async def _params(request: web.Request) -> Json:
        params: Json = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(parse_qsl(raw.decode(), keep_blank_values=True))
        for key in _JSON_FIELDS:
            value = params.get(key)
            if isinstance(value, str) and value.startswith(("[", "{")):
                params[key] = json.loads(value)
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.pop("token", None)
        params.pop("token", None)
        now = asyncio.get_running_loop().time()
        status, headers, body = 200, {}, self._dispatch(method, params, token, now)
        if "_status" in body:
            status = body.pop("_status")
            if (retry_after := body.pop("_retry_after", None)) is not None:
                headers["Retry-After"] = str(retry_after)
        await self._record(Call(method, params, token, status, body, at=now))
        return web.json_response(body, status=status, headers=headers)

    def _dispatch(self, method: str, params: Json, token: str | None, now: float) -> Json:
        if fault := self._take_fault(method):
            return dict(ok=False, error=fault.error, _status=fault.status, _retry_after=fault.retry_after)
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith("xox"):
            return {"ok": False, "error": "invalid_auth"}
        if method in _RATE_LIMITED and self._min_interval is not None:
            accepted = self.accepted_at[str(params.get("channel"))]
            wait = accepted[-1] + self._min_interval - now if accepted else 0.0
            if wait > 0:
                self.limit_violations += 1
                return dict(ok=False, error="ratelimited", _status=429, _retry_after=max(1, math.ceil(wait)))
        handler: Callable[[Json], Json] | None = getattr(self, "_m_" + method.replace(".", "_"), None)
        body = handler(params) if handler else {"ok": False, "error": "unknown_method"}
        if method in _RATE_LIMITED and body.get("ok"):
            self.accepted_at[str(params.get("channel"))].append(now)
        return body

    async def _upload(self, request: web.Request) -> web.Response:
        file_id, data = request.match_info["file_id"], await request.read()
        upload = self._uploads.get(file_id)
        fault = self._take_fault("upload")
        status = fault.status if fault else (200 if upload else 404)
        if status == 200 and upload:
            upload.data = data
        params: Json = {"filename": upload.filename if upload else None, "length": len(data)}
        await self._record_side("upload", file_id, params, status, data)
        return web.Response(status=status, text=f"OK - {len(data)}" if status == 200 else "upload failed")

    async def _response(self, request: web.Request) -> web.Response:
        fault = self._take_fault("response_url")
        status = fault.status if fault else 200
        params = await self._params(request)
        await self._record_side("response_url", request.match_info["rid"], params, status)
        return web.Response(status=status, text="ok" if status == 200 else "error")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        hosted = self._hosted.get(file_id)
        status = 404 if hosted is None else 200 if token and token.startswith("xoxb-") else 403
        data: bytes = hosted["_data"] if hosted is not None and status == 200 else b""
        now = asyncio.get_running_loop().time()
        params: Json = {"file_id": file_id, "length": len(data)}
        await self._record(Call("download", params, token, status, {"ok": status == 200}, file_id, b"", now))
        if status != 200:
            return web.Response(status=status, text="not allowed")
        return web.Response(body=data, content_type="application/octet-stream")

    async def _record_side(self, method: str, key: str, params: Json, status: int, data: bytes = b"") -> None:
        now = asyncio.get_running_loop().time()
        await self._record(Call(method, params, None, status, {"ok": status == 200}, key, data, now))
