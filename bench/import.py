"""Benchmark: ``ketenbot import signals`` of 10,000 and 100,000 rows against 100k existing subjects.

    .venv/bin/python -m bench.import [--rows 10000,100000] [--cases 100000] [--backends sqlite,postgres]

One fresh database per backend (the filler of bench/regie.py: demo data plus ``--cases`` fictional cases with
their subjects), then each file is imported for real (one transaction, known-person matching on every row).
One row in ten names a subject of an existing case, so it becomes a mutatie on that case. The files are
imported in turn on the same database; the small one is imported again after the large one, and the best
of its two runs is the baseline. Prints rows/s per size and the ratio of the times (target: 100k rows
within 12x the 10k time).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from bench.regie import NOW, prepare
from bench.regie_fill import person
from handlers.signals.bulk_import import COLUMNS, import_signals


def csv_bytes(rows: int, cases: int, seed: int) -> bytes:
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        if i % 10 == 0:  # a subject of an existing case: a mutatie
            name, born = person((i * 7919 + seed) % cases)
            lines.append(f"{name},{born.isoformat()},Waterdam,overlast,normaal,Fictief: mutatie {seed}-{i}")
        else:
            lines.append(
                f"Bench{seed} Nieuw{i} Fictief,,Waterdam,overlast;schulden,hoog,Fictief: melding {seed}-{i}"
            )
    return ("\n".join(lines) + "\n").encode()


def run_once(app_uow: object, data: bytes) -> tuple[float, int, int]:
    from storage.uow import UnitOfWork

    assert isinstance(app_uow, UnitOfWork)
    start = time.perf_counter()
    result = import_signals(app_uow, data, reporter_id=1, now=NOW, today=NOW.date(), dry_run=False)
    elapsed = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    return elapsed, result.signals, result.mutaties


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    small, large = (int(s) for s in args.rows.split(","))
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        prepared = prepare(backend, args.cases)
        try:
            app = prepared.app
            timings: dict[int, list[float]] = {small: [], large: []}
            for seed, size in enumerate((small, large, small)):
                elapsed, signals, mutaties = run_once(app.uow(), csv_bytes(size, args.cases, seed))
                timings[size].append(elapsed)
                print(
                    f"  {size:>7} rows: {elapsed:7.2f} s  {size / elapsed:9.0f} rows/s"
                    f"  ({signals} signals, {mutaties} mutaties)",
                    flush=True,
                )
            base, big = min(timings[small]), min(timings[large])
            verdict = "ok" if big <= 12 * base else "OVER TARGET"
            print(
                f"  ratio {large}/{small} rows: {big / base:.2f}x time (target <= 12x): {verdict}", flush=True
            )
        finally:
            prepared.app.engine.dispose()
            prepared.drop()


if __name__ == "__main__":
    main()
