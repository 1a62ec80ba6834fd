"""The bot's Prometheus metrics, through ``prometheus_client`` (the ecosystem's format and naming).

Each ``Metrics`` owns its own ``CollectorRegistry`` (a process may build several apps, as the tests do), and
creates a counter or histogram the first time a name is used, with the label names of that first use.
Gauges are read at scrape time (a callback per name), so a value that lives in the database (outbox depth,
outbox lag) is never stale and costs nothing between scrapes.

Several worker processes: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory, writable by every
process, before they start (prometheus_client's multiprocess mode). Counters and histograms are then
written to per-process files there and every ``/metrics`` scrape sums them over all processes; the
scrape-time gauges come from the process that answers the scrape (they read the shared database, so any
process gives the same value).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# a command answers in milliseconds: finer at the low end (the target is p99 < 100 ms)
COMMAND_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class _Gauges(Collector):
    """Gauges whose value is read when scraped."""

    def __init__(self) -> None:
        self.reads: dict[str, tuple[Callable[[], float], str]] = {}

    def collect(self) -> Iterable[Metric]:
        for name, (read, help_) in sorted(self.reads.items()):
            yield GaugeMetricFamily(name, help_, value=read())


class Metrics:
    """Counters by name and labels, gauges read at scrape time, latency histograms by name and labels."""

    def __init__(self) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: timestamps of process start, noise on a dashboard
        self.registry = CollectorRegistry(auto_describe=True)
        self._lock = threading.Lock()
        self._counters: dict[str, Counter] = {}
        self._histograms: dict[str, Histogram] = {}
        # (name, labels) -> the labelled child: ``labels(**labels)`` validates and sorts on every call,
        # and every command passes here 3-4 times
        self._children: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}
        self._gauges = _Gauges()
        self.registry.register(self._gauges)

    def inc(self, name: str, amount: float = 1.0, help: str = "", **labels: str) -> None:
        key = (name, tuple(labels.items()))
        child = self._children.get(key)
        if child is not None:
            child.inc(amount)
            return
        counter = self._counters.get(name)
        if counter is None:
            with self._lock:
                counter = self._counters.get(name)
                if counter is None:
                    counter = Counter(name, help or name, sorted(labels), registry=self.registry)
                    self._counters[name] = counter
        child = self._children[key] = counter.labels(**labels) if labels else counter
        child.inc(amount)

    def gauge(self, name: str, read: Callable[[], float], help: str = "") -> None:
        self._gauges.reads[name] = (read, help or name)

    def observe(
        self,
        name: str,
        seconds: float,
        help: str = "",
        buckets: tuple[float, ...] = LATENCY_BUCKETS,
        **labels: str,
    ) -> None:
        key = (name, tuple(labels.items()))
        child = self._children.get(key)
        if child is not None:
            child.observe(seconds)
            return
        histogram = self._histograms.get(name)
        if histogram is None:
            with self._lock:
                histogram = self._histograms.get(name)
                if histogram is None:
                    histogram = Histogram(
                        name, help or name, sorted(labels), registry=self.registry, buckets=buckets
                    )
                    self._histograms[name] = histogram
        child = self._children[key] = histogram.labels(**labels) if labels else histogram
        child.observe(seconds)

    def value(self, name: str, **labels: str) -> float:
        """A counter's current value in this process (0 when it was never incremented)."""
        sample = name if name.endswith("_total") else name + "_total"
        return self.registry.get_sample_value(sample, labels) or 0.0

    def sample(self, name: str, **labels: str) -> float | None:
        """Any sample as exposed (``x_bucket`` with ``le``, ``x_count``, a gauge), or None."""
        return self.registry.get_sample_value(name, labels)

    def render(self) -> str:
        """The text exposition: this process's registry, or, in multiprocess mode, every process's
        counters and histograms plus this process's scrape-time gauges."""
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            registry.register(self._gauges)
            return generate_latest(registry).decode()
        return generate_latest(self.registry).decode()
