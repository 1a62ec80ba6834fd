"""The authorization matrix: every entry point (``gate_rows.ROWS``) x every kind of caller (``Caller``), run
against the hidden objects of ``gate_world.build_world``. Refused cells run from a direct chat and again
from a group chat: the answer is exactly the answer for an id that does not exist, and nothing naming the
hidden case's betrokkene or its code (unless the caller typed it) reaches the chat."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.i18n import Text
from bot.core.types import FileAttachment, Outgoing
from tests.handlers.privacy.gate_rows import ROWS, Caller, Outcome
from tests.handlers.privacy.gate_world import SECRETS, build_world
from tests.harness import Chat


def entries(chat: Chat) -> set[str]:
    router = chat.app.router
    names = {f"/{command.name}" for command in router.commands.values()}
    names |= {f"press {action}" for action in router.actions}
    names |= {f"form {form_id}" for form_id in router.forms.forms}
    return names | ({"upload"} if router.upload is not None else set())


def test_every_entry_point_has_a_row(sqlite_chat: Chat):
    registry = entries(sqlite_chat)
    assert sorted(registry - set(ROWS)) == [], "entry points without a row in the matrix"
    assert sorted(set(ROWS) - registry) == [], "rows for entry points that no longer exist"


def fill(template: str | Mapping[str, str], ids: Mapping[str, str]) -> str | dict[str, str]:
    if isinstance(template, str):
        return template.format(**ids)
    return {k: v.format(**ids) for k, v in template.items()}


GROUP = "triage-groep"  # a group chat linked in the demo data


def send(
    chat: Chat, entry: str, filled: str | dict[str, str], user: str, group: str | None = None
) -> list[Outgoing]:
    """The input from the caller's direct chat, or from ``group``."""
    fields: dict[str, Any]
    if isinstance(filled, dict):
        fields = {"form_id": entry.removeprefix("form "), "form_values": filled}
    elif entry.startswith("press "):
        fields = {"action_id": entry.removeprefix("press "), "value": filled}
    elif entry == "upload":
        fields = {"file": FileAttachment(filled, b"naam;geboortedatum\n", "text/csv")}
    else:
        fields = {"text": filled}
    return chat.app.router.handle(chat.incoming(user=user, group=group, **fields))


def seen(replies: list[Outgoing]) -> list[tuple[str, tuple[str, ...]]]:
    """What the caller sees: each reply's text and any per-field form errors."""
    return [(m.text, tuple(sorted((m.form.errors if m.form else {}).values()))) for m in replies]


Seen = list[tuple[str, tuple[str, ...]]]


def without(shown: Seen, real: Mapping[str, str], unknown: Mapping[str, str]) -> Seen:
    def swap(text: str) -> str:
        for key, value in real.items():
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", unknown[key], text)
        return text

    return [(swap(text), tuple(swap(e) for e in errors)) for text, errors in shown]


def cells() -> Iterator[tuple[str, Caller]]:
    for entry in ROWS:
        for caller in Caller:
            yield entry, caller


def role_text(chat: Chat, entry: str, filled: str | dict[str, str]) -> str:
    if entry.startswith("/"):
        command = str(filled).split()[0].removeprefix("/")
        key, params = "core.not_allowed", {"command": command}
    elif entry.startswith("press "):
        key, params = "core.not_allowed_button", {}
    elif entry.startswith("form "):
        key, params = "core.not_allowed_form", {}
    else:
        key, params = "core.not_allowed_upload", {}
    return chat.app.catalogue.render(Text(key, params), "nl")


@dataclass(frozen=True)
class Cell:
    """One refused cell with one input: the hidden object's ids, and ids that do not exist."""

    chat: Chat
    entry: str
    caller: Caller
    template: str | Mapping[str, str]
    ids: Mapping[str, str]
    unknown: Mapping[str, str]

    def send(self, *, real: bool, group: str | None = None) -> list[Outgoing]:
        return send(self.chat, self.entry, self.filled(real), self.caller.value, group)

    def filled(self, real: bool = True) -> str | dict[str, str]:
        return fill(self.template, self.ids if real else self.unknown)

    def alike(self, replies: list[Outgoing], control: list[Outgoing]) -> bool:
        return without(seen(replies), self.ids, self.unknown) == seen(control)

    def leaks(self, replies: list[Outgoing]) -> bool:
        """The betrokkene's name or initials, or the hidden code where the caller did not type it."""
        code = self.ids["case"]
        secrets = (*SECRETS, code) if code not in str(self.filled()) else SECRETS
        return any(secret in m.text for m in replies for secret in secrets)


def check_direct(cell: Cell) -> list[str]:
    """A refused cell in the caller's direct chat: the declared refusal."""
    chat, expected = cell.chat, ROWS[cell.entry].expected(cell.caller)
    replies = cell.send(real=True)
    texts = [m.text for m in replies]
    where = f"{cell.entry} as {cell.caller.name} ({expected}) with {cell.filled()!r}: {texts}"
    failures = [f"reveals the hidden case: {where}"] if cell.leaks(replies) else []
    identity = chat.app.catalogue.render(Text("core.unknown_identity", {}), "nl")
    if expected == Outcome.IDENTITY and texts != [identity]:
        failures.append(f"not the registration hint: {where}")
    elif expected == Outcome.ROLE and texts != [role_text(chat, cell.entry, cell.filled())]:
        failures.append(f"not the role refusal: {where}")
    elif expected == Outcome.HIDDEN:
        if not replies or not all(m.refused or (m.form and m.form.errors) for m in replies):
            failures.append(f"not refused: {where}")
        control = cell.send(real=False)
        if not cell.alike(replies, control):
            failures.append(f"differs from an unknown id ({[m.text for m in control]}): {where}")
    return failures


def check_group(cell: Cell) -> list[str]:
    """The same refused cell typed or pressed in a group chat: exactly what an unknown id gets there, and
    nothing naming the betrokkene or (unless the caller typed it) the hidden case's code."""
    control = cell.send(real=False, group=GROUP)
    replies = cell.send(real=True, group=GROUP)
    where = (
        f"{cell.entry} as {cell.caller.name} in a group with {cell.filled()!r}: {[m.text for m in replies]}"
    )
    failures = [f"reveals the hidden case in a group: {where}"] if cell.leaks(replies) else []
    if not cell.alike(replies, control):
        failures.append(f"differs in a group from an unknown id ({[m.text for m in control]}): {where}")
    return failures


def test_the_matrix_refuses_alike_and_never_reveals_the_hidden_case(chat: Chat):
    world = build_world(chat)
    unknown = world.unknown()
    failures: list[str] = []
    run = 0
    for entry, caller in cells():
        row = ROWS[entry]
        if row.expected(caller) == Outcome.PASSES:
            continue
        run += 1
        for template in row.inputs:
            cell = Cell(chat, entry, caller, template, world.ids, unknown)
            failures += check_direct(cell) + check_group(cell)
    assert failures == [], "\n".join(failures)
    total = len(ROWS) * len(Caller)
    assert run >= total // 2  # most cells are refusals; the rest are declared PASSES
    print(f"matrix: {total} cells ({len(ROWS)} entry points x {len(Caller)} callers), {run} run")
    print(f"matrix: the {run} refused cells ran in a direct chat and again in a group chat ({GROUP})")
