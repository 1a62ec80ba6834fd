"""The console adapter: a chat in the terminal, or JSON lines on stdin/stdout for scripts and tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TextIO

from bot.adapters.console.inbound import BadLine, parse_jsonl, parse_typed
from bot.adapters.console.outbound import ConsoleSender
from bot.core.i18n import Text, t
from bot.core.types import Incoming, Outgoing, RenderedButton

Handle = Callable[[Incoming], list[Outgoing]]
Tick = Callable[[], Awaitable[int]]
Explain = Callable[[Text], str]  # renders a text in the operator's language


class ConsoleAdapter:
    def __init__(
        self, handle: Handle, *, stdin: TextIO, stdout: TextIO, jsonl: bool, explain: Explain, me: str = ""
    ) -> None:
        self.handle = handle
        self.stdin = stdin
        self.sender = ConsoleSender(stdout, jsonl=jsonl, me=me)
        self.jsonl = jsonl
        self.explain = explain
        self.me = me
        self.chat: str | None = None
        self.last_buttons: Sequence[RenderedButton] = ()

    async def run(self, tick: Tick) -> None:
        await tick()
        if not self.jsonl:
            self.banner()
        while True:
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            if not self.jsonl and line.startswith(":"):
                if self.meta(line.strip()):
                    break
                continue
            await self.take(line)
            await tick()
            if not self.jsonl:
                self.prompt()

    async def take(self, line: str) -> None:
        try:
            incoming = (
                parse_jsonl(line) if self.jsonl else parse_typed(line, self.me, self.last_buttons, self.chat)
            )
        except BadLine as error:
            # a scripted line gets the JSONL contract with it; a typed one (/upload) only the problem
            problem = t("core.bad_input_line", problem=error.text) if self.jsonl else error.text
            self.sender.stream.write(
                json.dumps({"to": None, "error": self.explain(problem)}, ensure_ascii=False) + "\n"
            )
            self.sender.stream.flush()
            return
        for message in await asyncio.to_thread(self.handle, incoming):
            if message.buttons:
                self.last_buttons = message.buttons
            self.sender.write(message)

    # -- interactive niceties -------------------------------------------------------------------------

    def banner(self) -> None:
        self.sender.stream.write(
            f"ketenbot console — je bent '{self.me}'. Typ /help. Knoppen: typ het nummer.\n"
            "  :as <handle>   wissel van gebruiker      :group <naam>   praat in een groep\n"
            "  :direct        terug naar de privéchat   :quit           stoppen\n"
        )
        self.prompt()

    def prompt(self) -> None:
        where = f"#{self.chat}" if self.chat else "privé"
        self.sender.stream.write(f"{self.me} ({where})> ")
        self.sender.stream.flush()

    def meta(self, line: str) -> bool:
        word, _, rest = line.partition(" ")
        if word in (":quit", ":q", ":exit"):
            return True
        if word == ":as" and rest.strip():
            self.me = self.sender.me = rest.strip().lstrip("@")
        elif word == ":group" and rest.strip():
            self.chat = rest.strip()
        elif word == ":direct":
            self.chat = None
        else:
            self.sender.stream.write("  :as <handle> | :group <naam> | :direct | :quit\n")
        self.prompt()
        return False
