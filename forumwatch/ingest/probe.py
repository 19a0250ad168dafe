"""Look at one page the way the parsers see it (``forumwatch profile test``).

A page comes from a saved file or from one URL, fetched through forumwatch's text-only fetcher
(the same guard, size cap and proxy as a crawl) into a temporary archive that is thrown away.
:func:`probe` then names the engine (or uses the given profile or engine), the page's kind, and
parses it. Nothing is stored.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from forumwatch.clock import Clock
from forumwatch.crawl.fetcher import Fetcher, decode_html
from forumwatch.crawl.profile import SiteProfile
from forumwatch.crawl.service import site_name_for, validate_site_url
from forumwatch.crawl.transport import build_client
from forumwatch.crawl.warc import WarcArchive
from forumwatch.errors import ConfigError, SiteUnreachableError
from forumwatch.models import PageKind, ParsedPage, Site
from forumwatch.parse.base import EngineParser
from forumwatch.parse.profile import ParseProfile, build_parser
from forumwatch.parse.registry import detect_engine, get_parser
from forumwatch.settings import Settings


@dataclass(frozen=True, slots=True)
class LoadedPage:
    """A page to look at: its text, the URL it stands for, and when it was captured."""

    text: str
    url: str
    captured_at: datetime


@dataclass(frozen=True, slots=True)
class Probe:
    """What the parsers make of one page.

    Attributes:
        engine: the parser's engine name (``custom`` for a custom profile), or None.
        confidence: the detection score (1.0 when an engine or profile was given).
        kind: the page's role.
        page: the parsed page (None when no engine fits).
    """

    engine: str | None
    confidence: float
    kind: PageKind
    page: ParsedPage | None


def load_file(path: Path, url: str | None, captured_at: datetime | None = None) -> LoadedPage:
    """Read a saved page; its URL is ``url`` or the file's own ``file://`` URL.

    Relative dates ("17 minutes ago") are read against ``captured_at``, by default the file's
    modification time (when it was saved).

    Raises:
        ConfigError: the file cannot be read.
    """
    try:
        body = path.read_bytes()
        saved = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    return LoadedPage(decode_html(body, None), url or path.resolve().as_uri(), captured_at or saved)


def fetch_one(
    url: str, settings: Settings, clock: Clock, crawl_profile: SiteProfile | None = None
) -> LoadedPage:
    """Fetch one page through the text-only fetcher (archived to a temporary folder).

    The ``[crawl]`` table of ``crawl_profile`` (proxy, user agent, timeouts) applies when given.

    Raises:
        InvalidURLError: the URL is malformed.
        SiteUnreachableError: the page could not be fetched, or it is not HTML.
    """
    url = validate_site_url(url)
    host = urlsplit(url).netloc
    site = Site(name=site_name_for(url), base_url=url)
    policy = (crawl_profile or SiteProfile()).policy(settings)

    async def run(folder: Path) -> LoadedPage:
        archive = WarcArchive(folder, prefix="probe")
        client = build_client(site.name, policy, settings)
        try:
            fetcher = Fetcher(
                client,
                archive,
                clock,
                site.name,
                lambda target: urlsplit(target).netloc == host,
                policy.max_page_bytes,
                policy.request_timeout_seconds,
            )
            outcome = await fetcher.fetch(url, PageKind.OTHER)
        finally:
            await client.aclose()
            archive.close()
        if outcome.text is None:
            reason = outcome.fetch.error_class or f"HTTP {outcome.fetch.status}"
            raise SiteUnreachableError(f"could not fetch {url} ({reason})")
        return LoadedPage(outcome.text, outcome.final_url or url, outcome.fetch.started_at)

    with tempfile.TemporaryDirectory(prefix="forumwatch-probe-") as folder:
        return asyncio.run(run(Path(folder)))


def probe(
    loaded: LoadedPage,
    profile: ParseProfile | None = None,
    engine: str | None = None,
    timezone: str = "UTC",
) -> Probe:
    """Parse one page with the profile, the named engine, or the engine it is detected as.

    Raises:
        ConfigError: the engine is unknown or the profile is wrong.
    """
    parser: EngineParser | None
    if profile is not None:
        parser = build_parser(profile)
        confidence = parser.detect(loaded.text, loaded.url) if profile.detect else 1.0
    elif engine is not None:
        parser = get_parser(engine, timezone=timezone)
        confidence = 1.0
    else:
        parser, confidence = detect_engine(loaded.text, loaded.url, timezone=timezone)
    if parser is None:
        return Probe(None, confidence, PageKind.OTHER, None)
    kind = parser.page_kind(loaded.text, loaded.url)
    page = parser.parse(loaded.text, loaded.url, loaded.captured_at)
    return Probe(parser.name, confidence, kind, page)
