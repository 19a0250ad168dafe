"""Crawler throughput against slow sites: 500 connections in flight to a server answering in 1 s.

The slow forum (:mod:`bench.slow_forum`) runs in its own process; so does each measured run
(:mod:`bench.crawl_worker`), so CPU and peak memory are the crawler's alone. 50 sites x 10
connections each = 500 requests in flight. Figures are medians of several runs; the baseline is
a bare httpx fetch loop at the same concurrency in the same session, which shows what parsing,
archiving and storing add.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import Options, Result

SITES, PER_SITE, BUDGET = 50, 10, 60
ROOT = Path(__file__).parents[1]


def _run(mode: str, ports: list[int], budget: int) -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.crawl_worker",
            mode,
            "--ports",
            json.dumps(ports),
            "--concurrency",
            str(PER_SITE),
            "--budget",
            str(budget),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _peak(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats", timeout=10) as response:
        return int(json.loads(response.read())["peak"])


def run(options: Options) -> list[Result]:
    """Start the slow forum, measure the crawler and the baseline, return the figures."""
    sites = 10 if options.quick else SITES
    budget = 30 if options.quick else BUDGET
    repeats = 1 if options.quick else 3
    with tempfile.TemporaryDirectory(prefix="fw-slow-forum-") as directory:
        ports_file = Path(directory) / "ports.json"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.slow_forum",
                "--sites",
                str(sites),
                "--delay",
                "1.0",
                "--ports-file",
                str(ports_file),
            ],
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 300
            while not ports_file.exists():
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the slow forum did not start")
                time.sleep(0.1)
            ports = json.loads(ports_file.read_text())
            crawls, bases, peaks = [], [], []
            for _ in range(repeats):
                _peak(ports[0])
                crawls.append(_run("crawler", ports, budget))
                peaks.append(_peak(ports[0]))
                bases.append(_run("baseline", ports, budget))
        finally:
            server.terminate()
            server.wait(30)
    return _results(crawls, bases, peaks, sites * PER_SITE)


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)


def _results(
    crawls: list[dict[str, Any]], bases: list[dict[str, Any]], peaks: list[int], connections: int
) -> list[Result]:
    def rate(runs: list[dict[str, Any]]) -> float:
        return statistics.median(r["pages"] / r["wall"] for r in runs)

    def cpu_per_page(runs: list[dict[str, Any]]) -> float:
        return statistics.median(1000 * r["cpu"] / max(1, r["pages"]) for r in runs)

    def cores(runs: list[dict[str, Any]]) -> float:
        return statistics.median(r["cpu"] / r["wall"] for r in runs)

    crawl_cores, crawl_rss = cores(crawls), _median(crawls, "rss_mb")
    note = f"{len(crawls)} runs, {int(_median(crawls, 'pages'))} pages each"
    return [
        Result(
            "crawl",
            "requests in flight (server peak)",
            statistics.median(peaks),
            "requests",
            f">= {int(connections * 0.9)}",
            statistics.median(peaks) >= connections * 0.9,
        ),
        Result(
            "crawl",
            "pages per second",
            rate(crawls),
            "pages/s",
            note=note,
            baseline=rate(bases),
            baseline_name="bare httpx loop",
        ),
        Result(
            "crawl",
            "CPU per page",
            cpu_per_page(crawls),
            "ms",
            baseline=cpu_per_page(bases),
            baseline_name="bare httpx loop",
        ),
        Result(
            "crawl",
            "CPU used while crawling",
            crawl_cores,
            "cores",
            "< 1 core",
            crawl_cores < 1.0,
            baseline=cores(bases),
            baseline_name="bare httpx loop",
        ),
        Result(
            "crawl",
            "peak memory",
            crawl_rss,
            "MB",
            "< 300 MB",
            crawl_rss < 300,
            baseline=_median(bases, "rss_mb"),
            baseline_name="bare httpx loop",
        ),
        Result(
            "crawl",
            "failed pages",
            _median(crawls, "failed"),
            "pages",
            "0",
            _median(crawls, "failed") == 0,
        ),
    ]
