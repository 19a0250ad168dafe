"""The dashboard at scale, through the ASGI app, logged in: search p95 and the overview page.

``python -m bench web [--scale 1M,10M] [--quick]``. Requests go through the whole app
(session lookup, CSRF-free GETs, store reads in the thread pool, the audit entry every search
writes, template rendering) with ``httpx.ASGITransport``; no network.

Stores (SQLite, built once into ``FORUMWATCH_BENCH_CACHE``, default
``/tmp/forumwatch-bench-cache``):

- ``small`` / ``1M``: the analysis benchmark's replayed worlds (``bench.bench_analysis.
  cached_store``: the simulated world monitored day by day through ``Store.ingest``; 1M posts
  take about an hour to build), copied with SQLite's backup API so the dashboard's users,
  sessions and audit rows never touch the shared cache;
- ``10M``: the 1M store with its sites copied nine more times (sites, sections, threads,
  members, posts with their full-text index, the rollups and the fetch log; links, quotes and
  annotations are not copied): ten times the posts, sites and rollup rows. Built from the 1M
  store in SQL (about 20-30 minutes on two cores), opt-in with ``--scale 10M``.

Figures per scale: search latency (p50, p95; target p95 < 100 ms at 1M) over a fixed mix of
queries and filters, newest first, 20 hits a page; overview page latency (p50, p95; target
< 300 ms at 10M).
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import Options, Result, percentile
from forumwatch.store import open_store
from forumwatch.workspace import Workspace, init_workspace

CACHE = Path(os.environ.get("FORUMWATCH_BENCH_CACHE", "/tmp/forumwatch-bench-cache"))
SIZES = {"small": "small", "1M": "large", "10M": "xl-from-large"}
COPIES = 10
SEARCH_TARGET_MS = 100.0
OVERVIEW_TARGET_MS = 300.0
PASSWORD = "bench-password-1"
QUERIES = (
    {"q": "recipe cook"},
    {"q": '"last summer"'},
    {"q": "lockdown"},
    {"q": "garden OR allotment"},
    {"q": "quarant*"},
    {"q": "football", "links": "yes"},
    {"q": "weather", "language": "en"},
    {"q": "match", "start": "2020-04-01", "end": "2020-04-30"},
    {"q": "upload", "host": "imgpier.net"},
    {"q": "train -bus"},
)
SEARCH_ROUNDS = 5
OVERVIEW_RUNS = 15


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (WAL included) with the backup API."""
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _base_store(size: str) -> Path:
    """The analysis benchmark's replayed world of ``size`` (built there when missing)."""
    from bench.bench_analysis import cached_store

    store = cached_store(size)
    path = Path(store.url.removeprefix("sqlite:///"))
    store.close()
    return path


def _copy_sites(path: Path) -> None:
    """Add COPIES - 1 copies of every site of the store at ``path`` (see the module doc)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    sites = [row[0] for row in db.execute("SELECT id FROM sites ORDER BY id")]
    site_columns = [row[1] for row in db.execute("PRAGMA table_info(sites)") if row[1] != "id"]

    def columns(table: str) -> list[str]:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})") if row[1] != "id"]

    for copy in range(1, COPIES):
        started = time.perf_counter()
        for site_id in sites:
            names = ", ".join(site_columns)
            picked = ", ".join(f"name || '-{copy}'" if c == "name" else c for c in site_columns)
            cursor = db.execute(
                f"INSERT INTO sites ({names}) SELECT {picked} FROM sites WHERE id = ?", (site_id,)
            )
            new_site = cursor.lastrowid
            for table in ("sections", "threads", "authors"):
                _copy_table(db, table, columns(table), site_id, new_site)
            _copy_posts(db, columns("posts"), site_id, new_site)
            _copy_rollups(db, site_id, new_site)
            fetch_columns = columns("fetches")
            picked = ", ".join("? AS site_id" if c == "site_id" else c for c in fetch_columns)
            db.execute(
                f"INSERT INTO fetches ({', '.join(fetch_columns)}) "
                f"SELECT {picked} FROM fetches WHERE site_id = ?",
                (new_site, site_id),
            )
        db.commit()
        print(f"   copy {copy} of the sites: {time.perf_counter() - started:.0f} s", flush=True)
    db.close()


def _copy_table(
    db: sqlite3.Connection, table: str, names: list[str], old_site: int, new_site: int
) -> None:
    """Copy a site's rows of ``table``, remembering old -> new ids in ``map_<table>``."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS map_{table} (old INTEGER PRIMARY KEY, new INT)")
    db.execute(f"DELETE FROM map_{table}")
    mapped = []
    for column in names:
        if column == "site_id":
            mapped.append(f"{new_site}")
        elif column == "section_id":
            mapped.append("(SELECT new FROM map_sections WHERE old = t.section_id)")
        else:
            mapped.append(f"t.{column}")
    rows = db.execute(f"SELECT id FROM {table} WHERE site_id = ? ORDER BY id", (old_site,))
    old_ids = [r[0] for r in rows]
    db.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(mapped)} FROM {table} t "
        f"WHERE t.site_id = ? ORDER BY t.id",
        (old_site,),
    )
    first_new = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] - len(old_ids) + 1
    db.executemany(
        f"INSERT INTO map_{table} (old, new) VALUES (?, ?)",
        [(old, first_new + index) for index, old in enumerate(old_ids)],
    )


