"""Stores for the report tests: the small simulated world replayed once per session, and a
hand-made site full of hostile strings (on each backend)."""

from __future__ import annotations

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
from forumwatch.store import IngestItem, Store
from tests.conftest import MONITORING_START, Replayed

KEY = bytes(range(32))
START, END = MONITORING_START, date(2020, 6, 30)
NOW = datetime(2020, 7, 1, 8, 0, tzinfo=UTC)


World7 = Replayed
"""The shared replayed small world (tests/conftest.py)."""


@pytest.fixture(scope="session")
def world7(replayed: Replayed) -> Replayed:
    """The small world monitored daily from February to June 2020, shared with other tests."""
    assert replayed.world.config.seed == 7
    return replayed


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
