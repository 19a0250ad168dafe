"""URLs and links: each URL stored once, its share count, and its first sighting.

The rules (the same for a batch of pages and for one post re-enriched):
- a URL row is created the first time any post links it, with that link's classification;
- ``share_count`` is the number of link rows naming the URL;
- the first sighting (``first_seen_at``, ``first_post_id``) is the linking post that comes
  first by post time, then by post id; posts without a time are never first sightings.

:class:`UrlBatch` applies a whole batch's link changes with one read and one write per table:
added links move a first sighting only towards earlier posts (computed in Python), while URLs
that lost links (an edited post) are recounted from the links left. :class:`LinkWriter` does
the same for single posts (re-enrichment, site removal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from forumwatch.models import Link
from forumwatch.store import schema
from forumwatch.store.dialect import Conflict, Dialect
from forumwatch.store.ingest_base import RollupBuffer, chunks, utc, utc_or_none
from forumwatch.store.rollups import PostFacts

UrlAttributes = tuple[str, str, str, str, str | None]
"""(normalised URL, registrable domain, network, media class, extension), as facts read them."""

Sighting = tuple[datetime, int]
"""A first-sighting candidate: (post time, post id)."""

_urls, _links, _posts = schema.urls, schema.links, schema.posts

_READ_URLS = select(
    _urls.c.id,
    _urls.c.normalised_url,
    _urls.c.registrable_domain,
    _urls.c.network,
    _urls.c.media_class,
    _urls.c.extension,
    _urls.c.first_seen_at,
    _urls.c.first_post_id,
    _urls.c.share_count,
).where(_urls.c.normalised_url.in_(bindparam("urls", expanding=True)))
_LINKS_OF_POSTS = select(_links.c.post_id, _links.c.url_id).where(
    _links.c.post_id.in_(bindparam("posts", expanding=True))
)
_FIRST_SIGHTED_IN = select(_urls.c.id).where(
    _urls.c.first_post_id.in_(bindparam("posts", expanding=True))
)
_LINKED_POSTS = (
    select(_links.c.url_id, _posts.c.id, _posts.c.posted_at)
    .join(_posts, _posts.c.id == _links.c.post_id)
    .where(_links.c.url_id.in_(bindparam("urls", expanding=True)))
)
_FIRSTS_BY_ID = select(_urls.c.id, _urls.c.first_seen_at, _urls.c.first_post_id).where(
    _urls.c.id.in_(bindparam("ids", expanding=True))
)
_DELETE_LINKS = delete(_links).where(_links.c.post_id.in_(bindparam("posts", expanding=True)))


_NEW_URL = (
    "normalised_url",
    "host",
    "registrable_domain",
    "network",
    "extension",
    "media_class",
    "file_name",
    "onion_version",
    "first_seen_at",
    "first_post_id",
    "share_count",
)


def url_row(link: Link) -> dict[str, Any]:
    """A new ``urls`` row for ``link``: no shares, no first sighting yet."""
    return {
        "normalised_url": link.normalised_url,
        "host": link.host,
        "registrable_domain": link.registrable_domain,
        "network": str(link.network),
        "extension": link.extension,
        "media_class": str(link.media_class),
        "file_name": link.file_name,
        "onion_version": link.onion_version,
        "first_seen_at": None,
        "first_post_id": None,
        "share_count": 0,
    }


def _sighting(seen: datetime | None, post: int | None) -> Sighting | None:
    return None if seen is None else (seen, int(post or 0))


def _earlier(first: Sighting | None, second: Sighting | None) -> Sighting | None:
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)


class UrlBatch:
    """The link changes of one batch of posts, planned in Python and written set-wise.

    Call :meth:`note` for every link write in the order the pages were read (it fixes which
    URL rows are created, in which order, with which classification), then :meth:`plan` with
    the batch's final links, and :meth:`write`.
    """

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self._first_links: dict[str, Link] = {}
        self._stored: dict[str, Any] = {}
        self._written: list[tuple[int, tuple[Link, ...]]] = []
        self._removed_posts: list[int] = []
        self._new_rows: list[dict[str, Any]] = []
        self._added: Counter[int] = Counter()
        self._first_changes: dict[int, Sighting | None] = {}
        self._recount: set[int] = set()
        self._known: dict[int, Sighting | None] = {}
        self.url_ids: dict[str, int] = {}
        self.snapshot_ids: set[int] = set()
        """Stored URLs whose first-sighting rollup may move (read before :meth:`write`)."""
        self.new_ids: list[int] = []
        """URLs created by :meth:`write`."""

    def note(self, links: Sequence[Link]) -> None:
        """A post's links were written (as a crawl would, page by page)."""
        for link in {link.normalised_url: link for link in links}.values():
            self._first_links.setdefault(link.normalised_url, link)

    def attributes(self, normalised_url: str) -> UrlAttributes:
        """What the facts of a post linking ``normalised_url`` read from its URL row."""
        row = self._stored.get(normalised_url)
        if row is not None:
            return (row[1], row[2], row[3], row[4], row[5])
        link = self._first_links[normalised_url]
        return (
            link.normalised_url,
            link.registrable_domain,
            str(link.network),
            str(link.media_class),
            link.extension,
        )

    def plan(
        self,
        written: Sequence[tuple[int, datetime | None, tuple[Link, ...]]],
        removed_posts: Sequence[int],
        timed_posts: dict[int, datetime],
        moved_posts: Sequence[int],
    ) -> None:
        """Work out every URL change of the batch; reads only.

        Args:
            written: (post id, post time, links) of every post whose links are (re)written.
            removed_posts: stored posts whose stored links are replaced.
            timed_posts: stored posts (links kept) whose time became known, with the time.
            moved_posts: stored posts whose section changed (their first sightings move).
        """
        self._written = [(post_id, links) for post_id, _, links in written]
        self._removed_posts = list(removed_posts)
        self._read_stored()
        self._recount = self._urls_of(removed_posts)
        candidates: dict[str, Sighting | None] = {}
        shares: Counter[str] = Counter()
        for post_id, posted_at, links in written:
            moment = utc_or_none(posted_at)
            for link in links:
                shares[link.normalised_url] += 1
                if moment is not None:
                    candidates[link.normalised_url] = _earlier(
                        candidates.get(link.normalised_url), (moment, post_id)
                    )
        for normalised, link in self._first_links.items():
            stored = self._stored.get(normalised)
            if stored is None:
                first = candidates.get(normalised)
                new = url_row(link)
                new["share_count"] = shares[normalised]
                new["first_seen_at"] = None if first is None else first[0]
                new["first_post_id"] = None if first is None else first[1]
                self._new_rows.append(new)
                continue
            url_id = int(stored[0])
            self.url_ids[normalised] = url_id
            self._added[url_id] += shares[normalised]
            self._consider(url_id, candidates.get(normalised))
        for url_id, sighting in self._dated_sightings(timed_posts).items():
            self._consider(url_id, sighting)
        moved: set[int] = set()
        for posts in chunks(moved_posts):
            moved.update(
                int(r[0]) for r in self.connection.execute(_FIRST_SIGHTED_IN, {"posts": posts})
            )
        self.snapshot_ids = set(self._first_changes) | self._recount | moved

    def _read_stored(self) -> None:
        """The stored rows of the URLs the batch links, and their first sightings."""
        for urls in chunks(self._first_links):
            for row in self.connection.execute(_READ_URLS, {"urls": urls}):
                self._stored[row[1]] = row
                self._known[int(row[0])] = _sighting(row[6], row[7])

    def _urls_of(self, post_ids: Sequence[int]) -> set[int]:
        """URLs the stored links of these posts name."""
        out: set[int] = set()
        for posts in chunks(post_ids):
            out.update(
                int(r[1]) for r in self.connection.execute(_LINKS_OF_POSTS, {"posts": posts})
            )
        return out

    def _dated_sightings(self, timed_posts: dict[int, datetime]) -> dict[int, Sighting]:
        """The earliest newly dated post linking each URL (stored posts, links kept)."""
        out: dict[int, Sighting] = {}
        for posts in chunks(timed_posts):
            for row in self.connection.execute(_LINKS_OF_POSTS, {"posts": posts}):
                post_id, url_id = int(row[0]), int(row[1])
                sighting = (utc(timed_posts[post_id]), post_id)
                out[url_id] = min(out.get(url_id, sighting), sighting)
        unknown = [url_id for url_id in out if url_id not in self._known]
        for ids in chunks(unknown):
            for first in self.connection.execute(_FIRSTS_BY_ID, {"ids": ids}):
                self._known[int(first[0])] = _sighting(first[1], first[2])
        return out

    def _consider(self, url_id: int, candidate: Sighting | None) -> None:
        """A stored URL gains a possible first sighting (URLs being recounted need none)."""
        if candidate is None or url_id in self._recount:
            return
        known = self._first_changes.get(url_id, self._known.get(url_id))
        best = _earlier(known, candidate)
        if best != known:
            self._first_changes[url_id] = best

    def write(self) -> None:
        """Write the planned changes: new URLs, links, share counts, first sightings."""
        connection, dialect = self.connection, self.dialect
        for batch in chunks(self._removed_posts):
            connection.execute(_DELETE_LINKS, {"posts": batch})
        returned = dialect.insert_rows(
            connection,
            _urls,
            _NEW_URL,
            [tuple(row[name] for name in _NEW_URL) for row in self._new_rows],
            conflict=Conflict(("normalised_url",)),
            returning=("id", "normalised_url"),
        )
        for url_id, normalised in returned:
            self.url_ids[normalised] = int(url_id)
            self.new_ids.append(int(url_id))
        raced = [
            r["normalised_url"] for r in self._new_rows if r["normalised_url"] not in self.url_ids
        ]
        for batch in chunks(raced):
            # Another writer created these URLs meanwhile: count them from their links.
            for row in connection.execute(_READ_URLS, {"urls": batch}):
                self.url_ids[row[1]] = int(row[0])
                self._recount.add(int(row[0]))
        dialect.insert_rows(
            connection,
            _links,
            ("post_id", "position", "url_id", "raw_url"),
            [
                (post_id, position, self.url_ids[link.normalised_url], link.url)
                for post_id, links in self._written
                for position, link in enumerate(links)
            ],
        )
        dialect.update_rows(
            connection,
            _urls,
            ("id",),
            ("share_count",),
            [
                (url_id, count)
                for url_id, count in sorted(self._added.items())
                if count and url_id not in self._recount
            ],
            added=("share_count",),
        )
        dialect.update_rows(
            connection,
            _urls,
            ("id",),
            ("first_seen_at", "first_post_id"),
            [
                (url_id, *(first or (None, None)))
                for url_id, first in sorted(self._first_changes.items())
                if url_id not in self._recount
            ],
        )
        recount(connection, dialect, self._recount)


