"""The Slack Web API methods FakeSlack answers (a mixin), and the records it keeps of calls and uploads.

Each ``_m_<method>`` takes the merged request parameters and returns Slack's JSON answer; the server part
(routing, tokens, faults, rate limits, recording) lives in :mod:`tests.fakes.slack_api`.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.slack_signing import APP_ID, TEAM_DOMAIN

Json = dict[str, Any]


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


class SlackMethods:
    """Web API methods; FakeSlack sets these attributes."""

    team_id: str
    bot_user_id: str
    bot_id: str
    _seq: itertools.count[int]
    _uploads: dict[str, Upload]
    _open_dms: set[str]
    _external_views: dict[str, str]
    _hosted: dict[str, Json]
    outside: set[str]  # channels the bot is not a member of: posts and file shares there fail
    users: dict[str, Json]

    @property
    def base_url(self) -> str:
        raise NotImplementedError

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
        if channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
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
        if channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
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
