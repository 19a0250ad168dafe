"""Crawling a workspace's sites: the entry points the command line and the demo call."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from forumwatch.clock import Clock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.crawl.run import CrawlTarget, crawl_sites
from forumwatch.crawl.warc import WarcArchive
from forumwatch.errors import InvalidURLError, SiteUnreachableError
from forumwatch.models import Site
from forumwatch.store.base import Store
from forumwatch.workspace import Workspace


def validate_site_url(url: str) -> str:
    """Check that ``url`` is an absolute http(s) URL with a host; return it normalised.

    Raises:
        InvalidURLError: anything else.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise InvalidURLError(f"malformed URL {url!r}: {error}") from error
    if parts.scheme not in {"http", "https"}:
        raise InvalidURLError(f"malformed URL {url!r}: expected http:// or https://")
    if not parts.hostname or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", parts.hostname):
        raise InvalidURLError(f"malformed URL {url!r}: no valid host")
    netloc = parts.hostname.lower() + (f":{port}" if port else "")
    return f"{parts.scheme}://{netloc}{parts.path or '/'}" + (
        f"?{parts.query}" if parts.query else ""
    )


def site_name_for(url: str) -> str:
    """A default site name from a URL's host ("abcd...xyz.onion" -> "abcdefgh")."""
    host = urlsplit(url).hostname or "site"
    label = host.split(".")[0] if host.endswith(".onion") else host
    name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    port = urlsplit(url).port
    if port and not host.endswith(".onion"):
        name = f"{name}-{port}"
    return name[:40] or "site"


def crawl_workspace(
    workspace: Workspace,
    clock: Clock,
    site_names: Sequence[str] | None = None,
    progress: CrawlProgress | None = None,
    store: Store | None = None,
) -> list[SiteCrawlSummary]:
    """Crawl the named sites (all non-defunct sites by default) of a workspace once."""
    own_store = store is None
    store = store or workspace.open_store()
    archive = WarcArchive(
        workspace.warc_dir,
        prefix=workspace.path.name or "forumwatch",
        max_bytes=workspace.settings.warc_max_bytes,
    )
    try:
        if site_names:
            sites = [store.get_site(name) for name in site_names]
        else:
            sites = [s for s in store.list_sites() if not s.defunct]
        return crawl_sites(CrawlTarget(store, archive, workspace.settings), sites, clock, progress)
    finally:
        archive.close()
        if own_store:
            store.close()


def crawl_url(
    workspace: Workspace, url: str, clock: Clock, progress: CrawlProgress | None = None
) -> SiteCrawlSummary:
    """Crawl the site at ``url`` once, adding it to the workspace first if it is new.

    Raises:
        InvalidURLError: the URL is malformed.
        SiteUnreachableError: not even the entry page could be fetched.
    """
    url = validate_site_url(url)
    store = workspace.open_store()
    try:
        site = next((s for s in store.list_sites() if s.base_url == url), None)
        if site is None:
            existing = {s.name for s in store.list_sites()}
            base, name, suffix = site_name_for(url), site_name_for(url), 1
            while name in existing:
                suffix += 1
                name = f"{base}-{suffix}"
            site = store.add_site(Site(name=name, base_url=url), clock.now())
        [summary] = crawl_workspace(workspace, clock, [site.name], progress, store=store)
    finally:
        store.close()
    if not summary.reached:
        reasons = ", ".join(f"{k} x{v}" for k, v in sorted(summary.errors.items()))
        raise SiteUnreachableError(f"could not reach {url} ({reasons})")
    return summary