def recount(connection: Connection, dialect: Dialect, url_ids: Iterable[int]) -> None:
    """Set the share count and first sighting of URLs from the links that name them."""
    wanted = sorted(set(url_ids))
    shares: Counter[int] = Counter()
    firsts: dict[int, Sighting | None] = dict.fromkeys(wanted)
    for batch in chunks(wanted):
        for row in connection.execute(_LINKED_POSTS, {"urls": batch}):
            url_id = int(row[0])
            shares[url_id] += 1
            if row[2] is not None:
                firsts[url_id] = _earlier(firsts[url_id], (row[2], int(row[1])))
    dialect.update_rows(
        connection,
        _urls,
        ("id",),
        ("share_count", "first_seen_at", "first_post_id"),
        [(url_id, shares[url_id], *(firsts[url_id] or (None, None))) for url_id in wanted],
    )


class LinkWriter:
    """Link changes of single posts, with their rollups (re-enrichment, site removal)."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.rollups = RollupBuffer(connection, dialect)

    def _count_facts(self, added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> None:
        self.rollups.count_facts(added, removed)

    def _flush_rollups(self) -> None:
        self.rollups.flush()

    def _link_urls(self, post_id: int, posted_at: datetime | None, links: Sequence[Link]) -> None:
        """Link a stored post (which has no links) to ``links``."""
        if not links:
            return
        batch = UrlBatch(self.connection, self.dialect)
        batch.note(links)
        batch.plan([(post_id, posted_at, tuple(links))], [], {}, [])
        before = self.rollups.derived.snapshot(urls=batch.snapshot_ids)
        batch.write()
        before.urls = (*before.urls, *batch.new_ids)
        self.rollups.derived.settle(before)

    def _unlink_urls(self, post_id: int) -> None:
        """Remove a post's links and correct the first sighting of the URLs they named."""
        url_ids = {
            int(row[1]) for row in self.connection.execute(_LINKS_OF_POSTS, {"posts": [post_id]})
        }
        self.connection.execute(_DELETE_LINKS, {"posts": [post_id]})
        self._refresh_first_sightings(url_ids)

    def reattach_urls(self, url_ids: Iterable[int]) -> None:
        """After posts were deleted: first sightings and their rollups from the links left."""
        self._refresh_first_sightings(url_ids)
        self._flush_rollups()

    def _refresh_first_sightings(self, url_ids: Iterable[int]) -> None:
        url_ids = set(url_ids)
        if not url_ids:
            return
        before = self.rollups.derived.snapshot(urls=url_ids)
        recount(self.connection, self.dialect, url_ids)
        self.rollups.derived.settle(before)
