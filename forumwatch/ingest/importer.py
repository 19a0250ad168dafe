"""``forumwatch import``: existing captures through the same parsers, enrichment and store.

Every captured page is parsed by its site's parser (a site profile, a named engine, the site's
configured engine, or the engine detected from the page), enriched, and stored in one
transaction with the fetch it came from, so that every stored post points to an archived
response with its SHA-256:

* WARC input keeps its own records: the file is copied, byte for byte and under its own name,
  into the workspace's archive folder (where ``forumwatch verify`` looks), and each fetch
  points to the record's original offset;
* pages from HAR files and saved folders have no record: each is written to the workspace's
  WARC archive first, unless the store already holds an archived fetch of the same URL and body.

Text only: HTML responses are imported; a JSON body only from a Discourse API endpoint
(``/t/``, ``/c/``, ``/latest.json``, ``/categories.json``), read by the Discourse parser; plain
text only for the chat-log parser. Everything else, non-2xx responses and pages whose URL or
engine is unknown are skipped and counted. Importing the same capture twice changes nothing:
the store keeps one fetch per archive record and one post per content hash.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from forumwatch.clock import Clock, SystemClock
from forumwatch.crawl.fetcher import decode_html
from forumwatch.crawl.service import site_name_for, validate_site_url
from forumwatch.errors import ForumwatchError, NotFoundError
from forumwatch.ingest.sources import Capture, kind_of, read_folder, read_har, read_warc
from forumwatch.models import Fetch, Site
from forumwatch.parse.base import EngineParser
from forumwatch.parse.profile import ParseProfile, build_parser
from forumwatch.parse.registry import detect_engine, get_parser
from forumwatch.store.base import Store
from forumwatch.store.records import IngestItem
from forumwatch.workspace import Workspace

HTML_TYPES = ("text/html", "application/xhtml+xml")
_LOOKS_LIKE_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body)", re.I | re.S
)
_DISCOURSE_JSON = re.compile(
    r"/(?:t/[^?#]+|c/[^?#]+|latest|categories)\.json(?:[?#]|$)|/t/\d+\.json"
)


class ImportProgress(Protocol):
    """Receives progress; the command line shows it, the library never prints."""

    def on_start(self, total: int | None) -> None:
        """The number of captures to go through (None when unknown in advance)."""

    def on_capture(self, source: str, outcome: str) -> None:
        """One capture done: ``stored``, ``unchanged`` or ``skipped: <reason>``."""


class _NoProgress:
    def on_start(self, total: int | None) -> None:
        """Ignore."""

    def on_capture(self, source: str, outcome: str) -> None:
        """Ignore."""


@dataclass
class ImportSummary:
    """What an import did."""

    captures: int = 0
    pages: int = 0
    new_posts: int = 0
    changed_posts: int = 0
    problems: int = 0
    sites: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        """Captures that were not imported."""
        return sum(self.skipped.values())


def import_path(
    workspace: Workspace,
    path: Path,
    site_name: str | None = None,
    engine: str | None = None,
    profile: ParseProfile | None = None,
    *,
    clock: Clock | None = None,
    progress: ImportProgress | None = None,
    store: Store | None = None,
) -> ImportSummary:
    """Import a WARC file, a HAR file or a folder of saved pages into the workspace's store.

    Args:
        workspace: the workspace (store and archive folder).
        path: the WARC/HAR file or the folder.
        site_name: store every page under this site (created if new); by default a site per
            host, named as ``forumwatch crawl`` names them.
        engine: parse with this engine instead of detecting it.
        profile: parse with this site profile (its engine, selectors and timezone).
        clock: the clock for new sites' creation time.
        progress: receives progress.
        store: an open store (the workspace's is opened and closed otherwise).

    Raises:
        ConfigError: the path is no capture, the engine is unknown, or the profile is wrong.
    """
    kind = kind_of(path)
    if engine is not None:
        get_parser(engine)  # fail early on an unknown engine
    own_store = store is None
    store = store or workspace.open_store()
    run = _Import(workspace, store, site_name, engine, profile, clock or SystemClock(), progress)
    try:
        if kind == "warc":
            warc_name = run.adopt_warc(path)
            run.progress.on_start(None)
            for capture in read_warc(path):
                run.one(capture, warc_name)
        else:
            captures = list(read_har(path) if kind == "har" else read_folder(path))
            run.progress.on_start(len(captures))
            for capture in captures:
                run.one(capture, None)
    finally:
        run.archive.close()
        if own_store:
            store.close()
    return run.summary


class _Import:
    """One import run: site and parser caches, the archive, the summary."""

    def __init__(
        self,
        workspace: Workspace,
        store: Store,
        site_name: str | None,
        engine: str | None,
        profile: ParseProfile | None,
        clock: Clock,
        progress: ImportProgress | None,
    ) -> None:
        self.workspace = workspace
        self.store = store
        self.site_name = site_name
        self.engine = engine
        self.profile = profile
        self.clock = clock
        self.progress = progress or _NoProgress()
        self.summary = ImportSummary()
        self.enricher = workspace.enricher()
        self.archive = workspace.archive("import")
        self.sites: dict[str, Site] = {}
        self.parsers: dict[str, EngineParser] = {}
        self._archived: dict[tuple[str, str], tuple[str, int, int | None]] | None = None

    # --- the archive -------------------------------------------------------------------------

    def adopt_warc(self, path: Path) -> str:
        """Put the WARC file into the archive folder under its own name; return that name."""
        folder = self.workspace.warc_dir.resolve()
        folder.mkdir(parents=True, exist_ok=True)
        source = path.resolve()
        if source.parent == folder:
            return source.name
        digest = _file_digest(source)
        target = folder / source.name
        if target.exists() and _file_digest(target) != digest:
            stem = source.name.split(".warc")[0]
            target = folder / f"{stem}-{digest[:12]}{source.name[len(stem) :]}"
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(source, partial)
            partial.replace(target)
        return target.name

    def _already_archived(self, url: str, sha256: str) -> tuple[str, int, int | None] | None:
        if self._archived is None:
            self._archived = {
                (fetch.url, fetch.sha256): (fetch.warc_file, fetch.warc_offset, fetch.warc_length)
                for fetch in self.store.archived_fetches()
            }
        return self._archived.get((url, sha256))

    # --- one capture ---------------------------------------------------------------------------

    def one(self, capture: Capture, warc_name: str | None) -> None:
        """Import one capture (or count why it was skipped) and report it."""
        self.summary.captures += 1
        outcome = self._import(capture, warc_name)
        if outcome.startswith("skipped"):
            self.summary.skipped[outcome.removeprefix("skipped: ")] += 1
        self.progress.on_capture(capture.source, outcome)

    def _import(self, capture: Capture, warc_name: str | None) -> str:
        raw_url = capture.url
        if raw_url is None:
            # A saved file that does not say its URL: under a known --site, its path there.
            named = self._named_site()
            if named is None:
                return "skipped: URL unknown"
            raw_url = urljoin(named.base_url, capture.source.replace("\\", "/"))
            capture = replace(capture, url=raw_url)
        if not 200 <= capture.status < 300:
            return f"skipped: HTTP {capture.status}"
        try:
            url = validate_site_url(raw_url)
        except ForumwatchError:
            return "skipped: not an http(s) URL"
        site = self._site(url)
        parser = self._parser(site, capture, url)
        if parser is None:
            return "skipped: engine not recognised"
        text = self._text(capture, parser, url)
        if text is None:
            return "skipped: not HTML"
        fetch = self._fetch(site, capture, url, parser, text, warc_name)
        page = parser.parse(text, url, capture.captured_at)
        result = self.store.ingest(
            [
                IngestItem(
                    site_id=site.id or 0,
                    page=page,
                    captured_at=capture.captured_at,
                    fetch=fetch,
                    enrichment=self.enricher.enrich_page(page),
                )
            ]
        )
        self.summary.pages += 1
        self.summary.new_posts += result.new_posts
        self.summary.changed_posts += result.changed_posts
        self.summary.problems += result.problems
        self.summary.sites.add(site.name)
        return "stored" if result.new_posts or result.changed_posts else "unchanged"

    def _text(self, capture: Capture, parser: EngineParser, url: str) -> str | None:
        declared = (capture.content_type or "").split(";")[0].strip().lower()
        if declared in HTML_TYPES or (not declared and _LOOKS_LIKE_HTML.match(capture.body[:2048])):
            return decode_html(capture.body, capture.content_type)
        if (
            parser.name == "discourse"
            and _DISCOURSE_JSON.search(url)
            and declared in ("application/json", "")
            and capture.body.lstrip()[:1] == b"{"
        ):
            return capture.body.decode("utf-8", errors="replace")
        if parser.name == "chat" and declared in ("text/plain", ""):
            return decode_html(capture.body, capture.content_type)
        return None

    def _fetch(
        self,
        site: Site,
        capture: Capture,
        url: str,
        parser: EngineParser,
        text: str,
        warc_name: str | None,
    ) -> Fetch:
        sha256 = hashlib.sha256(capture.body).hexdigest()
        if capture.origin is not None and warc_name is not None:
            location: tuple[str, int, int | None] = (warc_name, capture.origin.offset, None)
        else:
            found = self._already_archived(url, sha256)
            if found is None:
                archived = self.archive.write(
                    url=url,
                    captured_at=capture.captured_at,
                    method="GET",
                    request_headers=[("Host", urlsplit(url).netloc)],
                    status=capture.status,
                    reason=capture.reason,
                    response_headers=list(capture.headers)
                    or [("Content-Type", "text/html; charset=utf-8")],
                    body=capture.body,
                )
                found = (archived.warc_file, archived.offset, archived.length)
                if self._archived is not None:
                    self._archived[(url, sha256)] = found
            location = found
        return Fetch(
            site_name=site.name,
            url=url,
            started_at=capture.captured_at,
            ended_at=capture.captured_at,
            kind=parser.page_kind(text, url),
            status=capture.status,
            content_type=capture.content_type,
            bytes_received=len(capture.body),
            sha256=sha256,
            warc_file=location[0],
            warc_offset=location[1],
            warc_length=location[2],
        )

    # --- sites and parsers -----------------------------------------------------------------------

    def _named_site(self) -> Site | None:
        if self.site_name is None:
            return None
        try:
            return self.store.get_site(self.site_name)
        except NotFoundError:
            return None

    def _site(self, url: str) -> Site:
        parts = urlsplit(url)
        base_url = f"{parts.scheme}://{parts.netloc}/"
        name = self.site_name or site_name_for(url)
        if name in self.sites:
            return self.sites[name]
        try:
            site = self.store.get_site(name)
        except NotFoundError:
            site = self.store.add_site(
                Site(
                    name=name,
                    base_url=base_url,
                    engine=self.profile.engine if self.profile else (self.engine or "auto"),
                    language=self.profile.language if self.profile else None,
                    timezone=self.profile.timezone if self.profile else "UTC",
                ),
                self.clock.now(),
            )
        self.sites[name] = site
        return site

    def _parser(self, site: Site, capture: Capture, url: str) -> EngineParser | None:
        if self.profile is not None:
            return self.parsers.setdefault("profile", build_parser(self.profile))
        name = self.engine or (site.engine if site.engine not in ("", "auto") else None)
        if name is not None:
            key = f"{site.name}\x00{name}"
            if key not in self.parsers:
                self.parsers[key] = get_parser(name, timezone=site.timezone, language=site.language)
            return self.parsers[key]
        text = capture.body[:400_000].decode("utf-8", errors="replace")
        detected, _ = detect_engine(text, url, timezone=site.timezone)
        if detected is not None:
            key = f"{site.name}\x00{detected.name}"
            self.parsers.setdefault(key, detected)
            self.parsers[site.name] = self.parsers[key]
            return self.parsers[key]
        return self.parsers.get(site.name)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def iter_captures(path: Path) -> Iterator[Capture]:
    """Every capture of an import path (for tools that only want to look)."""
    kind = kind_of(path)
    if kind == "warc":
        yield from read_warc(path)
    elif kind == "har":
        yield from read_har(path)
    else:
        yield from read_folder(path)
