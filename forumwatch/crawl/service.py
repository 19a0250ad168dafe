"""Crawling a workspace's sites: the entry points the command line and the demo call."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from forumwatch.clock import Clock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.crawl.profile import parse_profile
from forumwatch.crawl.run import CrawlTarget, crawl_sites
from forumwatch.errors import ConfigError, InvalidURLError, SiteUnreachableError
from forumwatch.models import Site
from forumwatch.parse.registry import engine_names
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


def add_site(
    store: Store,
    url: str,
    now: datetime,
    name: str | None = None,
    engine: str = "auto",
    profile_text: str = "",
    timezone: str = "UTC",
    language: str | None = None,
    proxy: str | None = None,
) -> Site:
    """Validate and store a new site with its profile.

    Raises:
        InvalidURLError: the URL is malformed.
        ConfigError: the name is taken, the engine unknown, or the profile invalid.
    """
    url = validate_site_url(url)
    parse_profile(profile_text, "profile")
    if engine != "auto" and engine not in engine_names():
        raise ConfigError(f"unknown engine {engine!r}; known engines: {', '.join(engine_names())}")
    if proxy and not proxy.startswith(("socks5://", "socks5h://", "http://", "https://")):
        raise ConfigError("the proxy must be a socks5h://, socks5:// or http:// URL")
    if name is None:
        existing = {s.name for s in store.list_sites()}
        base = name = site_name_for(url)
        suffix = 1
        while name in existing:
            suffix += 1
            name = f"{base}-{suffix}"
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}", name):
        raise ConfigError(f"invalid site name {name!r} (letters, digits, '-', '_', '.')")
    site = Site(
        name=name,
        base_url=url,
        engine=engine,
        language=language,
        timezone=timezone,
        proxy=proxy or None,
        profile_toml=profile_text,
    )
    return store.add_site(site, now)


def set_site_profile(store: Store, name: str, profile_text: str) -> Site:
    """Replace a stored site's profile (validated first).

    Raises:
        NotFoundError: no such site.
        ConfigError: the profile is invalid.
    """
    parse_profile(profile_text, "profile")
    site = store.get_site(name)
    return store.update_site(replace(site, profile_toml=profile_text))


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
    archive = workspace.archive(workspace.path.name or "forumwatch")
    try:
        if site_names:
            sites = [store.get_site(name) for name in site_names]
        else:
            sites = [s for s in store.list_sites() if not s.defunct]
        summaries = crawl_sites(
            CrawlTarget(store, archive, workspace.settings),
            sites,
            clock,
            progress,
            workspace.enricher(),
        )
        # Watch rules (forumwatch/analyse/alerts.py) see what this run stored.
        from forumwatch.analyse.alerts import run_alerts_after_crawl

        run_alerts_after_crawl(store, clock.now(), workspace.settings, workspace.pseudonymiser())
        return summaries
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
            site = add_site(store, url, clock.now())
        [summary] = crawl_workspace(workspace, clock, [site.name], progress, store=store)
    finally:
        store.close()
    if not summary.reached:
        reasons = ", ".join(f"{k} x{v}" for k, v in sorted(summary.errors.items()))
        raise SiteUnreachableError(f"could not reach {url} ({reasons})")
    return summary
