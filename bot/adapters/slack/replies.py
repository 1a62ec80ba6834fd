"""The Slack adapter's replies: the router's answers to a request put on Slack (a form as a modal, the first
reply to a press on the pressed message, the rest as messages, direct when the bot is not in the channel).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.forms import FormContext, modal_view
from bot.adapters.slack.inbound import MessageRef
from bot.adapters.slack.outbound import SlackOutbound
from bot.core.i18n import Catalogue, t
from bot.core.types import Incoming, Outgoing

log = logging.getLogger("ketenbot.slack")

Body = Mapping[str, Any]
HINTED_KINDS = ("date", "datetime", "integer", "organisation", "case")
UNREACHABLE_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})


class SlackReplies:
    def __init__(
        self, client: AsyncWebClient, outbound: SlackOutbound, catalogue: Catalogue, default_language: str
    ) -> None:
        self.client = client
        self.outbound = outbound
        self.catalogue = catalogue
        self.default_language = default_language

    async def deliver(
        self,
        replies: Sequence[Outgoing],
        incoming: Incoming,
        *,
        trigger_id: str | None = None,
        ref: MessageRef | None = None,
        pressed: Body | None = None,
        label: str = "",
    ) -> None:
        """Put the router's replies on Slack: a form as a modal (when a trigger id allows), the first reply
        to a pressed message on it, the rest as messages (direct ones via conversations.open).

        The first reply replaces the pressed message when it is an update of it (``in_place``: a checklist
        ticked off) or a form's next step. Otherwise the pressed message keeps its text, loses its buttons
        and gets "→ choice" and the reply under it, as on Telegram (an alert keeps its description). A
        reply that ``keeps_buttons`` (a digest's hint) leaves the pressed message alone and is posted."""
        pending = list(replies)
        at = next((i for i, m in enumerate(pending) if m.form is not None), None)
        if at is not None and trigger_id and await self.open_modal(pending[at], incoming, trigger_id):
            # The modal replaces the step-by-step introduction ("form started, type /stop ...") and prompt.
            pending = pending[at + 1 :]
        unreachable: set[str] = set()
        for message in pending:
            if ref is not None and ref.ts and message.chat_id == ref.channel and message.refused:
                # the press changed nothing: the pressed message keeps its buttons, only the presser sees why
                await self.outbound.ephemeral(ref.channel, incoming.user_id, message)
                ref = None
                continue
            if ref is not None and ref.ts and message.chat_id == ref.channel and not message.keeps_buttons:
                if keeps_pressed(message, pressed, label) and pressed is not None:
                    await self.outbound.mark_answered(ref, pressed, label, message)
                else:
                    await self.outbound.update(ref, message)
                ref = None
                continue
            await self.post(message, incoming, unreachable)

    async def post(self, message: Outgoing, incoming: Incoming, unreachable: set[str] | None = None) -> None:
        """Post one reply. A slash command works in channels the bot is not in: then the user gets it
        directly, and so do the later replies to the same request (``unreachable`` remembers the channel,
        so a report's files are not uploaded twice)."""
        seen = unreachable if unreachable is not None else set()
        if message.chat_id in seen and incoming.user_id:
            await self.outbound.post(direct_to(message, incoming.user_id))
            return
        try:
            await self.outbound.post(message)
        except SlackApiError as error:
            if error.response.get("error") not in UNREACHABLE_CHANNEL or not incoming.user_id:
                raise
            if message.chat_id:
                seen.add(message.chat_id)
            await self.outbound.post(direct_to(message, incoming.user_id))

    async def open_modal(self, message: Outgoing, incoming: Incoming, trigger_id: str) -> bool:
        form = message.form
        assert form is not None
        language = message.language or self.default_language
        where = FormContext(form.form_id, incoming.chat_id, incoming.chat_kind)
        view = modal_view(
            form,
            where,
            submit=self.catalogue.render(t("form.submit_button"), language),
            close=self.catalogue.render(t("form.cancel_button"), language),
            hint=lambda kind: self.hint(kind, language),
        )
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:  # e.g. expired_trigger_id: fall back to the chat steps
            log.warning("could not open a modal (%s); asking step by step", error.response.get("error"))
            return False
        return True

    def hint(self, kind: str, language: str) -> str:
        return self.catalogue.render(t(f"form.hint_{kind}"), language) if kind in HINTED_KINDS else ""

    def late_errors(self, message: Outgoing) -> Outgoing:
        """Field errors that arrived after the modal closed, written out in the message."""
        if message.form is None or not message.form.errors:
            return message
        labels = {f.name: f.label for f in message.form.fields}
        language = message.language or self.default_language
        lines = [
            self.catalogue.render(t("slack.late_errors", field=labels.get(name, name), error=error), language)
            for name, error in message.form.errors.items()
        ]
        return replace(message, text="\n".join([message.text, *lines]), form=None)


def field_errors(replies: Sequence[Outgoing]) -> dict[str, str] | None:
    return next((dict(m.form.errors) for m in replies if m.form is not None and m.form.errors), None)


def keeps_pressed(message: Outgoing, pressed: Body | None, label: str) -> bool:
    """Whether a press's reply goes under the pressed message (kept) rather than in its place."""
    has_text = any(b.get("type") != "actions" for b in (pressed or {}).get("blocks") or [])
    return has_text and bool(label) and not message.in_place and message.form is None


def direct_to(message: Outgoing, user_id: str) -> Outgoing:
    """The message for the user's direct chat (built only when the channel turns out unreachable)."""
    return replace(message, chat_id=None, user_id=user_id)
