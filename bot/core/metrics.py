"""A few Prometheus metrics, rendered in the text exposition format (no extra dependency)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Counters by name and labels, gauges read at scrape time, and one latency histogram per name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
        self._help: dict[str, str] = {}
        self._gauges: dict[str, Callable[[], float]] = {}
        self._histograms: dict[str, dict[tuple[tuple[str, str], ...], list[float]]] = defaultdict(dict)

    def inc(self, name: str, amount: float = 1.0, help: str = "", **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._help.setdefault(name, help)
            self._counters[name][key] = self._counters[name].get(key, 0.0) + amount

    def gauge(self, name: str, read: Callable[[], float], help: str = "") -> None:
        self._help[name] = help
        self._gauges[name] = read

    def observe(self, name: str, seconds: float, help: str = "", **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._help.setdefault(name, help)
            series = self._histograms[name].setdefault(key, [0.0] * (len(LATENCY_BUCKETS) + 2))
            for index, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    series[index] += 1
            series[-2] += 1  # count (+Inf)
            series[-1] += seconds  # sum

    def value(self, name: str, **labels: str) -> float:
        return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name, series in sorted(self._counters.items()):
                lines += [f"# HELP {name} {self._help.get(name, '')}", f"# TYPE {name} counter"]
                lines += [f"{name}{_labels(key)} {value:g}" for key, value in sorted(series.items())]
            for name, hist in sorted(self._histograms.items()):
                lines += [f"# HELP {name} {self._help.get(name, '')}", f"# TYPE {name} histogram"]
                for key, buckets in sorted(hist.items()):
                    for index, bound in enumerate(LATENCY_BUCKETS):
                        lines.append(f"{name}_bucket{_labels(key, le=str(bound))} {buckets[index]:g}")
                    lines.append(f"{name}_bucket{_labels(key, le='+Inf')} {buckets[-2]:g}")
                    lines.append(f"{name}_count{_labels(key)} {buckets[-2]:g}")
                    lines.append(f"{name}_sum{_labels(key)} {buckets[-1]:g}")
        for name, read in sorted(self._gauges.items()):
            lines += [
                f"# HELP {name} {self._help.get(name, '')}",
                f"# TYPE {name} gauge",
                f"{name} {read():g}",
            ]
        return "\n".join(lines) + "\n"


def _labels(key: tuple[tuple[str, str], ...], **extra: str) -> str:
    pairs = [*key, *extra.items()]
    if not pairs:
        return ""
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"' for k, v in pairs
    )
    return "{" + inner + "}"
