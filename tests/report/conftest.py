"""Stores for the report tests: the small simulated world replayed once per session, and a
hand-made site full of hostile strings (on each backend)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from forumwatch.enrich import Enricher
from forumwatch.models import (
    Author,
    Fetch,
    IndexPage,
    PageKind,
    Post,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.build import build_report
from forumwatch.report.data import ReportData, ReportRequest
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.world import World
from forumwatch.store import IngestItem, Store, open_store

KEY = bytes(range(32))
START, END = date(2020, 2, 1), date(2020, 6, 30)
NOW = datetime(2020, 7, 1, 8, 0, tzinfo=UTC)


@dataclass
class World7:
    """The small world (seed 7) monitored daily from February to June 2020."""

    store: Store
    world: World
    truth: dict[str, Any]

    def event(self, kind: str) -> dict[str, Any]:
        """The planted event of a type."""
        return next(e for e in self.truth["events"] if e["type"] == kind)

    def watch_list(self) -> tuple[tuple[str, str, date], ...]:
        """The analyst's watch list: the member the world says was arrested."""
        watch = self.event("watchlisted_activity_after_date")
        return ((watch["site"], watch["handle"], date.fromisoformat(watch["after"])),)

    def handles(self) -> set[str]:
        """Every handle in the store."""
        return {a.handle for a in self.store.authors()}


@pytest.fixture(scope="session")
def world7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World7]:
    """About 25,000 posts on three sites; replayed once per session (about a minute)."""
    world = World(WorldConfig(seed=7, size="small"))
    path = tmp_path_factory.mktemp("report-world") / "store.db"
    store = open_store(f"sqlite:///{path}")
    replay_world(world, store, Enricher(), start=START)
    yield World7(store, world, world.truth())
    store.close()


def whole_period(world7: World7, **options: Any) -> ReportRequest:
    """A request for the whole monitoring period, with the world's watch list."""
    return ReportRequest(START, END, watch_list=world7.watch_list(), **options)


@pytest.fixture(scope="session")
def report_data(world7: World7) -> ReportData:
    """The whole period's report data, handles pseudonymised under :data:`KEY`."""
    return build_report(world7.store, whole_period(world7), Pseudonymiser(KEY), NOW)


# -- hostile strings ----------------------------------------------------------------------------
BASE = "http://127.0.0.1:9/"
HOSTILE_SECTION = "<script>alert('section')</script> Chat"
HOSTILE_THREAD = "<img src=x onerror=alert(1)> [Original] <b>title</b>"
HOSTILE_TEXTS = (
    "Click [here](javascript:alert(1)) <script>alert('post')</script> now",
    '<a href="javascript:alert(2)">x</a> ![img](http://tracker.example/p.png) ok',
    "Fine words " + "A" * 300 + " and more <svg onload=alert(3)>",
    "# Heading | table | `code` *bold* _it_ see https://files.example/x.jpg please",
)
HOSTILE_HANDLE = "zz<b>evil_handle</b>"
WATCHED = "qqx_watched_member"


def hostile_site(store: Store) -> tuple[Site, date]:
    """A site with hostile section, thread and post texts, posted on ten days of May 2020.

    The member :data:`WATCHED` posts half of the hostile texts; put them on a watch list and
    the report quotes them.
    """
    site = store.add_site(Site("hostile<i>", BASE), datetime(2020, 5, 1, tzinfo=UTC))
    assert site.id is not None
    enricher = Enricher()
    first = date(2020, 5, 1)
    start = datetime(2020, 5, 1, 11, tzinfo=UTC)
    index = IndexPage(BASE, sections=(Section("s1", HOSTILE_SECTION, BASE + "s1"),))
    items = [
        IngestItem(
            site.id, index, start, fetch=Fetch(site.name, BASE, start, start, PageKind.INDEX, 200)
        )
    ]
    for offset in range(10):
        day = first + timedelta(days=offset)
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        thread = Thread(f"t{offset}", HOSTILE_THREAD, BASE + f"t{offset}", "s1", tags=("Original",))
        posts = tuple(
            Post(
                f"p{offset}-{number}",
                thread.native_id,
                Author(WATCHED if number % 2 == 0 else HOSTILE_HANDLE),
                moment + timedelta(minutes=number),
                f"See https://files.example/x.jpg {text} (to @{HOSTILE_HANDLE}, {WATCHED} wrote:)",
            )
            for number, text in enumerate(HOSTILE_TEXTS)
        )
        page = ThreadPage(BASE + f"t{offset}", thread, posts)
        fetch = Fetch(site.name, BASE + f"t{offset}", moment, moment, PageKind.THREAD, 200)
        items.append(
            IngestItem(site.id, page, moment, fetch=fetch, enrichment=enricher.enrich_page(page))
        )
    store.ingest(items)
    return site, first
