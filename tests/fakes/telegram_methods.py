"""The Bot API methods the fake implements (the ``_api_*`` coroutines), on top of its recorded state."""

from __future__ import annotations

import asyncio
import contextlib

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_state import BotState, Call, Document
from tests.fakes.telegram_updates import JSON, ApiError

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class BotApiMethods(BotState):
    def __init__(self, *, token: str | None = None, bot_username: str = "ketenbot_test") -> None:
        super().__init__(token=token, bot_username=bot_username)
        self._cond = asyncio.Condition()
        self._closing = False
        self._poll_generation = 0  # every getUpdates starts a new one: an older parked poll is cut off

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
            if timeout > 0:  # a long poll cuts off an older parked one; a final confirming call does not
                self._poll_generation += 1
                self._cond.notify_all()
            generation = self._poll_generation
            if offset > 0:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            elif offset < 0:
                self.pending = self.pending[offset:]
            if timeout > 0 and not (self.pending or self._closing):
                self.waiting_polls += 1  # long poll: until an update is queued, stop(), another poll, timeout
                self._cond.notify_all()
                try:
                    with contextlib.suppress(TimeoutError):
                        ready = self._cond.wait_for(
                            lambda: bool(self.pending or self._closing) or self._poll_generation != generation
                        )
                        await asyncio.wait_for(ready, timeout)
                finally:
                    self.waiting_polls -= 1
                if self._poll_generation != generation and call.client_connected():
                    raise ApiError(409, CONFLICT)  # as Telegram: a second poller cuts off the first
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
