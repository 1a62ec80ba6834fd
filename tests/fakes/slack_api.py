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
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.slack_signing import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

T = TypeVar("T")
Json = dict[str, Any]

_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
_RATE_LIMITED = frozenset({"chat.postMessage"})  # Slack's "1 message per second per channel"
_DEFAULT_ERRORS = {429: "ratelimited", 500: "fatal_error", 502: "fatal_error", 503: "service_unavailable"}


@dataclass(frozen=True)
class Call:
    """One request the fake received. ``method`` is a Web API method, ``"upload"`` (file bytes
    posted to an upload URL) or ``"response_url"`` (a post to a minted response URL)."""

    method: str
    params: Json
    token: str | None = None
    status: int = 200
    response: Json = field(default_factory=dict)
    key: str | None = None  # upload: file id; response_url: response id
    data: bytes = b""  # raw body of an "upload"
    at: float = 0.0  # event-loop (monotonic) time

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok", False))


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    data: bytes = b""
    title: str | None = None
    channel: str | None = None
    completed: bool = False


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str
    remaining: int


class FakeSlack:
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
        self._external_views: dict[str, str] = {}
        self._seq = itertools.count(1)
        self._cond = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._base = ""

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{rid}", self._response)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
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
    def add_user(
        self, user_id: str, real_name: str | None = None, email: str | None = None, **extra: Any
    ) -> Json:
        """Register a users.info answer (unknown ids get a synthesized user); ``extra`` overrides fields."""
        name = str(extra.pop("name", user_id.lower()))
        real = real_name or name.title()
        profile = dict(real_name=real, display_name=name, email=email or f"{name}@example.org")
        user = dict(id=user_id, team_id=self.team_id, name=name, real_name=real, deleted=False, is_bot=False)
        self.users[user_id] = {**user, "tz": "Europe/Amsterdam", "profile": profile, **extra}
        return self.users[user_id]

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

    async def _record_side(self, method: str, key: str, params: Json, status: int, data: bytes = b"") -> None:
        now = asyncio.get_running_loop().time()
        await self._record(Call(method, params, None, status, {"ok": status == 200}, key, data, now))

    # ------------------------------------------------------------------- methods
    def _ts(self) -> str:
        return f"{int(time.time())}.{next(self._seq):06d}"

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq):010d}"

    def _dm(self, user_id: str) -> str:
        return f"D{user_id}"

    def _message(self, params: Json, ts: str) -> Json:
        msg: Json = dict(type="message", user=self.bot_user_id, bot_id=self.bot_id, app_id=APP_ID, ts=ts)
        msg.update(text=params.get("text", ""), team=self.team_id)
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                msg[key] = params[key]
        return msg

    def _m_auth_test(self, params: Json) -> Json:
        url = f"https://{TEAM_DOMAIN}.slack.com/"
        ids = dict(team_id=self.team_id, user_id=self.bot_user_id, bot_id=self.bot_id)
        return dict(ok=True, url=url, team="Keten Test", user="ketenbot", **ids, is_enterprise_install=False)

    def _m_chat_postMessage(self, params: Json) -> Json:
        channel = str(params.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the DM with that user
            channel = self._dm(channel)
        ts = self._ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(params, ts)}

    def _m_chat_update(self, params: Json) -> Json:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "invalid_arguments"}
        msg = self._message(params, str(ts))
        return {"ok": True, "channel": channel, "ts": ts, "text": msg["text"], "message": msg}

    def _m_chat_postEphemeral(self, params: Json) -> Json:
        if not params.get("channel") or not params.get("user"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "message_ts": self._ts()}

    def _view(self, view: Json, view_id: str | None = None) -> Json:
        vid = view_id or self._id("V")
        ext = str(view.get("external_id") or "")
        if ext:
            vid = self._external_views.setdefault(ext, vid)
        out: Json = dict(
            type="modal", blocks=[], private_metadata="", callback_id="", close=None, submit=None
        )
        out.update(
            view, id=vid, team_id=self.team_id, external_id=ext, state={"values": {}}, root_view_id=vid
        )
        out.update(
            hash=f"{int(time.time())}.{vid.lower()}", previous_view_id=None, app_id=APP_ID, bot_id=self.bot_id
        )
        return out

    def _m_views_open(self, params: Json) -> Json:
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(params.get("view"), dict):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": self._view(params["view"])}

    _m_views_push = _m_views_open

    def _m_views_update(self, params: Json) -> Json:
        view, view_id, ext = params.get("view"), params.get("view_id"), params.get("external_id")
        if not isinstance(view, dict) or not (view_id or ext):
            return {"ok": False, "error": "invalid_arguments"}
        if ext and not view_id:
            view_id = self._external_views.get(str(ext))
            if view_id is None:
                return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._view(view, str(view_id))}

    def _m_views_publish(self, params: Json) -> Json:
        view, user_id = params.get("view"), params.get("user_id")
        if not isinstance(view, dict) or not user_id:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": self._view({"type": "home", **view}, f"VH{user_id}")}

    def _m_conversations_open(self, params: Json) -> Json:
        if params.get("channel"):
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": params["channel"]}}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        cid = self._dm(users[0]) if len(users) == 1 else "G" + "".join(sorted(users))
        already = cid in self._open_dms
        self._open_dms.add(cid)
        return {"ok": True, "no_op": already, "already_open": already, "channel": {"id": cid}}

    def _m_users_info(self, params: Json) -> Json:
        user_id = str(params.get("user") or "")
        if not user_id:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self.users.get(user_id) or self.add_user(user_id)}

    def _m_files_getUploadURLExternal(self, params: Json) -> Json:
        filename, length = params.get("filename"), params.get("length")
        if not filename or length is None:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._id("F")
        self._uploads[file_id] = Upload(file_id, str(filename), int(length))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: Json) -> Json:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        channel = params.get("channel_id") or (str(params.get("channels") or "").split(",")[0] or None)
        out: list[Json] = []
        for item in files:
            upload = self._uploads.get(str(item.get("id")))
            if upload is None:
                return {"ok": False, "error": "file_not_found"}
            upload.title = item.get("title") or upload.filename
            upload.channel, upload.completed = channel, True
            info = dict(id=upload.file_id, created=int(time.time()), name=upload.filename, title=upload.title)
            url = f"{self.base_url}/files/{upload.file_id}"
            size, channels = len(upload.data), [channel] if channel else []
            out.append(dict(info, user=self.bot_user_id, size=size, url_private=url, channels=channels))
        return {"ok": True, "files": out}
