"""Run the benchmarks: ``python -m bench [NAME ...] [--quick] [--scale 1M,10M]``."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import Options, Result

HERE = Path(__file__).parent


def available() -> list[str]:
    """Names of the benchmark modules (bench_<name>.py)."""
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(HERE)])
        if m.name.startswith("bench_")
    )


def render(results: list[Result]) -> str:
    """The results as an aligned text table."""
    rows = [("benchmark", "figure", "value", "target", "met", "baseline", "ratio")]
    for r in results:
        rows.append(
            (
                r.benchmark,
                r.name,
                f"{r.value:,.2f} {r.unit}",
                r.target,
                "-" if r.met is None else ("yes" if r.met else "NO"),
                "-" if r.baseline is None else f"{r.baseline:,.2f} ({r.baseline_name})",
                "-" if r.ratio is None else f"{r.ratio:,.1f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {available()})")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--scale", default="", help="comma-separated scales, e.g. 1M,10M")
    parser.add_argument("--backend", default="sqlite", help="comma-separated: sqlite,postgres")
    args = parser.parse_args()
    options = Options(
        quick=args.quick,
        scales=tuple(s for s in args.scale.split(",") if s),
        backends=tuple(b for b in args.backend.split(",") if b),
    )
    names = args.names or available()
    results: list[Result] = []
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        produced = module.run(options)
        results.extend(produced)
        print(render(produced), flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    print("== all results")
    print(render(results))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 1 if any(r.met is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
