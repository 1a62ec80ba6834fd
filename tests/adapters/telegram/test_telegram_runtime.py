"""`ketenbot run` with only a Telegram token (and the fake's URL): wiring, pacing of direct replies."""

from __future__ import annotations

import gc
import itertools

from bot.app import build_app
from bot.config import Settings
from bot.core.clock import FixedClock
from bot.core.pacing import TELEGRAM_LIMITS
from bot.demo.loader import load_demo
from bot.runtime import configured_runtime
from tests.adapters.telegram.telegram_support import TOKEN, running_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import DEFAULT_NOW, Chat


async def test_run_with_a_token_polls_and_answers(sqlite_url: str) -> None:
    async with FakeTelegram(token=TOKEN) as fake:
        settings = Settings(  # type: ignore[call-arg]
            KETENBOT_DATABASE_URL=sqlite_url, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url
        )
        app = build_app(settings, clock=FixedClock(DEFAULT_NOW))
        code = load_demo(app.uow(), DEFAULT_NOW)
        runtime = configured_runtime(app)
        assert [a.platform for a in runtime.adapters] == ["telegram"] and not runtime.needs_http
        await runtime.start()
        try:
            assert gc.get_freeze_count() > 10_000  # start-up's objects are out of the collector's way
            assert (await runtime.health())["telegram"] is True
            await fake.push_message(9001, 9001, f"/start {code}", first_name="Sanne")
            welcome = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok)
        finally:
            await runtime.stop()
        app.engine.dispose()
    assert gc.get_freeze_count() == 0  # stopped: nothing stays frozen
    assert "Sanne" in welcome.params["text"]
    assert fake.commands_for("nl") and fake.commands_for("en")
    assert fake.webhook_url is None  # long polling by default


def test_webhook_url_turns_on_the_http_server(sqlite_url: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        KETENBOT_DATABASE_URL=sqlite_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_URL="https://bot.example/tg/hook",
        TELEGRAM_WEBHOOK_SECRET="s3cret-s3cret",
    )
    app = build_app(settings, clock=FixedClock(DEFAULT_NOW))
    runtime = configured_runtime(app)
    assert runtime.needs_http
    routes = {(r.method, r.resource.canonical) for r in runtime.http.app.router.routes() if r.resource}
    assert ("POST", "/tg/hook") in routes
    app.engine.dispose()


async def test_direct_replies_are_paced_per_chat(sqlite_chat: Chat) -> None:
    async with running_bot(sqlite_chat, limits=TELEGRAM_LIMITS) as bot:
        bot.fake.enforce_limits()
        bot.link("voorzitter", 9101)
        for _ in range(3):
            await bot.fake.push_message(9101, 9101, "/ik")
        await bot.fake.wait_until(lambda: len(bot.fake.sent_messages(9101)) == 3, timeout=10)
    times = [at for at, chat in bot.fake.send_times if chat == 9101]
    assert bot.fake.limit_violations == []
    assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(times))
