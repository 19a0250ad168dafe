"""The data that flows through the pipeline, as frozen dataclasses.

Parsers produce :class:`Section`, :class:`Thread` and :class:`Post` values keyed by the site's own
("native") identifiers; the store gives them internal ids. All times are aware datetimes in UTC;
a time the page did not show, or that could not be read, is ``None``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# One encoder for every content hash (json.dumps with options builds a new one per call).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class Network(StrEnum):
    """Where a URL points."""

    CLEARNET = "clearnet"
    ONION = "onion"
    I2P = "i2p"


class MediaClass(StrEnum):
    """What kind of file a URL names, judged from its extension only (never fetched)."""

    IMAGE = "image"
    VIDEO = "video"
    ARCHIVE = "archive"
    DOCUMENT = "document"
    PAGE = "page"
    OTHER = "other"


class PageKind(StrEnum):
    """The role a page plays in a crawl plan."""

    INDEX = "index"
    LISTING = "listing"
    THREAD = "thread"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Site:
    """A monitored site.

    Attributes:
        name: short unique name chosen by the analyst (``harbour``).
        base_url: the site's entry page; its host and path prefix are the crawl scope.
        engine: parser name (``phpbb``) or ``auto`` to detect it from the first page.
        language: the site's main language (ISO 639-1), if known.
        timezone: the board's timezone, used when pages show local times.
        proxy: per-site proxy URL (``socks5h://127.0.0.1:9050``), or None for the default.
        defunct: True once the site is gone for good; its history stays in the store.
        id: the store's id, None before the site is stored.
        profile_toml: the site's profile as TOML text (``[crawl]``, ``[login]``, ``[parse]``
            tables; see :mod:`forumwatch.crawl.profile`), "" for the defaults. Never a password.
    """

    name: str
    base_url: str
    engine: str = "auto"
    language: str | None = None
    timezone: str = "UTC"
    proxy: str | None = None
    defunct: bool = False
    id: int | None = None
    profile_toml: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A forum section (sub-forum, board, channel) as shown on an index or listing page."""

    native_id: str
    title: str
    url: str
    parent_native_id: str | None = None
    description: str = ""
    language: str | None = None
    thread_count: int | None = None
    post_count: int | None = None
    last_post_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """A member as a post names them; handles are per site."""

    handle: str
    native_id: str | None = None
    profile_url: str | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    """A thread (topic) as shown on a listing page or at the top of a thread page."""

    native_id: str
    title: str
    url: str
    section_native_id: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    replies: int | None = None
    last_post_at: datetime | None = None
    first_post_at: datetime | None = None
    sticky: bool = False
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted passage inside a post; ``depth`` 1 is quoted directly, 2 inside that, and so on."""

    depth: int
    author: str | None
    text: str
    post_native_id: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """The last-edit notice of a post."""

    by: str | None = None
    at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One post, parsed from one page.

    ``text`` excludes quoted text and signatures; ``links`` are absolute URLs from hrefs and
    bare URLs in the post's own text, in document order. ``posted_at`` is None when the page
    showed no readable time (the problem is recorded separately).
    """

    native_id: str
    thread_native_id: str
    author: Author | None
    posted_at: datetime | None
    text: str
    title: str = ""
    quotes: tuple[Quote, ...] = ()
    links: tuple[str, ...] = ()
    edit: Edit | None = None
    position: int | None = None

    def content_hash(self) -> str:
        """SHA-256 of what a reader sees in the post: title, text, quotes and links.

        Two captures of an unedited post hash the same; an edit changes the hash.
        """
        canonical = _CANONICAL.encode(
            [
                self.title,
                self.text,
                [[q.depth, q.author, q.text, q.post_native_id, list(q.links)] for q in self.quotes],
                list(self.links),
            ]
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in a post, normalised and classified. It is data: never requested.

    ``onion_version`` is 3 for a checksum-valid v3 onion name, 2 for a legacy v2 name, 0 for a
    malformed onion name, and None off the onion network.
    """

    url: str
    normalised_url: str
    host: str
    registrable_domain: str
    network: Network
    extension: str | None
    media_class: MediaClass
    file_name: str | None
    onion_version: int | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    """Something an enricher found in a post's text.

    ``kind`` names the enricher (``term``, ``request``, ``crypto``, ``place`` ...), ``value`` what
    was found (a lexicon name, a request type, a currency, a place id) and ``detail`` the matched
    evidence (the word, the host named, the address, the place name).
    """

    kind: str
    value: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PostEnrichment:
    """What enrichment adds to a parsed post before it is stored."""

    links: tuple[Link, ...] = ()
    language: str | None = None
    annotations: tuple[Annotation, ...] = ()


@dataclass(frozen=True, slots=True)
class Fetch:
    """One attempt to fetch one URL, successful or not: a row of the fetch log.

    Attributes:
        error_class: None on success, else a short stable name (``timeout``, ``http_503``,
            ``connection_reset``, ``not_html``, ``too_large``, ``login_page`` ...).
        sha256: digest of the response body as archived (None when nothing was archived).
        warc_file, warc_offset, warc_length: where the response record sits in the archive.
    """

    site_name: str
    url: str
    started_at: datetime
    ended_at: datetime
    kind: PageKind = PageKind.OTHER
    status: int | None = None
    error_class: str | None = None
    content_type: str | None = None
    bytes_received: int = 0
    sha256: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    id: int | None = None

    @property
    def ok(self) -> bool:
        """True when the fetch returned an archived HTML page."""
        return self.error_class is None and self.status is not None and self.status < 400


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something a parser could not read, kept with where it came from."""

    field: str
    message: str
    url: str
    snippet: str = ""
    post_native_id: str | None = None


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a page sits among its siblings, and the URLs of the others."""

    page: int = 1
    pages: int = 1
    page_urls: tuple[str, ...] = ()
    per_page: int | None = None


@dataclass(frozen=True, slots=True)
class IndexPage:
    """A parsed board index: the sections it lists."""

    url: str
    title: str = ""
    sections: tuple[Section, ...] = ()
    timezone: str | None = None
    problems: tuple[ParseProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ListingPage:
    """A parsed section listing: its threads, sub-sections and pagination."""

    url: str
    section: Section | None = None
    threads: tuple[Thread, ...] = ()
    subsections: tuple[Section, ...] = ()
    pagination: Pagination = field(default_factory=Pagination)
    problems: tuple[ParseProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """A parsed page of a thread: its posts and pagination."""

    url: str
    thread: Thread
    posts: tuple[Post, ...] = ()
    pagination: Pagination = field(default_factory=Pagination)
    problems: tuple[ParseProblem, ...] = ()


ParsedPage = IndexPage | ListingPage | ThreadPage
