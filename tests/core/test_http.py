"""The one HTTP server: /healthz reports the database and adapters, /metrics speaks Prometheus text."""

import aiohttp

from bot.runtime import Runtime
from tests.harness import Chat


class FakeAdapter:
    platform = "telegram"

    def __init__(self, up: bool) -> None:
        self.up = up

    @property
    def sender(self):
        raise NotImplementedError

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def connected(self) -> bool:
        return self.up


async def test_healthz_and_metrics(sqlite_chat: Chat):
    sqlite_chat.say("/ik", user="wijkagent")
    runtime = Runtime(sqlite_chat.app)
    runtime.http.requested_port = 0
    adapter = FakeAdapter(up=True)
    runtime.adapters.append(adapter)
    runtime.app.router.metrics.gauge(
        "ketenbot_outbox_depth", runtime._outbox_depth, help="Pending outbox rows"
    )
    runtime.app.router.metrics.gauge("ketenbot_outbox_lag_seconds", runtime._outbox_lag, help="lag")
    await runtime.http.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(runtime.http.base_url + "/healthz") as response:
                assert response.status == 200
                assert await response.json() == {
                    "status": "ok",
                    "checks": {"database": True, "telegram": True},
                }
            adapter.up = False
            async with session.get(runtime.http.base_url + "/healthz") as response:
                assert response.status == 503
            async with session.get(runtime.http.base_url + "/metrics") as response:
                body = await response.text()
                assert response.status == 200 and response.content_type == "text/plain"
                assert "version=" in response.headers["Content-Type"]  # prometheus_client's exposition
    finally:
        await runtime.http.stop()
    assert "# TYPE ketenbot_updates_handled_total counter" in body
    assert 'ketenbot_updates_handled_total{outcome="ok",platform="console"} 1.0' in body
    assert 'ketenbot_command_seconds_count{command="ik",platform="console"} 1.0' in body
    with sqlite_chat.app.uow() as uow:
        depth = uow.outbox.depth()
    assert depth > 0  # the demo detention's release alerts are pending
    assert f"ketenbot_outbox_depth {float(depth)}\n" in body
    assert "ketenbot_outbox_lag_seconds " in body
