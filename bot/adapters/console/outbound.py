"""Console output: Outgoing -> a JSON line, or text with numbered buttons; files land in a folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from bot.core.types import OPEN_DIRECT, Outgoing


def destination(message: Outgoing) -> str:
    return message.chat_id or message.user_id or "?"


def to_json(message: Outgoing) -> dict[str, Any]:
    out: dict[str, Any] = {"to": destination(message), "text": message.text}
    if message.buttons:
        out["buttons"] = [{"id": b.id, "label": b.label, "value": b.value} for b in message.buttons]
    if message.file is not None:
        out["file"] = {"name": message.file.name, "mime": message.file.mime, "size": len(message.file.data)}
    if message.form is not None and message.form.errors:
        out["errors"] = dict(message.form.errors)
    return out


def to_text(message: Outgoing, *, me: str, files_dir: Path) -> str:
    lines = []
    target = destination(message)
    prefix = "" if target == me else f"→ {target}: "
    lines.append(prefix + message.text)
    for number, button in enumerate(message.buttons, start=1):
        # "details in privé": pressing it works, and so does typing /start <token> in the direct chat
        hint = f" (/start {button.value})" if button.id == OPEN_DIRECT else ""
        lines.append(f"  [{number}] {button.label}{hint}")
    if message.file is not None:
        files_dir.mkdir(parents=True, exist_ok=True)
        path = files_dir / message.file.name
        path.write_bytes(message.file.data)
        lines.append(f"  📎 {path}")
    return "\n".join(lines)


class ConsoleSender:
    """Delivers outbox messages to the console: a JSON line, or a printed text."""

    def __init__(self, stream: TextIO, *, jsonl: bool, me: str = "", files_dir: Path = Path("console-files")):
        self.stream = stream
        self.jsonl = jsonl
        self.me = me
        self.files_dir = files_dir

    async def send(self, message: Outgoing) -> None:
        self.write(message)

    def write(self, message: Outgoing) -> None:
        if self.jsonl:
            self.stream.write(json.dumps(to_json(message), ensure_ascii=False) + "\n")
        else:
            self.stream.write(to_text(message, me=self.me, files_dir=self.files_dir) + "\n")
        self.stream.flush()
