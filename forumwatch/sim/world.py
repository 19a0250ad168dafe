"""The simulated world: sites, their generated posts, and what is visible at a moment.

``World(WorldConfig(seed=7, size="small"))`` generates everything up front as compact arrays
(a few dozen bytes per post); text is written lazily. Visibility at a moment ``T`` is cheap
because post ids increase with time: the posts visible at ``T`` are exactly the ids up to
``visible_posts(T)``, and threads likewise.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from forumwatch.clock import as_utc
from forumwatch.errors import ConfigError
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.content import ContentMaker, PostContent, PostRecord
from forumwatch.sim.generate import KIND_ANNOUNCEMENT, KIND_STICKY, SiteData, generate_site
from forumwatch.sim.ids import (
    bitcoin_bech32_address,
    bitcoin_p2pkh_address,
    derive_seed,
    onion_v3_host,
)
from forumwatch.sim.members import HandleFactory, build_members, plant_handles
from forumwatch.sim.sites import HOSTS, SITES, SectionKind, SectionSpec
from forumwatch.sim.timeline import Timeline
from forumwatch.sim.truth import build_truth

POSTS_PER_PAGE = 10
TOPICS_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class SectionStats:
    """A section's counts at a moment (optionally including its sub-forums)."""

    threads: int
    posts: int
    last_post: int


