"""One conversation harness for every handler test: the real router, middleware, i18n and dispatcher
against a real database (Alembic head), with a fixed clock and a recording sender."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from typer.testing import CliRunner, Result

from bot.app import App, build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.types import ChatKind, FileAttachment, Incoming, Outgoing
from bot.demo.loader import load_demo

DEFAULT_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday, 10:00 in Amsterdam
# bot/demo/nazorg.py: the demo detention (the first) has release alerts due 6 to 20 days after the demo's now
DEMO_RELEASE_ALERTS = "release:1:"


@dataclass
class RecordingSender:
    sent: list[Outgoing] = field(default_factory=list)

    async def send(self, message: Outgoing) -> None:
        self.sent.append(message)


class Chat:
    def __init__(self, app: App, clock: FixedClock, invite_code: str) -> None:
        self.app = app
        self.clock = clock
        self.invite_code = invite_code
        self.sender = RecordingSender()
        self.dispatcher = app.dispatcher({"console": self.sender})
        self.user = "procesmanager"
        self.group: str | None = None

    def as_member(self, handle: str, group: str | None = None) -> Chat:
        self.user = handle
        self.group = group
        return self

    def incoming(self, *, user: str | None = None, group: str | None = None, **fields: Any) -> Incoming:
        who = user or self.user
        where = group if group is not None else self.group
        return Incoming(
            platform="console",
            chat_id=where or who,
            user_id=who,
            user_name=who,
            chat_kind=ChatKind.GROUP if where else ChatKind.DIRECT,
            **fields,
        )

    def send(self, text: str, *, user: str | None = None, group: str | None = None) -> list[Outgoing]:
        return self.app.router.handle(self.incoming(user=user, group=group, text=text))

    def say(self, text: str, **kwargs: object) -> str:
        """Send and return the texts of the replies, joined (the common case in tests)."""
        return "\n".join(m.text for m in self.send(text, **kwargs))  # type: ignore[arg-type]

    def press(self, action_id: str, value: str = "", *, user: str | None = None) -> list[Outgoing]:
        return self.app.router.handle(self.incoming(user=user, action_id=action_id, value=value))

    def submit(self, form_id: str, values: dict[str, str], *, user: str | None = None) -> list[Outgoing]:
        return self.app.router.handle(self.incoming(user=user, form_id=form_id, form_values=values))

    def upload(
        self,
        name: str,
        data: bytes,
        caption: str | None = None,
        *,
        mime: str = "text/csv",
        user: str | None = None,
        group: str | None = None,
    ) -> list[Outgoing]:
        """Send a document (with an optional caption such as ``/import politie``)."""
        file = FileAttachment(name, data, mime)
        return self.app.router.handle(self.incoming(user=user, group=group, text=caption, file=file))

    def cli(self, args: Sequence[str], **kwargs: Any) -> Result:
        """Run ``ketenbot ARGS`` on this database with this harness's clock (never the machine's)."""
        from bot.cli.common import CliContext
        from bot.cli.main import app

        env = {"KETENBOT_DATABASE_URL": self.app.settings.database_url, **kwargs.pop("env", {})}
        return CliRunner().invoke(app, list(args), obj=CliContext(clock=self.clock), env=env, **kwargs)

    def deliver(self) -> list[Outgoing]:
        """Run the dispatcher once; return what it sent now."""
        before = len(self.sender.sent)
        asyncio.run(self.dispatcher.tick())
        return self.sender.sent[before:]

    def deliver_own(self) -> list[Outgoing]:
        """Run the dispatcher once; what it sent now, minus the demo detention's release alerts (for tests
        that move the clock weeks ahead and are about something else)."""
        return [m for m in self.deliver() if not (m.dedupe_key or "").startswith(DEMO_RELEASE_ALERTS)]

    def verify_dialog(self, steps: Sequence[tuple[str, str]]) -> None:
        """Each step: what the member types, and text the (single) reply must contain."""
        for typed, expected in steps:
            replies = self.send(typed)
            assert len(replies) >= 1, f"no reply to {typed!r}"
            joined = "\n".join(r.text for r in replies)
            assert expected in joined, f"reply to {typed!r} was {joined!r}, expected to contain {expected!r}"


def make_chat(
    database_url: str, *, now: datetime = DEFAULT_NOW, demo: bool = True, meeting_reminders: bool = False
) -> Chat:
    """The app on ``database_url`` with the demo data; without the demo meetings' reminders unless asked
    (``ketenbot demo`` queues them; most tests move the clock past them and are about something else)."""
    settings = Settings(KETENBOT_DATABASE_URL=database_url)  # type: ignore[call-arg]
    clock = FixedClock(now)
    app = build_app(settings, clock=clock)
    code = load_demo(app.uow(), clock.now(), meeting_reminders=meeting_reminders) if demo else ""
    return Chat(app, clock, code)
