"""/metrics through prometheus_client: the exposition format, the per-command latency histogram, the
outbox lag gauge, bounded labels, and multiprocess mode (several processes' files summed in one scrape)."""

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot.core.metrics import Metrics
from bot.runtime import Runtime
from storage.outbox_stats import outbox_lag_seconds
from tests.harness import Chat


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, parsed by prometheus_client's own parser (so the text is valid)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_counters_histograms_and_gauges_render_in_the_exposition_format() -> None:
    metrics = Metrics()
    metrics.inc("ketenbot_things_total", help="Things", kind="a")
    metrics.inc("ketenbot_things_total", 2, help="Things", kind="a")
    metrics.observe("ketenbot_wait_seconds", 0.03, help="Waits", method="x")
    metrics.gauge("ketenbot_level", lambda: 7.0, help="Level")
    text = metrics.render()
    found = samples(text)
    assert found[("ketenbot_things_total", (("kind", "a"),))] == 3.0
    assert found[("ketenbot_wait_seconds_bucket", (("le", "0.025"), ("method", "x")))] == 0.0
    assert found[("ketenbot_wait_seconds_bucket", (("le", "0.05"), ("method", "x")))] == 1.0
    assert found[("ketenbot_wait_seconds_count", (("method", "x"),))] == 1.0
    assert found[("ketenbot_level", ())] == 7.0
    assert "# TYPE ketenbot_things_total counter" in text and "_created" not in text
    assert metrics.value("ketenbot_things_total", kind="a") == 3.0
    assert metrics.value("ketenbot_things_total", kind="b") == 0.0


def test_a_series_counts_on_whatever_order_its_labels_come_in() -> None:
    """The labelled child is kept per name and labels after its first use; a series named with the same
    labels in another order is the same series, and a second name never shares the first one's child."""
    metrics = Metrics()
    for _ in range(3):
        metrics.inc("ketenbot_a_total", help="a", kind="x", platform="p")
        metrics.inc("ketenbot_a_total", help="a", platform="p", kind="x")
        metrics.inc("ketenbot_b_total", help="b", kind="x", platform="p")
        metrics.observe("ketenbot_s_seconds", 0.001, help="s", method="m", platform="p")
        metrics.observe("ketenbot_s_seconds", 0.001, help="s", platform="p", method="m")
    assert metrics.value("ketenbot_a_total", kind="x", platform="p") == 6.0
    assert metrics.value("ketenbot_b_total", kind="x", platform="p") == 3.0
    assert metrics.sample("ketenbot_s_seconds_count", method="m", platform="p") == 6.0
    with pytest.raises(ValueError):  # other label names than the first use: refused, as before
        metrics.inc("ketenbot_a_total", help="a", kind="x")


def test_two_apps_in_one_process_keep_their_own_figures() -> None:
    first, second = Metrics(), Metrics()
    first.inc("ketenbot_x_total", help="x")
    assert second.value("ketenbot_x_total") == 0.0 and first.value("ketenbot_x_total") == 1.0


def test_every_command_is_timed_per_command_and_platform(sqlite_chat: Chat) -> None:
    sqlite_chat.say("/ik", user="wijkagent")
    sqlite_chat.say("/ik", user="wijkagent")
    sqlite_chat.say("/regie VH-2026-0003", user="wijkagent")
    metrics = sqlite_chat.app.router.metrics
    count = metrics.sample("ketenbot_command_seconds_count", command="ik", platform="console")
    assert count == 2.0
    total = metrics.sample("ketenbot_command_seconds_sum", command="ik", platform="console")
    assert total is not None and total > 0
    assert metrics.sample("ketenbot_command_seconds_count", command="regie", platform="console") == 1.0


def test_aliases_share_a_label_and_unknown_commands_add_no_series(sqlite_chat: Chat) -> None:
    sqlite_chat.say("/case", user="wijkagent")  # the English alias of /casus
    for typed in ("/bestaatniet", "/ookniet", "/x1"):
        sqlite_chat.say(typed, user="wijkagent")
    metrics = sqlite_chat.app.router.metrics
    assert metrics.sample("ketenbot_command_seconds_count", command="casus", platform="console") == 1.0
    unknown = metrics.sample("ketenbot_command_seconds_count", command="command:unknown", platform="console")
    assert unknown == 3.0
    assert "bestaatniet" not in metrics.render()


def test_outbox_lag_is_the_age_of_the_oldest_due_pending_row(sqlite_chat: Chat) -> None:
    app, now = sqlite_chat.app, sqlite_chat.clock.now()
    with app.uow() as uow:
        uow.session.execute(text("UPDATE outbox SET status = 'cancelled' WHERE status = 'pending'"))
        uow.commit()
    with app.uow() as uow:
        assert outbox_lag_seconds(uow.session, now) == 0.0  # nothing waiting
        member = uow.members.list_all()[0]
        payload = {"text": "x"}
        uow.outbox.add("lag:1:a", payload, due_at=now - timedelta(minutes=3), now=now, member_id=member.id)
        uow.outbox.add("lag:1:b", payload, due_at=now - timedelta(seconds=10), now=now, member_id=member.id)
        uow.outbox.add("lag:1:c", payload, due_at=now + timedelta(hours=1), now=now, member_id=member.id)
        uow.commit()
    with app.uow() as uow:
        assert outbox_lag_seconds(uow.session, now) == 180.0  # the future row does not count
    runtime = Runtime(app)
    app.router.metrics.gauge("ketenbot_outbox_lag_seconds", runtime._outbox_lag, help="lag")
    assert samples(app.router.metrics.render())[("ketenbot_outbox_lag_seconds", ())] == 180.0


CHILD = """
import sys
from bot.core.metrics import Metrics
m = Metrics()
m.inc("ketenbot_updates_handled_total", help="h", platform="telegram", outcome="ok")
m.observe("ketenbot_command_seconds", 0.004, help="h", platform="telegram", command="regie")
"""


def test_multiprocess_mode_sums_every_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "prom"
    directory.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory), "PATH": ""}
    root = Path(__file__).resolve().parents[2]
    for _ in range(2):  # two worker processes, each counting one command
        subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=root, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    scraper = Metrics()  # the process answering /metrics
    scraper.gauge("ketenbot_outbox_depth", lambda: 4.0, help="depth")
    found = samples(scraper.render())
    assert found[("ketenbot_updates_handled_total", (("outcome", "ok"), ("platform", "telegram")))] == 2.0
    key = ("ketenbot_command_seconds_count", (("command", "regie"), ("platform", "telegram")))
    assert found[key] == 2.0
    assert found[("ketenbot_outbox_depth", ())] == 4.0


def test_the_grafana_dashboard_queries_only_metrics_the_bot_exports() -> None:
    root = Path(__file__).resolve().parents[2]
    dashboard = json.loads((root / "docs" / "grafana" / "ketenbot-dashboard.json").read_text())
    queried = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"ketenbot_[a-z_]+", target["expr"])
    }
    source = "\n".join(p.read_text() for p in (root / "bot").rglob("*.py"))
    exported = set(re.findall(r'"(ketenbot_[a-z_]+)"', source))
    assert queried and queried <= exported, queried - exported
