"""The measured side of the crawl benchmark, in a fresh process (``python -m bench.crawl_worker``).

``crawler`` runs forumwatch's full crawl (fetch, WARC, parse, enrich, store) over every port of
the slow forum as a separate site; ``baseline`` fetches as many thread pages with a bare httpx
loop at the same concurrency (no parsing, no archive, no store). Prints one JSON line: pages,
wall seconds, CPU seconds (user + system) and peak RSS of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx


def _usage() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def crawler(ports: list[int], concurrency: int, budget: int, folder: Path) -> tuple[int, int]:
    """Crawl every port as its own site; (pages fetched, pages failed)."""
    from forumwatch.clock import SimulatedClock
    from forumwatch.crawl.run import CrawlTarget, crawl_sites_async
    from forumwatch.crawl.warc import WarcArchive
    from forumwatch.models import Site
    from forumwatch.settings import load_settings
    from forumwatch.store import open_store

    settings = load_settings(
        environ={},
        overrides={
            "crawl_delay_seconds": 0.0,
            "crawl_concurrency": concurrency,
            "crawl_page_budget": budget,
            "crawl_retries": 1,
            "request_timeout_seconds": 60.0,
            "connect_timeout_seconds": 60.0,
            "write_batch_pages": 16,
        },
    )
    store = open_store(f"sqlite:///{folder / 'bench.db'}")
    clock = SimulatedClock(datetime(2020, 7, 1, tzinfo=UTC))
    sites = [
        store.add_site(Site(f"s{port}", f"http://127.0.0.1:{port}/", engine="phpbb"), clock.now())
        for port in ports
    ]
    archive = WarcArchive(folder / "warc")
    try:
        summaries = await crawl_sites_async(CrawlTarget(store, archive, settings), sites, clock)
    finally:
        archive.close()
        store.close()
    return sum(s.pages for s in summaries), sum(s.failed for s in summaries)


async def baseline(ports: list[int], per_site: int, pages: int) -> tuple[int, int]:
    """Fetch ``pages`` thread pages with bare httpx loops, one client of ``per_site``
    connections per port as the crawler has; (pages fetched, failed)."""
    limits = httpx.Limits(max_connections=per_site, max_keepalive_connections=per_site)
    clients = [httpx.AsyncClient(limits=limits, timeout=60.0, trust_env=False) for _ in ports]
    failed = 0

    async def one(index: int) -> None:
        nonlocal failed
        site = index % len(ports)
        url = f"http://127.0.0.1:{ports[site]}/viewtopic.php?t={index // len(ports) + 1}"
        try:
            response = await clients[site].get(url)
            response.read()
        except httpx.HTTPError:
            failed += 1

    try:
        await asyncio.gather(*(one(i) for i in range(pages)))
    finally:
        for client in clients:
            await client.aclose()
    return pages, failed


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["crawler", "baseline"])
    parser.add_argument("--ports", required=True, help="JSON list of ports")
    parser.add_argument("--concurrency", type=int, default=10, help="per site (crawler)")
    parser.add_argument("--budget", type=int, default=60, help="pages per site")
    args = parser.parse_args()
    ports = json.loads(args.ports)
    with tempfile.TemporaryDirectory(prefix="fw-bench-crawl-") as directory:
        cpu, started = _usage(), time.perf_counter()
        if args.mode == "crawler":
            pages, failed = asyncio.run(
                crawler(ports, args.concurrency, args.budget, Path(directory))
            )
        else:
            pages, failed = asyncio.run(baseline(ports, args.concurrency, args.budget * len(ports)))
        wall = time.perf_counter() - started
        cpu = _usage() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": pages, "failed": failed, "wall": wall, "cpu": cpu, "rss_mb": peak}))


if __name__ == "__main__":
    main()
