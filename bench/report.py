"""Benchmark: the quarterly report (all figures, both quarters, PNG chart and CSV) at 10k and 100k cases.

    .venv/bin/python -m bench.report [--sizes 10000,100000] [--repeat 5] [--backends sqlite,postgres]

Each size gets a fresh database filled by bench/regie_fill.py (demo data plus ``size`` fictional cases with
signal, subjects, deelnemers, regie, an action, timeline events and ten audit rows each: 1M audit rows at
100k). Measured: ``build_report`` (every per-source query for this quarter and the previous one), the
figures plus the PNG chart and CSV, and ``/rapport`` through the real router (middleware, audit, i18n).
Sizes alternate run by run; the medians and their ratio are printed. Target: 100k within 12x of 10k.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bench.regie import Prepared, prepare
from bot.core.types import Incoming
from handlers.reports.files import to_csv, to_png
from handlers.reports.model import Quarter, build_report

QUARTER = Quarter(2026, 4)
TZ = ZoneInfo("Europe/Amsterdam")


def operations(prepared: Prepared) -> dict[str, Callable[[], Any]]:
    app = prepared.app

    def render(text: Any) -> str:
        return app.catalogue.render(text, "nl")

    def figures() -> Any:
        with app.uow() as uow:
            return build_report(uow.session, QUARTER, TZ)

    def with_files() -> Any:
        report = figures()
        return to_png(report, render), to_csv(report, render)

    def chat() -> Any:
        incoming = Incoming(
            platform="console",
            chat_id="procesmanager",
            user_id="procesmanager",
            user_name="pm",
            text=f"/rapport {QUARTER}",
        )
        replies = app.router.handle(incoming)
        assert replies[1].file is not None and replies[1].file.data[:4] == b"\x89PNG"
        return replies

    return {"figures (build_report)": figures, "figures + PNG + CSV": with_files, "/rapport via router": chat}


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    # a fictional benchmark key for the encrypted personal fields (the bulk fill writes through COPY on
    # Postgres, so those rows stay legacy plaintext there: reading them skips decryption)
    os.environ.setdefault("KETENBOT_ENCRYPTION_KEY", "bench:" + "A" * 43 + "=")
    sizes = [int(s) for s in args.sizes.split(",")]
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        prepared: list[Prepared] = []
        try:
            for size in sizes:
                prepared.append(prepare(backend, size))
            ops = [operations(p) for p in prepared]
            for op in ops:
                op["figures (build_report)"]()  # warm caches and imports once per size
            results: dict[str, list[list[float]]] = {label: [[] for _ in sizes] for label in ops[0]}
            for _ in range(args.repeat):
                for label in results:
                    for n, op in enumerate(ops):
                        results[label][n].append(timed(op[label]))
        finally:
            for p in prepared:
                p.app.engine.dispose()
                p.drop()
        small, large = sizes[0], sizes[-1]
        print(f"  {'operation':<28}{'median ' + str(small):>16}{'median ' + str(large):>18}{'ratio':>8}")
        for label, per_size in results.items():
            m1, m2 = statistics.median(per_size[0]), statistics.median(per_size[-1])
            print(f"  {label:<28}{m1:>13.0f} ms{m2:>15.0f} ms{m2 / m1:>7.2f}x", flush=True)


if __name__ == "__main__":
    main()