class SiteWorld:
    """One generated site and the queries the renderer needs."""

    def __init__(
        self, data: SiteData, onion: str, address: str, host_names: tuple[str, ...]
    ) -> None:
        self.data = data
        self.spec = data.spec
        self.name = data.spec.name
        self.onion = onion
        self.donation_address = address
        self.content = ContentMaker(data, host_names, address)
        self.sections: tuple[SectionSpec, ...] = data.spec.sections
        self.section_by_id = {item.native_id: item for item in self.sections}
        self.children: dict[int | None, list[int]] = {}
        for item in self.sections:
            self.children.setdefault(item.parent, []).append(item.native_id)
        self.thread_first = [posts[0] for posts in data.thread_posts]
        self.thread_last = [posts[-1] for posts in data.thread_posts]
        self._lock = threading.Lock()
        self._listing_cache: OrderedDict[tuple[int, int], tuple[list[int], list[int]]] = (
            OrderedDict()
        )

    @property
    def timezone(self) -> str:
        """The board's timezone name."""
        return self.spec.timezone

    @property
    def language(self) -> str:
        """The site's main language (ISO 639-1)."""
        return self.spec.languages[0][0]

    @property
    def post_count(self) -> int:
        """Number of posts on the site (at the end of time)."""
        return self.data.post_count

    @property
    def thread_count(self) -> int:
        """Number of threads on the site (at the end of time)."""
        return self.data.thread_count

    def visible_posts(self, now: int) -> int:
        """Number of posts published at or before Unix time ``now`` (ids 1..result)."""
        return bisect_right(self.data.post_time, now)

    def visible_threads(self, visible_posts: int) -> int:
        """Number of threads whose first post is among the first ``visible_posts`` posts."""
        return bisect_left(self.thread_first, visible_posts)

    def thread_visible_posts(self, thread: int, visible_posts: int) -> int:
        """How many posts of ``thread`` are visible."""
        posts = self.data.thread_posts[thread]
        if self.thread_last[thread] < visible_posts:
            return len(posts)
        return bisect_left(posts, visible_posts)

    def thread_last_visible(self, thread: int, visible_posts: int) -> int:
        """Index of the thread's last visible post."""
        if self.thread_last[thread] < visible_posts:
            return self.thread_last[thread]
        posts = self.data.thread_posts[thread]
        return posts[bisect_left(posts, visible_posts) - 1]

    def descendants(self, section: int) -> list[int]:
        """``section`` and every section below it, depth first."""
        out = [section]
        for child in self.children.get(section, ()):
            out.extend(self.descendants(child))
        return out

    def section_stats(self, section: int, visible_posts: int, deep: bool) -> SectionStats:
        """Thread and post counts and the last post of a section (with sub-forums if ``deep``)."""
        threads = posts = 0
        last = -1
        visible_threads = self.visible_threads(visible_posts)
        for native in self.descendants(section) if deep else [section]:
            section_posts = self.data.section_posts.get(native)
            if section_posts is None:
                continue
            count = bisect_left(section_posts, visible_posts)
            posts += count
            threads += bisect_left(self.data.section_threads[native], visible_threads)
            if count:
                last = max(last, section_posts[count - 1])
        return SectionStats(threads, posts, last)

    def listing(self, section: int, visible_posts: int) -> tuple[list[int], list[int]]:
        """(announcements, other threads) of a section in phpBB order: stickies first, then by
        last post time, newest first."""
        key = (section, visible_posts)
        with self._lock:
            cached = self._listing_cache.get(key)
            if cached is not None:
                self._listing_cache.move_to_end(key)
                return cached
        data = self.data
        threads = data.section_threads.get(section)
        announcements: list[int] = []
        stickies: list[int] = []
        ordered: list[tuple[int, int]] = []
        if threads is not None:
            count = bisect_left(threads, self.visible_threads(visible_posts))
            for position in range(count):
                thread = threads[position]
                kind = data.thread_kind[thread]
                if kind == KIND_ANNOUNCEMENT:
                    announcements.append(thread)
                elif kind == KIND_STICKY:
                    stickies.append(thread)
                else:
                    ordered.append((self.thread_last_visible(thread, visible_posts), thread))
        ordered.sort(reverse=True)
        result = (announcements, stickies + [thread for _, thread in ordered])
        with self._lock:
            self._listing_cache[key] = result
            if len(self._listing_cache) > 64:
                self._listing_cache.popitem(last=False)
        return result

    def member_posts(self, member: int, visible_posts: int) -> int:
        """A member's post count as phpBB shows it at a moment."""
        return bisect_left(self.data.member_posts[member], visible_posts)

    def locked(self, thread: int, now: int) -> bool:
        """True when the thread is locked at Unix time ``now``."""
        lock = self.data.thread_lock[thread]
        return bool(lock) and lock <= now

    def post_content(self, index: int) -> PostContent:
        """The content of the post with 0-based index ``index``."""
        return self.content.content(index)

    def page_counts(self, now: int | None = None) -> dict[str, int]:
        """How many index, listing and topic pages the site serves at ``now`` (None = end)."""
        visible = self.post_count if now is None else self.visible_posts(now)
        listing_pages = 0
        for item in self.sections:
            if item.kind == SectionKind.CATEGORY:
                listing_pages += 1
                continue
            _, threads = self.listing(item.native_id, visible)
            listing_pages += max(1, -(-len(threads) // TOPICS_PER_PAGE))
        topic_pages = 0
        for thread in range(self.visible_threads(visible)):
            topic_pages += -(-self.thread_visible_posts(thread, visible) // POSTS_PER_PAGE)
        return {"index": 1, "listing": listing_pages, "topic": topic_pages}


class World:
    """A deterministic simulated world of phpBB sites, built from one :class:`WorldConfig`."""

    def __init__(self, config: WorldConfig | None = None) -> None:
        self.config = config or WorldConfig()
        self.timeline = Timeline(self.config)
        seed = self.config.seed
        self.host_names: tuple[str, ...] = tuple(
            onion_v3_host(seed, "host:" + host.name) if host.onion else host.name for host in HOSTS
        )
        factory = HandleFactory(seed)
        self.planted = plant_handles(factory)
        self.by_name: dict[str, SiteWorld] = {}
        for spec in SITES:
            target = self.config.total_posts * spec.share
            members = build_members(spec, seed, int(target), self.timeline, factory, self.planted)
            data = generate_site(spec, derive_seed(seed, spec.name), members, self.timeline, target)
            if spec.wallet == "bech32":
                address = bitcoin_bech32_address(seed, spec.name)
            else:
                address = bitcoin_p2pkh_address(seed, spec.name)
            self.by_name[spec.name] = SiteWorld(
                data, onion_v3_host(seed, spec.name), address, self.host_names
            )
        self.sites: tuple[SiteWorld, ...] = tuple(self.by_name.values())
        """The sites, in a fixed order (``harbour``, ``lantern``, ``birch``)."""

    @property
    def site_names(self) -> list[str]:
        """Names of the sites, in a fixed order."""
        return list(self.by_name)

    def site(self, name: str) -> SiteWorld:
        """Return a site by name."""
        try:
            return self.by_name[name]
        except KeyError:
            raise ConfigError(f"no simulated site named {name!r}") from None

    def onion_host(self, site: str) -> str:
        """The site's v3 onion host name."""
        return self.site(site).onion

    def is_down(self, site: str, at: datetime) -> bool:
        """True when ``site`` is in a planted outage at ``at``."""
        day = self.timeline.day_index(as_utc(at).date())
        return 0 <= day < self.timeline.days and self.timeline.is_down(site, day)

    def iter_posts(
        self,
        site: str | None = None,
        until: datetime | None = None,
        base_urls: Mapping[str, str] | None = None,
    ) -> Iterator[PostRecord]:
        """Yield every post (of one site or all), in id order, as it reads at ``until``.

        ``until=None`` yields every post in its final form (edits applied); otherwise only posts
        published at or before ``until``, with the edits made by then. ``base_urls`` (site name
        -> ``http://host:port/``) makes author profile URLs absolute, as a parser reports them;
        without it they are None.
        """
        names = [site] if site is not None else self.site_names
        limit = None if until is None else int(as_utc(until).timestamp())
        for name in names:
            site_world = self.site(name)
            count = site_world.post_count if limit is None else site_world.visible_posts(limit)
            record = site_world.content.record
            base_url = None if base_urls is None else base_urls.get(name)
            for index in range(count):
                yield record(index, limit, base_url)

    def post_ids(self, site: str) -> range:
        """Native ids of every post of a site (as ints; the pages show them as ``p=N``)."""
        return range(1, self.site(site).post_count + 1)

    def post_count(self, site: str, until: datetime | None = None) -> int:
        """Number of posts of a site published at or before ``until`` (None = all)."""
        site_world = self.site(site)
        if until is None:
            return site_world.post_count
        return site_world.visible_posts(int(as_utc(until).timestamp()))

    def truth(self) -> dict[str, Any]:
        """The planted truth as a JSON-serialisable dict (see :mod:`forumwatch.sim.truth`)."""
        return build_truth(self)

    def write_truth(self, path: str | Path) -> Path:
        """Write :meth:`truth` as JSON to ``path`` and return the path."""
        target = Path(path)
        target.write_text(
            json.dumps(self.truth(), ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
        )
        return target
