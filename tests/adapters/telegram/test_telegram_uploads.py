"""Uploads on Telegram: a document reaches the router as ``Incoming.file`` with its bytes (getFile and the
file endpoint); one over the size cap is refused politely without being fetched."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from bot.core import CommandGroup, Context, Incoming, Reply
from bot.core.access import NO_TARGET
from storage.cases.uploads import PendingUpload
from tests.adapters.telegram.telegram_support import running_bot
from tests.harness import Chat

USER = 7301
CSV = b"naam;organisatie\nA. de Vries;Gemeente Waterdam\nB. Jansen;GGZ Rivierland\n"
received: list[Incoming] = []

upload_group = CommandGroup("uploadtest")


@upload_group.command("bestand", target=NO_TARGET)
def describe_upload(msg: Incoming, ctx: Context) -> Reply:
    received.append(msg)
    if msg.file is None:
        return Reply("geen bestand")
    digest = hashlib.sha256(msg.file.data).hexdigest()[:12]
    return Reply(f"ontvangen {msg.file.name} {msg.file.mime} {len(msg.file.data)} {digest}")


async def test_a_document_reaches_the_router_with_its_bytes(chat: Chat) -> None:
    received.clear()
    async with running_bot(chat, extra=[upload_group]) as bot:
        bot.link("procesmanager", USER)
        since = len(bot.fake.calls)
        await bot.fake.push_document(USER, USER, CSV, filename="top-x.csv", caption="/bestand")
        reply = await bot.fake.wait_for(lambda c: c.method == "sendMessage" and c.ok, since=since)
    digest = hashlib.sha256(CSV).hexdigest()[:12]
    assert reply.params["text"] == f"ontvangen top-x.csv text/csv {len(CSV)} {digest}"
    assert [c.method for c in bot.fake.calls[since:] if c.method == "getFile"] == ["getFile"]
    assert len(bot.fake.downloads) == 1
    (incoming,) = received
    assert incoming.file is not None and incoming.file.data == CSV and incoming.text == "/bestand"
    assert incoming.platform == "telegram" and incoming.user_id == str(USER)


async def test_a_document_over_the_cap_is_refused_without_fetching_it(sqlite_chat: Chat) -> None:
    received.clear()
    async with running_bot(sqlite_chat, extra=[upload_group]) as bot:
        bot.link("procesmanager", USER)
        await bot.fake.push_document(
            USER, USER, b"x", filename="groot.csv", caption="/bestand", declared_size=6 * 1024 * 1024
        )
        reply = await bot.fake.wait_for(lambda c: c.method == "sendMessage" and c.ok)
    assert "te groot" in reply.params["text"] and "5 MB" in reply.params["text"]
    assert received == [] and bot.fake.downloads == []
    assert not [c for c in bot.fake.calls if c.method == "getFile"]
    with sqlite_chat.app.uow() as uow:
        (event,) = [e for e in uow.audit.search(name="bestand") if e.platform == "telegram"]
        assert event.outcome == "refused"


async def test_a_document_without_a_command_goes_to_the_csv_import(sqlite_chat: Chat) -> None:
    """A procesmanager's CSV without a caption reaches the upload handler (the chat import of issue 10),
    which asks for the source with buttons; nothing is imported yet."""
    async with running_bot(sqlite_chat, extra=[upload_group]) as bot:
        bot.link("procesmanager", USER)
        await bot.fake.push_document(USER, USER, CSV, filename="lijst.csv")
        reply = await bot.fake.wait_for(lambda c: c.method == "sendMessage" and c.ok)
    assert reply.params["text"] == "Ik heb lijst.csv ontvangen. Van welke partner komen deze signalen?"
    keyboard = reply.params["reply_markup"]["inline_keyboard"]
    labels = [button["text"] for row in keyboard for button in row]
    assert any("olitie" in label for label in labels), labels
    assert len(bot.fake.downloads) == 1
    with sqlite_chat.app.uow() as uow:
        (pending,) = uow.session.exec(select(PendingUpload)).all()
        assert pending.file_name == "lijst.csv" and pending.content == CSV
