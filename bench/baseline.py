"""The fair baseline of issue 18: a bare python-telegram-bot bot and a bare Bolt app answering ``/regie
CODE`` with the same SQL as ketenbot, written plainly.

Per command, in a worker thread (``asyncio.to_thread``, as ketenbot's adapters run the router), on one
pooled connection: who is asking (the router's identity query), may they see the case (the need-to-know
query), the current regie holders with their reachable identity (the same query ``/regie`` runs), one audit
INSERT of the two rows ketenbot writes (the read of the case, and the command; the baseline wrote only the
first until issue 18's second pass), commit. No ORM objects, no middleware, no i18n: a Dutch answer
formatted in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from storage.cases.regie import CURRENT_HOLDERS
from storage.cases.repository import VISIBLE_CASE
from storage.repositories import AUDIT_INSERT, RESOLVE_IDENTITY

AnyApp = Application[Any, Any, Any, Any, Any, Any]


def plain_regie(engine: Engine, platform: str, user: str, code: str) -> str:
    with engine.connect() as connection:
        rows = connection.execute(RESOLVE_IDENTITY, {"platform": platform, "external_id": user}).all()
        if not rows or not rows[0].active:
            return "Je bent (nog) geen lid van het netwerk."
        member_id, organisation_id = rows[0][3], rows[0].organisation_id
        case = connection.execute(
            VISIBLE_CASE, {"code": code, "member_id": member_id, "organisation_id": organisation_id}
        ).first()
        if case is None:
            return f"Casus {code} is onbekend of niet zichtbaar voor jou."
        holders: dict[str, str] = {}
        for kind, _member, name, organisation, *_reach in connection.execute(
            CURRENT_HOLDERS, {"case_id": case.id}
        ):
            holders.setdefault(kind, f"{name} ({organisation})")
        at = datetime.now(UTC)
        row = {"at": at, "member_id": member_id, "platform": platform, "chat_kind": "direct",
               "case_id": case.id, "outcome": "ok", "detail": None, "correlation_id": None}  # fmt: skip
        # two rows in one INSERT, as ketenbot writes them: the read of the case, and the command itself
        read = row | {"kind": "read", "name": "regie"}
        command = row | {"kind": "command", "name": "regie", "case_id": None}
        connection.execute(AUDIT_INSERT, [read, command])
        connection.commit()
    return (
        f"Regie {code}\nCasusregie: {holders.get('casusregie', 'nog niemand')}\n"
        f"Procesregie: {holders.get('procesregie', 'nog niemand')}"
    )


def _code_of(args: list[str] | None) -> str:
    return args[0] if args else ""


@asynccontextmanager
async def bare_ptb(engine: Engine, token: str, base_url: str) -> AsyncIterator[AnyApp]:
    """A bare PTB bot polling ``base_url``: ``/regie CODE`` answered with :func:`plain_regie`."""

    async def regie(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        answer = await asyncio.to_thread(
            plain_regie, engine, "telegram", str(user.id), _code_of(context.args)
        )
        await message.reply_text(answer)

    app: AnyApp = ApplicationBuilder().token(token).base_url(base_url).build()
    app.add_handler(CommandHandler("regie", regie))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@asynccontextmanager
async def bare_bolt(engine: Engine, secret: str, token: str, api_url: str) -> AsyncIterator[str]:
    """A bare Bolt app on its own aiohttp server: ``/ketenbot regie CODE`` acked, then answered with
    :func:`plain_regie` through chat.postMessage; yields the events URL."""
    app = AsyncApp(signing_secret=secret, client=AsyncWebClient(token=token, base_url=api_url))

    @app.command("/ketenbot")
    async def regie(ack: Callable[[], Any], command: dict[str, Any], say: Callable[..., Any]) -> None:
        await ack()
        words = str(command.get("text", "")).split()
        code = words[1] if len(words) > 1 else ""
        answer = await asyncio.to_thread(plain_regie, engine, "slack", str(command["user_id"]), code)
        await say(answer)

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()
