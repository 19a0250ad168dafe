"""The trend report at scale: one week's report (every figure, event detection, quotes, HTML
and Markdown) on the replayed simulated world, target < 10 s at 10M posts.

``python -m bench report --scale 1M,10M``. Stores are the analysis benchmark's cached replays
(:func:`bench.bench_analysis.cached_store`; the default scale is ``small``, 25k posts; building
1M takes an hour, once) and, at 10M, the web benchmark's copy of the 1M world's sites
(:func:`bench.bench_web.bench_store`). The week is 25-31 May 2020, the week after the planted host
went down, so the findings and their quotes are exercised. Figures: the report's wall time,
each part's time (events, headlines, activity, keywords, link index, hosts, tags, languages,
coverage, findings with quotes, rendering), and the PDF print when Chromium is installed.
There is no raw-row baseline: every figure is read from rollups, and recomputing them from
posts would take minutes at 10M posts.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.bench_analysis import SCALES, store_at
from bench.common import Options, Result
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.build import build_report
from forumwatch.report.data import ReportRequest
from forumwatch.report.html import render_html
from forumwatch.report.markdown import render_markdown
from forumwatch.report.pdf import html_to_pdf

WEEK = (date(2020, 5, 25), date(2020, 5, 31))
TARGET_SECONDS = 10.0


def _measure(scale: str) -> list[Result]:
    store = store_at(scale)
    results: list[Result] = []
    try:
        label = f"{scale} ({store.counts().posts:,} posts)"
        request = ReportRequest(*WEEK)
        pseudonymiser = Pseudonymiser(b"bench-key-0123456789")
        now = datetime(2020, 6, 1, tzinfo=UTC)
        build_report(store, request, pseudonymiser, now)  # warm the page cache once
        started = time.perf_counter()
        data = build_report(store, request, pseudonymiser, now)
        rendered = time.perf_counter()
        html = render_html(data)
        render_markdown(data)
        total = time.perf_counter() - started
        results.append(
            Result(
                "report",
                f"{label}: one-week report, HTML and Markdown ({len(data.findings)} findings)",
                total,
                "s",
                target=f"< {TARGET_SECONDS:.0f} s",
                met=total < TARGET_SECONDS,
            )
        )
        for part, seconds in data.timings.items():
            results.append(Result("report", f"{label}: part '{part}'", seconds * 1000, "ms"))
        results.append(
            Result(
                "report",
                f"{label}: part 'render HTML + Markdown'",
                (time.perf_counter() - rendered) * 1000,
                "ms",
            )
        )
        if shutil.which("chromium"):
            with tempfile.TemporaryDirectory() as folder:
                began = time.perf_counter()
                html_to_pdf(html, Path(folder) / "report.pdf")
                results.append(
                    Result("report", f"{label}: PDF print", time.perf_counter() - began, "s")
                )
    finally:
        store.close()
    return results


def run(options: Options) -> list[Result]:
    """Measure each requested scale (default: small)."""
    scales = [s for s in options.scales if s in SCALES] or ["small"]
    results: list[Result] = []
    for scale in scales:
        print(f"   report at {scale} ...", flush=True)
        results += _measure(scale)
    return results
