"""``ketenbot console --jsonl`` delivers an outbox message that falls due while it waits for input (issue
17: it delivered only when the next line arrived). The console runs on the harness's clock; the test waits
on events with a deadline, never a sleep."""

from __future__ import annotations

import io
import json
import sys
import threading
from datetime import timedelta

import pytest

from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.types import Reply
from tests.harness import Chat

DEADLINE = 30.0  # seconds: the wait ends as soon as the message is written


class _Stdout(io.StringIO):
    """The console's stdout: keeps the JSON lines and sets ``delivered`` when one is for ``to``."""

    def __init__(self, to: str) -> None:
        super().__init__()
        self.to = to
        self.lines: list[dict[str, object]] = []
        self.delivered = threading.Event()

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                self.lines.append(json.loads(line))
                if self.lines[-1].get("to") == self.to:
                    self.delivered.set()
        return len(text)


class _Stdin:
    """No input line at all: the first read (after the console's start-up tick) runs ``at_start`` and then
    waits until the message was delivered; then end of input."""

    def __init__(self, at_start: threading.Event, delivered: threading.Event) -> None:
        self.at_start = at_start
        self.delivered = delivered
        self.waited: bool | None = None

    def readline(self) -> str:
        if self.waited is None:
            self.at_start.set()
            self.waited = self.delivered.wait(DEADLINE)
        return ""


def test_jsonl_console_delivers_a_message_that_falls_due_while_it_waits_for_input(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.main import run_console

    chat.deliver()  # the demo's messages due now: out of the way
    with chat.app.uow() as uow:
        regisseur = uow.members.by_handle("regisseur")
        assert regisseur is not None
        due = chat.clock.now() + timedelta(minutes=10)
        uow.outbox.add(
            "test:waiting:1",
            encode_reply(Reply(t("help.title"))),
            due_at=due,
            now=chat.clock.now(),
            member_id=regisseur.id,
        )
        uow.commit()
    started = threading.Event()
    stdout = _Stdout("regisseur")
    stdin = _Stdin(started, stdout.delivered)

    def move_the_clock_once_started() -> None:
        if started.wait(DEADLINE):
            chat.clock.advance(timedelta(minutes=10))  # now the message is due

    moved = threading.Thread(target=move_the_clock_once_started, daemon=True)
    moved.start()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(chat.app.settings, "dispatch_interval_seconds", 0.05)
    run_console(chat.app, as_member="procesmanager", jsonl=True)
    moved.join(DEADLINE)
    assert stdin.waited is True, "the message was not delivered while the console waited for input"
    assert {"to": "regisseur", "text": "Wat je met ketenbot kunt doen:"} in stdout.lines
    with chat.app.uow() as uow:
        row = uow.outbox.by_key("test:waiting:1")
        assert row is not None and row.status == "sent"
