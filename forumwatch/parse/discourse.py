"""Discourse: the HTML it serves to crawlers and clients without JavaScript, and its JSON API.

The crawler view (``app/views/topics/show.html.erb``, ``list/list.erb``,
``categories/index.html.erb``) is plain HTML read with selectors like any board. The JSON API
(``/t/{id}.json``, ``/latest.json``, ``/c/{slug}/{id}.json``, ``/categories.json``) is read by
:mod:`forumwatch.parse.discourse_json` into the same models: every ``parse_*`` method takes either
body and tells them apart by their first character.

Notes on the engine:

* the crawler view shows post numbers, not post ids, so a post's id is ``<topic>/<number>`` on
  both paths (quotes name ``data-topic`` and ``data-post``, giving the same ids);
* topic lists page with ``?page=N`` counting from 0 and show only prev/next links; topics page
  with ``?page=N`` from 1; the number of pages is known only up to the next one;
* the crawler list shows replies (posts - 1), the posters (the first is the original poster) and
  the date of the last post without a time (not read: a date is not a time); pinned/closed
  state, first-post times and edit notices are not shown (the JSON has all but edit notices).
* The crawler's text-only guard accepts HTML only: JSON bodies come in through ``forumwatch
  import`` (WARC/HAR captures) or a crawler that allows ``application/json`` from the site's own
  ``/t/`` and ``/c/`` endpoints.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    IndexPage,
    ListingPage,
    PageKind,
    Pagination,
    ParsedPage,
    Post,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.parse import discourse_json as api
from forumwatch.parse.base import Page, node_text
from forumwatch.parse.board import BoardParser
from forumwatch.parse.detection import marker_score
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)
from forumwatch.parse.text import absolute_url, canonical_url, query_param, set_query_param

_CATEGORY_ID = r"/c/(?:[^?#]*/)?(\d+)(?:[/?#.]|$)"

DISCOURSE_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "div.crawler-post[id^='post_']"),
            (PageKind.LISTING, "table.topic-list"),
            (PageKind.INDEX, "table.category-list"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/t/"),
            (PageKind.LISTING, r"/c/|/latest"),
            (PageKind.INDEX, r"/categories"),
        ),
        board_title="title",
        breadcrumbs="#topic-title .topic-category, #main-outlet > h1",
        breadcrumb_links="a",
        breadcrumb_id=(Pick(None, "href", _CATEGORY_ID),),
        section_id=Pick(None, "href", _CATEGORY_ID),
        thread_link="#topic-title h1 a",
        thread_id=Pick(None, "href", r"/t/(?:[^/?#]+/)?(\d+)"),
        user_id=Pick(None, "href", r"/u/([^/?#]+)"),
        pagination="div[role='navigation']",
        pagination_links="a",
        page_param="page",
    ),
    post=PostSelectors(
        container="div.topic-body.crawler-post[id^='post_']",
        native_id=Pick(None, "id", r"^post_(\d+)$"),
        native_id_fallback=Pick("[itemprop='position']", None, r"(\d+)"),
        author=".crawler-post-meta .creator a",
        author_fallback=".crawler-post-meta .creator",
        time=".crawler-post-meta time",
        content="div.post[itemprop='text']",
    ),
    content=ContentSelectors(
        quote="aside.quote",
        quote_cite="div.title",
        quote_author_in_block=Pick(None, "data-username"),
        quote_post_id_fallback=Pick(None, "data-post", r"^(\d+)$"),
        excluded="div.title, .quote-controls, .onebox-body, .onebox-metadata, .cooked-date",
        emoji="img.emoji",
        images=".lightbox-wrapper img",
        engine_links="a.mention, a.mention-group, a.hashtag, a.hashtag-cooked",
    ),
    listing=ListingSelectors(
        section_link="#main-outlet > h1 a:last-of-type",
        row="tr.topic-list-item",
        link="a.raw-topic-link",
        replies="span.posts",
        prefix=".discourse-tag",
    ),
    sections=SectionSelectors(
        row="table.category-list tbody tr",
        link="h3 a",
        thread_count="td.topics",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ('content="Discourse', 0.35),
    ("discourse.org", 0.15),
    ("crawler-post", 0.15),
    ("discourse_theme_id", 0.1),
    ("raw-topic-link", 0.1),
    ("topic-list-item", 0.05),
    ('class="crawler', 0.05),
    ("category-list", 0.05),
)
_URL = re.compile(r"/(?:t|c)/[^/?#]+/\d+")
_JSON_KEYS = ('"post_stream"', '"topic_list"', '"category_list"')


class DiscourseParser(BoardParser):
    """Discourse: crawler-view HTML and JSON API bodies."""

    name: ClassVar[str] = "discourse"
    selectors: ClassVar[BoardSelectors] = DISCOURSE_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score Discourse markers; a JSON body with Discourse's top-level keys scores high."""
        if isinstance(html, str) and api.looks_like_json(html):
            head = html[:4000]
            return 0.9 if any(key in head for key in _JSON_KEYS) else 0.0
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    # --- JSON bodies -----------------------------------------------------------------------

    def page_kind(self, html: str, url: str) -> PageKind:
        """The page's role; JSON bodies by their top-level key."""
        if isinstance(html, str) and api.looks_like_json(html):
            head = html[:4000]
            if '"post_stream"' in head:
                return PageKind.THREAD
            if '"topic_list"' in head:
                return PageKind.LISTING
            if '"category_list"' in head:
                return PageKind.INDEX
            return PageKind.OTHER
        return super().page_kind(html, url)

    def parse(self, html: str, url: str, captured_at: datetime) -> ParsedPage:
        """Parse an HTML page or a JSON body, choosing by its kind. Never raises."""
        if isinstance(html, str) and api.looks_like_json(html):
            kind = self.page_kind(html, url)
            if kind is PageKind.THREAD:
                return self.parse_thread(html, url, captured_at)
            if kind is PageKind.LISTING:
                return self.parse_listing(html, url, captured_at)
            return self.parse_index(html, url, captured_at)
        return super().parse(html, url, captured_at)

    def parse_index(self, html: str, url: str, captured_at: datetime) -> IndexPage:
        """Parse the categories page or ``/categories.json``. Never raises."""
        if isinstance(html, str) and api.looks_like_json(html):
            page = Page("", url, captured_at)
            return self._safely(
                page, lambda p: api.read_categories(p, api.load(p, html)), _empty_index
            )
        return super().parse_index(html, url, captured_at)

    def parse_listing(self, html: str, url: str, captured_at: datetime) -> ListingPage:
        """Parse a topic list page or its JSON. Never raises."""
        if isinstance(html, str) and api.looks_like_json(html):
            page = Page("", url, captured_at)
            return self._safely(
                page,
                lambda p: api.read_topic_list(p, api.load(p, html), self.dates),
                _empty_listing,
            )
        return super().parse_listing(html, url, captured_at)

    def parse_thread(self, html: str, url: str, captured_at: datetime) -> ThreadPage:
        """Parse a topic page or ``/t/{id}.json``. Never raises."""
        if isinstance(html, str) and api.looks_like_json(html):
            page = Page("", url, captured_at)
            return self._safely(
                page,
                lambda p: api.read_topic(
                    p, api.load(p, html), self.dates, self.selectors.content, _fragment
                ),
                _empty_thread,
            )
        return super().parse_thread(html, url, captured_at)

    # --- crawler HTML hooks ----------------------------------------------------------------

    def _post(
        self, page: Page, node: LexborNode, thread_id: str, position: int | None
    ) -> Post | None:
        post = super()._post(page, node, thread_id, position)
        if post is None:
            return None
        number = post.native_id
        body = node.css_first(self.selectors.post.content)
        asides = body.css(self.selectors.content.quote) if body is not None else []
        quotes = tuple(
            api.quote_with_topic(quote, aside.attrs.get("data-topic"), thread_id)
            for quote, aside in zip(post.quotes, asides, strict=False)
        )
        return dataclasses.replace(
            post,
            native_id=f"{thread_id}/{number}",
            quotes=quotes + post.quotes[len(quotes) :],
            position=int(number) if number.isdigit() else post.position,
        )

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        thread = super()._thread_row(page, row, section_id)
        if thread is None:
            return None
        poster = row.css_first("td.posters a[href*='/u/']")
        match = re.search(r"/u/([^/?#]+)", poster.attrs.get("href") or "") if poster else None
        return dataclasses.replace(thread, author=match.group(1) if match else None)

    def _parse_listing(self, page: Page) -> ListingPage:
        listing = super()._parse_listing(page)
        parent = listing.section.native_id if listing.section else None
        subsections: list[Section] = []
        for link in page.all("#main-outlet > a[href*='/c/']"):
            match = re.search(_CATEGORY_ID, link.attrs.get("href") or "")
            url = absolute_url(link.attrs.get("href"), page.url)
            if match and url and match.group(1) != parent:
                subsections.append(
                    Section(
                        native_id=match.group(1),
                        title=node_text(link),
                        url=canonical_url(url, ("page",)),
                        parent_native_id=parent,
                    )
                )
        return dataclasses.replace(listing, subsections=(*listing.subsections, *subsections))

    def _pagination(self, page: Page) -> Pagination:
        is_list = page.matches("table.topic-list")
        first = 0 if is_list else 1
        value = query_param(page.url, "page") or ""
        current = int(value) - first + 1 if value.isdigit() and len(value) < 7 else 1
        has_next = page.matches("div[role='navigation'] a[rel='next']")
        pages = current + 1 if has_next else current
        here = canonical_url(page.url, ())
        urls = tuple(
            set_query_param(here, "page", None if n == 1 else str(n - 1 + first))
            for n in range(1, pages + 1)
        )
        return Pagination(page=current, pages=pages, page_urls=urls)


def _fragment(page: Page, html: str) -> Page:
    """A post's cooked HTML as a page of its own (same URL and capture time)."""
    return Page(f"<body>{html}</body>", page.url, page.captured_at)


def _empty_index(url: str) -> IndexPage:
    return IndexPage(url=url)


def _empty_listing(url: str) -> ListingPage:
    return ListingPage(url=url)


def _empty_thread(url: str) -> ThreadPage:
    return ThreadPage(url=url, thread=Thread(native_id="", title="", url=url))
