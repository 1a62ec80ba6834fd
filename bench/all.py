"""Every benchmark of issue 18 in one command, with one summary table (figure, target, met or not).

    ./dev bench [--duration 15] [--postgres URL | --postgres none] [--regie-size 100000] [--reminders 3000]
        [--rounds 3]

Runs, with small default sizes (under 10 minutes on the 2-core development machine):
1. ``bench.load``: latency under a morning's mixed load on SQLite and Postgres (``--duration`` s at 20
   commands/s; the issue's figure is ``--duration 60``), and the fair baseline for ``/regie CODE``
   (``--rounds`` rounds of 5 s at 20/s and 400 at once per side; the median of the per-round ratios);
2. ``bench.telegram.pacing``: ``--reminders`` outbox rows to 300 chats through the dispatcher and pacer
   against a fake that enforces Telegram's limits;
3. ``bench.regie``: ``/regie CODE`` and ``/mijn`` at 1k and ``--regie-size`` cases on SQLite;
4. ``bench.footprint``: idle RSS and start to first answer of ``ketenbot run``.
The table is printed in Markdown with the machine (nproc, CPU model) and the load average before and after,
ready for ``docs/benchmarks.md``, and each part's wall time; ``--markdown FILE`` also writes it to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import footprint, load, regie
from bench.load_support import BENCH_KEY
from bench.telegram import pacing

PG_DEFAULT = load.PG_DEFAULT


@dataclass
class Row:
    figure: str
    value: str
    target: str
    met: bool | None  # None: not measured

    def cells(self) -> str:
        met = "n/a" if self.met is None else ("**met**" if self.met else "**not met**")
        return f"| {self.figure} | {self.value} | {self.target} | {met} |"


def machine() -> str:
    model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()}"


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def load_rows(figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for backend, found in figures.items():
        mix = found["mix"]
        rows.append(
            Row(
                f"latency under load, {backend}: p50 / p99 (n={mix['n']}, errors {mix['errors']})",
                f"{mix['p50_ms']:.1f} / {mix['p99_ms']:.1f} ms",
                "p99 < 100 ms",
                mix["p99_ms"] < 100 and not mix["errors"],
            )
        )
        for platform_, base in found.get("baseline", {}).items():
            n = base["rounds"]
            rows.append(
                Row(
                    f"`/regie CODE` throughput vs baseline, {platform_}, {backend} (median of {n} rounds)",
                    f"{base['ours_rate']:.0f} vs {base['bare_rate']:.0f}/s = {base['rate_ratio']:.2f}x "
                    f"(rounds {base['rate_ratio_min']:.2f}-{base['rate_ratio_max']:.2f})",
                    ">= 0.9x",
                    base["rate_ratio"] >= 0.9,
                )
            )
            rows.append(
                Row(
                    f"why: ketenbot's adapters with the baseline's SQL as router, throughput vs baseline, "
                    f"{platform_}, {backend}",
                    f"{base['adapters_ratio']:.2f}x (rounds {base['adapters_ratio_min']:.2f}-"
                    f"{base['adapters_ratio_max']:.2f})",
                    ">= 0.9x (the adapters' part)",
                    base["adapters_ratio"] >= 0.9,
                )
            )
            rows.append(
                Row(
                    f"why: router CPU per `/regie CODE` vs the baseline's SQL called alike, {platform_}, "
                    f"{backend}",
                    f"{base['router_us']:.0f} vs {base['plain_us']:.0f} µs = "
                    f"{base['router_us'] / base['plain_us']:.2f}x",
                    "(the router's part)",
                    None,
                )
            )
            rows.append(
                Row(
                    f"`/regie CODE` p99 vs baseline at 20/s, {platform_}, {backend} (median of {n} rounds)",
                    f"{base['p99_ratio']:.2f}x (rounds {base['p99_ratio_min']:.2f}-"
                    f"{base['p99_ratio_max']:.2f}; pooled {base['ours_p99_ms']:.1f} vs "
                    f"{base['bare_p99_ms']:.1f} ms)",
                    "<= 1.2x",
                    base["p99_ratio"] <= 1.2,
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of mixed load (issue: 60)")
    parser.add_argument("--postgres", default=PG_DEFAULT, help="a Postgres server's admin URL, or 'none'")
    parser.add_argument("--regie-size", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3, help="baseline rounds per platform and backend")
    parser.add_argument("--markdown", help="also write the summary table to this file")
    args = parser.parse_args()
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", BENCH_KEY)

    started, load_before = time.perf_counter(), load_average()
    rows: list[Row] = []
    sections: list[tuple[str, float]] = []  # each part's wall time, printed under the table
    mark = started

    def section(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        sections.append((name, now - mark))
        mark = now

    print("# 1. latency under load and the fair baseline (bench.load)", flush=True)
    backends = "sqlite" if args.postgres == "none" else f"sqlite,{args.postgres}"
    # the whole command within 10 minutes: 3 short rounds per side pair (a median of ratios) rather than
    # 2 long ones (pooled), as many samples per side in all
    small = ["--baseline-duration", "5", "--throughput", "400", "--rounds", str(args.rounds)]
    figures = asyncio.run(load.main(["--duration", str(args.duration), "--backends", backends, *small]))
    rows += load_rows(figures)
    section("bench.load")

    print("# 2. the limit held (bench.telegram pacing)", flush=True)
    rate, violations, seconds = asyncio.run(pacing(args.reminders, 300))
    share = rate / 30
    rows.append(
        Row(
            f"pacing: {args.reminders} reminders to 300 chats, share of 30/s",
            f"{rate:.2f}/s = {share:.1%} over {seconds:.0f} s",
            ">= 95%",
            share >= 0.95,
        )
    )
    rows.append(Row("pacing: limit violations at the fake", str(violations), "0", violations == 0))
    section("pacing")

    print("# 3. scale (bench.regie, SQLite)", flush=True)
    found = regie.measure("sqlite", [1000, args.regie_size], 100)
    size = f"{args.regie_size // 1000}k"
    for label, target in (("/regie CODE", 2.0), ("/mijn", 20.0)):
        median, p95 = found[label][-1]
        rows.append(
            Row(
                f"`{label}` at {size} cases, SQLite, median (p95)",
                f"{median:.2f} ms ({p95:.2f})",
                f"<= {target:g} ms",
                median <= target,
            )
        )

    section("bench.regie")

    print("# 4. footprint (bench.footprint)", flush=True)
    fp = asyncio.run(footprint.measure())
    rows.append(Row("idle RSS of `ketenbot run` (Telegram + Slack)", f"{fp.idle_rss_mb:.1f} MB", "< 120 MB",
                    fp.idle_rss_mb < 120))  # fmt: skip
    rows.append(Row("start to first answer", f"{fp.first_answer_s:.2f} s", "< 3 s", fp.first_answer_s < 3))

    section("bench.footprint")
    minutes = (time.perf_counter() - started) / 60
    rows.append(Row("`./dev bench` run time", f"{minutes:.1f} min", "< 10 min", minutes < 10))
    table = "\n".join(
        [
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; "
            f"load average (1/5/15 min) before {load_before}, after {load_average()}; "
            f"mixed load {args.duration:g} s at 20 commands/s.",
            "",
            "| figure | measured | target | |",
            "|---|---|---|---|",
            *(row.cells() for row in rows),
            "",
            "Wall time per part: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in sections) + ".",
        ]
    )
    print()
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")


if __name__ == "__main__":
    main()
