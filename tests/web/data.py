"""A small workspace for the dashboard tests, whose crawled strings carry stored-XSS payloads.

Two sites, three sections and a handful of threads over two months of benign chatter
(gardening, football, weather, a lockdown discussed plainly), with a fetch log that has an
outage, links to clearnet image files, and payloads in section titles, thread titles, handles,
post text, quotes and post links. None of them may execute in the dashboard.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from forumwatch.enrich import Enricher
from forumwatch.models import (
    Author,
    Fetch,
    IndexPage,
    PageKind,
    Post,
    Quote,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.store.records import IngestItem
from forumwatch.web.auth import add_user
from forumwatch.workspace import Workspace, init_workspace

PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<a href="javascript:window.__xss=1">click</a>',
    '"><svg onload=window.__xss=1>',
    "javascript:alert(1)",
)
USERS = {
    "vera": ("viewer", "viewer-password-1"),
    "ada": ("analyst", "analyst-password-1"),
    "root": ("admin", "admin-password-1"),
}
START = date(2020, 3, 1)
DAYS = 61
OUTAGE = (date(2020, 4, 10), date(2020, 4, 11), date(2020, 4, 12))
HOSTILE_HANDLE = '<img src=x onerror="window.__xss=1">'
IMAGE_URL = "https://files.example.net/a/b.jpg"
TOPICS = (
    "The tomato seedlings need more light; the garden centre reopened after the lockdown.",
    "Great match last night, the keeper saved two penalties in the football final.",
    "Heavy rain again tomorrow, the weather forecast says the allotment will flood.",
    "Quarantine cooking: my sourdough recipe finally works, photo at {url}",
    "Travel plans cancelled because of the lockdown, staying home with the garden.",
)
HANDLES = ("green_thumb", "keeper99", "rainy_day", HOSTILE_HANDLE, "sourdough_sam")


def _sections(site: str) -> tuple[Section, ...]:
    base = f"http://127.0.0.1:9/{site}/"
    return (
        Section("1", "Gardening", base + "f1"),
        Section("2", "Football", base + "f2"),
        Section("3", "<script>window.__xss=1</script>Weather", base + "f3", language="en"),
    )


def _threads(site: str) -> list[Thread]:
    base = f"http://127.0.0.1:9/{site}/"
    return [
        Thread("10", "Seedlings and the lockdown", base + "t10", "1", ("[Original]",)),
        Thread("11", '"><svg onload=window.__xss=1> match thread', base + "t11", "2"),
        Thread("12", 'Forecast <img src=x onerror="window.__xss=1"> week', base + "t12", "3"),
    ]


def _post(site: str, thread: Thread, day: date, index: int, serial: int) -> Post:
    handle = HANDLES[(serial + index) % len(HANDLES)]
    text = TOPICS[(serial + index) % len(TOPICS)].format(url=IMAGE_URL)
    if serial % 4 == 0:
        text += " " + PAYLOADS[serial // 4 % len(PAYLOADS)]
    links: tuple[str, ...] = ()
    if serial % 3 == 0:
        links = (f"https://files.example.net/{site}/{serial}.jpg",)
    if serial % 5 == 0:
        links += ("javascript:alert(1)",)
    quotes: tuple[Quote, ...] = ()
    if serial % 6 == 1:
        quotes = (Quote(1, HOSTILE_HANDLE, "quoted <script>window.__xss=1</script> text"),)
    return Post(
        native_id=f"{site}-{serial}",
        thread_native_id=thread.native_id,
        author=Author(handle),
        posted_at=datetime(day.year, day.month, day.day, 8 + index, 15, tzinfo=UTC),
        text=text,
        title="",
        quotes=quotes,
        links=links,
        position=serial,
    )


def build_workspace(path: Path) -> Workspace:
    """Create the workspace, fill its store day by day and add the three test users."""
    workspace = init_workspace(path)
    store = workspace.open_store()
    enricher = Enricher()
    created = datetime.combine(START, datetime.min.time(), tzinfo=UTC)
    try:
        for name in ("harbour", "lighthouse"):
            site = store.add_site(Site(name, f"http://127.0.0.1:9/{name}/"), created)
            assert site.id is not None
            sections = _sections(name)
            threads = _threads(name)
            store.ingest([IngestItem(site.id, IndexPage(site.base_url, name, sections), created)])
            serial = 0
            for offset in range(DAYS):
                day = START + timedelta(days=offset)
                now = datetime(day.year, day.month, day.day, 20, 0, tzinfo=UTC)
                if name == "lighthouse" and day in OUTAGE:
                    store.record_fetch(
                        site.id,
                        Fetch(name, site.base_url, now, now, PageKind.INDEX, None, "http_503"),
                    )
                    continue
                items = []
                for thread in threads:
                    posts = []
                    for index in range(1 + (offset + int(thread.native_id)) % 3):
                        serial += 1
                        posts.append(_post(name, thread, day, index, serial))
                    page = ThreadPage(thread.url, thread, tuple(posts))
                    fetch = Fetch(name, thread.url, now, now, PageKind.THREAD, 200)
                    enrichment = enricher.enrich_page(page)
                    items.append(IngestItem(site.id, page, now, fetch=fetch, enrichment=enrichment))
                store.ingest(items)
            store.set_site_status(
                site.id,
                "ok",
                "crawled <b>fine</b>",
                started_at=created,
                finished_at=datetime.combine(
                    START + timedelta(days=DAYS - 1), datetime.min.time(), tzinfo=UTC
                ),
            )
        now = datetime.now(UTC)
        for user, (role, password) in USERS.items():
            add_user(store, user, password, role, now)
    finally:
        store.close()
    return workspace
