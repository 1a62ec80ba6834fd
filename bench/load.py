"""Latency under load, and ketenbot against a fair baseline (issue 18, items 1 and 2).

    .venv/bin/python -m bench.load [--duration 15] [--rate 20] [--members 200]
        [--backends sqlite,postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--baseline-duration 10] [--throughput 1000] [--rounds 3] [--skip-baseline]

Per backend (a SQLite file, and a scratch database on the Postgres server, both dropped at the end):

1. **Latency under load.** One ketenbot (the real Telegram and Slack adapters and router, Telegram paced
   at its real limits) against the local fake Bot API and fake Slack; 200 members (half on each
   platform, one in ten a procesmanager); an offered load of ``--rate`` commands/s for ``--duration`` s
   (the issue's figure is 60 s: ``--duration 60``), alternating platforms, in a morning's mix per ten
   commands: 4 ``/regie CODE``, 2 ``/mijn``, 2 ``/casus CODE``, 1 triage press (a procesmanager decides a
   new signal "afgewezen", which asks for the reason) and 1 form step (that reason, typed; on Slack the
   form is a modal, so its step is a ``/mijn`` there). Measured: the time from the update to the reply
   arriving at the fake, p50 and p99. Target p99 < 100 ms.
2. **Baseline.** ``bench/baseline.py``'s bare PTB bot and bare Bolt app answering ``/regie CODE`` with the
   same SQL written plainly, against the same database, next to ketenbot with the pacer lifted:
   (a) latency at the same offered rate for ``--baseline-duration`` s, (b) throughput: ``--throughput``
   updates queued at once on Telegram, the same number of signed commands 20 in flight on Slack;
   ``--rounds`` rounds of the baseline, ketenbot's adapters with the baseline's SQL as router ("adapters"),
   then ketenbot. Each round gives a throughput ratio and a p99 ratio; the figures are the median of those
   ratios and their spread (min-max); the pooled p99 of each side is printed too. The "adapters" side and
   the router's CPU per command next to the plain SQL's (called directly, best of 5 x 300) say where
   ketenbot's distance to the baseline lies: in the adapters or in the router. Before the rounds every
   member sends one command through ketenbot's router, so the identity's "last used" UPDATE (at most once
   per 5 minutes) falls in no round.
   Targets: ketenbot's throughput >= 0.9x the baseline's, its p99 <= 1.2x.

Everything runs in one process (one event loop, like ``ketenbot run``), the fakes included. Each side
(and ketenbot in the mixed load) freezes its start-up heap once started, as ``ketenbot run`` does
(``bot.runtime.settle_heap``): the collector is the process's, and a full collection over the bench's
own objects (150-250 ms) would otherwise land in whichever side happened to be running.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.floor import router_cpu
from bench.load_run import (
    MIX,
    PG_DEFAULT,
    MixResult,
    SideResult,
    mixed_load,
    regie_side,
    touch_all,
)
from bench.load_support import Scratch, scratch_database

__all__ = ["PG_DEFAULT", "main"]


# -- main ----------------------------------------------------------------------------------------------


def report_mix(label: str, result: MixResult) -> dict[str, Any]:
    rate = result.offered / result.seconds
    print(
        f"  latency under load, {label}: {result.offered} commands in {result.seconds:.1f} s "
        f"({rate:.1f}/s offered; {result.skipped} skipped: no idle member)"
    )
    print(f"    all       {result.overall.line()}")
    for platform, latency in result.by_platform.items():
        print(f"    {platform:<9} {latency.line()}")
    for kind, latency in result.by_kind.items():
        print(f"    {kind:<9} {latency.line()}")
    for error in result.errors:
        print(f"    ! {error}")
    return {"p50_ms": result.overall.p50_ms, "p99_ms": result.overall.p99_ms, "n": result.overall.count,
            "errors": len(result.errors)}  # fmt: skip


async def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    label = "sqlite" if backend == "sqlite" else "postgres"
    presses = int(args.rate * max(args.duration, 1) / len(MIX)) + 20
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        scratch = await asyncio.to_thread(scratch_database, backend, Path(directory), args.members, presses)
        print(f"== {label}: {args.members} members, {len(scratch.signals)} signals to triage "
              f"(set up in {time.perf_counter() - started:.1f} s)", flush=True)  # fmt: skip
        try:
            mixed = await mixed_load(scratch, args.rate, args.duration, not args.unpaced, args.router_slots)
            figures: dict[str, Any] = {"mix": report_mix(label, mixed)}
            if not args.skip_baseline:
                figures["baseline"] = await compare(scratch, args)
        finally:
            scratch.drop()
    return figures


async def compare(scratch: Scratch, args: argparse.Namespace) -> dict[str, Any]:
    """Per platform, ``--rounds`` rounds of the baseline then ketenbot on the same database. Each round
    gives a throughput ratio and a p99 ratio; the figures are the median of those ratios with their
    spread (min-max), so one noisy round on a shared machine does not decide them. The pooled p99 (all
    rounds' samples) is printed too."""
    out: dict[str, Any] = {}
    for platform in ("telegram", "slack"):
        await asyncio.to_thread(touch_all, scratch, platform)
        rounds: list[tuple[SideResult, SideResult]] = []
        adapters: list[float] = []  # per round: ketenbot's adapters with the plain SQL as router / bare
        for _round in range(args.rounds):  # the same database; sides alternate, so both meet the same noise
            pair = [
                await regie_side(
                    name, scratch, platform, args.rate, args.baseline_duration, args.throughput,
                    args.router_slots,
                )
                for name in ("bare", "adapters", "ketenbot")
            ]  # fmt: skip
            rounds.append((pair[0], pair[2]))
            adapters.append(pair[1].throughput / pair[0].throughput)
        rate_ratios = sorted(ours.throughput / bare.throughput for bare, ours in rounds)
        p99_ratios = sorted(ours.latency.p99_ms / bare.latency.p99_ms for bare, ours in rounds)
        bare = rounds[0][0]
        ours = rounds[0][1]
        for other_bare, other_ours in rounds[1:]:
            bare, ours = bare.merge(other_bare), ours.merge(other_ours)
        print(f"  /regie CODE on {platform}, baseline vs ketenbot (pacer lifted), {len(rounds)} rounds:")
        for number, (b, o) in enumerate(rounds, 1):
            print(
                f"    round {number}: throughput {b.throughput:6.1f} vs {o.throughput:6.1f}/s = "
                f"{o.throughput / b.throughput:.2f}x; p99 {b.latency.p99_ms:6.1f} vs "
                f"{o.latency.p99_ms:6.1f} ms = {o.latency.p99_ms / b.latency.p99_ms:.2f}x"
            )
        for side in (bare, ours):
            print(f"    {side.name:<9} pooled {side.latency.line()}")
        rate, p99 = statistics.median(rate_ratios), statistics.median(p99_ratios)
        print(
            f"    ketenbot / baseline, median of rounds (min-max): throughput {rate:.2f}x "
            f"({rate_ratios[0]:.2f}-{rate_ratios[-1]:.2f}; target >= 0.9x), p99 {p99:.2f}x "
            f"({p99_ratios[0]:.2f}-{p99_ratios[-1]:.2f}; target <= 1.2x)"
        )
        router_us, plain_us = await asyncio.to_thread(router_cpu, scratch, platform)
        adapters.sort()
        print(
            f"    where the distance is: ketenbot's adapters with the baseline's SQL as router "
            f"{statistics.median(adapters):.2f}x the baseline ({adapters[0]:.2f}-{adapters[-1]:.2f}); "
            f"router CPU per /regie CODE {router_us:.0f} us vs the plain SQL's {plain_us:.0f} us"
        )
        out[platform] = {
            "adapters_ratio": statistics.median(adapters),
            "adapters_ratio_min": adapters[0], "adapters_ratio_max": adapters[-1],
            "router_us": router_us, "plain_us": plain_us,
            "rounds": len(rounds),
            "bare_rate": statistics.median(b.throughput for b, _ in rounds),
            "ours_rate": statistics.median(o.throughput for _, o in rounds),
            "rate_ratio": rate, "rate_ratio_min": rate_ratios[0], "rate_ratio_max": rate_ratios[-1],
            "bare_p99_ms": bare.latency.p99_ms, "ours_p99_ms": ours.latency.p99_ms,
            "p99_ratio": p99, "p99_ratio_min": p99_ratios[0], "p99_ratio_max": p99_ratios[-1],
        }  # fmt: skip
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=15.0, help="seconds of mixed load (the issue: 60)")
    p.add_argument("--rate", type=float, default=20.0, help="commands offered per second")
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--backends", default=f"sqlite,{PG_DEFAULT}", help="sqlite and/or Postgres admin URLs")
    p.add_argument("--baseline-duration", type=float, default=10.0)
    p.add_argument("--throughput", type=int, default=1000, help="commands for the throughput comparison")
    p.add_argument("--rounds", type=int, default=3, help="rounds of baseline and ketenbot (median of ratios)")
    p.add_argument("--skip-baseline", action="store_true")
    p.add_argument("--unpaced", action="store_true", help="mixed load with the Telegram pacer lifted too")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--router-slots", type=int, default=1, help="Telegram: updates in the router at once")
    return p


async def main(argv: list[str] | None = None) -> dict[str, Any]:
    logging.basicConfig(level=logging.ERROR)
    args = parser().parse_args(argv)
    figures = {}
    for backend in args.backends.split(","):
        figures["sqlite" if backend == "sqlite" else "postgres"] = await run_backend(backend, args)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    asyncio.run(main())