def _copy_posts(db: sqlite3.Connection, names: list[str], old_site: int, new_site: int) -> None:
    mapped = []
    for column in names:
        if column == "site_id":
            mapped.append(f"{new_site}")
        elif column == "section_id":
            mapped.append("(SELECT new FROM map_sections WHERE old = p.section_id)")
        elif column == "thread_id":
            mapped.append("(SELECT new FROM map_threads WHERE old = p.thread_id)")
        elif column == "author_id":
            mapped.append("(SELECT new FROM map_authors WHERE old = p.author_id)")
        elif column == "fetch_id":
            mapped.append("NULL")
        else:
            mapped.append(f"p.{column}")
    db.execute(
        f"INSERT INTO posts ({', '.join(names)}) SELECT {', '.join(mapped)} FROM posts p "
        "WHERE p.site_id = ? ORDER BY p.id",
        (old_site,),
    )


def _copy_rollups(db: sqlite3.Connection, old_site: int, new_site: int) -> None:
    db.execute(
        "INSERT INTO daily_counts (metric, site_id, section_id, key, day, value) "
        "SELECT metric, ?, CASE WHEN section_id = 0 THEN 0 ELSE "
        "coalesce((SELECT new FROM map_sections WHERE old = d.section_id), section_id) END, "
        "CASE WHEN metric = 'thread_posts' THEN "
        "coalesce((SELECT CAST(new AS TEXT) FROM map_threads WHERE old = CAST(d.key AS INT)), key)"
        " ELSE key END, day, value FROM daily_counts d WHERE site_id = ?",
        (new_site, old_site),
    )


def bench_store(scale: str) -> Path:
    """The SQLite file the dashboard is measured on at ``scale`` (built and cached once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"web-{SIZES[scale]}.db"
    done = path.with_suffix(".complete")
    if done.exists():
        return path
    started = time.perf_counter()
    base = _base_store("large" if scale == "10M" else SIZES[scale])
    print(f"   copying {base} to {path} ...", flush=True)
    _backup(base, path)
    if scale == "10M":
        _copy_sites(path)
    copied = open_store(f"sqlite:///{path}")
    copied.optimize()  # as an operator would after a backfill (the cache may predate it)
    copied.close()
    done.write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    return path


def _workspace(store_path: Path) -> Workspace:
    folder = CACHE / f"web-workspace-{store_path.stem}"
    workspace = init_workspace(folder, {"store_url": f"sqlite:///{store_path}"})
    store = workspace.open_store()
    try:
        if store.get_user("bench") is None:
            from forumwatch.web.auth import add_user

            add_user(store, "bench", PASSWORD, "analyst", datetime.now(UTC))
    finally:
        store.close()
    return workspace


async def _measure_app(workspace: Workspace) -> tuple[list[float], list[float], int]:
    from forumwatch.web.app import create_app

    app = create_app(workspace)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        form = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        answer = await client.post(
            "/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert answer.status_code in (200, 303), answer.status_code

        async def timed(path: str, params: dict[str, str] | None = None) -> float:
            begin = time.perf_counter()
            response = await client.get(path, params=params)
            elapsed = time.perf_counter() - begin
            assert response.status_code == 200, (path, response.status_code)
            return elapsed * 1000

        hits = 0
        for query in QUERIES:  # warm the page cache once, as a running dashboard would be
            await timed("/search", query)
        searches = []
        for _ in range(SEARCH_ROUNDS):
            for query in QUERIES:
                searches.append(await timed("/search", query))
        page = await client.get("/search", params=QUERIES[2])
        hits = page.text.count('class="hit"')
        await timed("/")
        overviews = [await timed("/") for _ in range(OVERVIEW_RUNS)]
    app.state.web.store.close()
    return searches, overviews, hits


def _results(scale: str, searches: list[float], overviews: list[float], note: str) -> list[Result]:
    def figure(name: str, values: list[float], fraction: float, target: float | None) -> Result:
        value = percentile(values, fraction)
        return Result(
            "web",
            f"{name} {scale}",
            value,
            "ms",
            target=f"< {target:.0f} ms" if target else "",
            met=None if target is None else value < target,
            note=note,
        )

    search_target = SEARCH_TARGET_MS if scale == "1M" else None
    overview_target = OVERVIEW_TARGET_MS if scale in ("1M", "10M") else None
    return [
        figure("search p50", searches, 0.5, None),
        figure("search p95", searches, 0.95, search_target),
        figure("overview p50", overviews, 0.5, None),
        figure("overview p95", overviews, 0.95, overview_target),
    ]


def run(options: Options) -> list[Result]:
    """Measure each requested scale (default 1M; ``--quick``: small)."""
    wanted = [s for s in options.scales if s in SIZES]
    scales = wanted or (["small"] if options.quick else ["1M"])
    results: list[Result] = []
    for scale in scales:
        print(f"   web at {scale} ...", flush=True)
        path = bench_store(scale)
        workspace = _workspace(path)
        store = workspace.open_store()
        posts = store.max_post_id()
        store.close()
        searches, overviews, hits = asyncio.run(_measure_app(workspace))
        note = f"{posts:,} posts (max id); {len(searches)} searches, {hits} hits on a page"
        results += _results(scale, searches, overviews, note)
    return results
