"""vichan and its parent Tinyboard (and forks that keep the templates: infinity, NPFchan).

Notes on the engine: every post time is a ``<time datetime>`` in UTC; posts are
``div.post.op#op_N`` and ``div.post.reply#reply_N`` inside ``div.thread#thread_N``; ``>>N``
links call ``highlightReply``; greentext is ``span.quote``; board pages are ``/g/index.html``,
``/g/2.html``; threads ``/g/res/N.html``. See :mod:`forumwatch.parse.imageboard` for ids and quotes.
"""

from __future__ import annotations

import re
from typing import ClassVar

from forumwatch.models import PageKind, Pagination
from forumwatch.parse.base import Page
from forumwatch.parse.detection import marker_score
from forumwatch.parse.imageboard import ImageboardParser
from forumwatch.parse.paging import PathPaging, read_path_pagination
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)

VICHAN_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "body.active-thread"),
            (PageKind.LISTING, "div.thread[id^='thread_'] div.post.op"),
            (PageKind.INDEX, ".boardlinksurl, .boardlist"),
        ),
        kind_url_rules=((PageKind.THREAD, r"/res/\d+"),),
        board_title="title",
        thread_link="div.post.op .subject",
        thread_id=Pick(None, "href", r"/res/(\d+)"),
        pagination="div.pages",
        pagination_current="a.selected",
        pagination_links="a",
    ),
    post=PostSelectors(
        container="div.thread div.post",
        native_id=Pick(None, "id", r"^(?:op|reply)_(\d+)$"),
        native_id_fallback=Pick("a.post_no", "href", r"#q?(\d+)$"),
        author="p.intro .name",
        author_fallback="p.intro .trip",
        time="p.intro time",
        title="p.intro .subject",
        content="div.body",
    ),
    content=ContentSelectors(
        quote="span.quote",
        quote_cite="cite",
        excluded="span.toolong, .unimportant",
        engine_links="a[onclick*='highlightReply'], a[href*='/res/']",
    ),
    listing=ListingSelectors(
        sticky="div.post.op .fa-thumb-tack, div.post.op img[alt='Sticky']",
        locked="div.post.op .fa-lock, div.post.op img[alt='Locked']",
    ),
    sections=SectionSelectors(),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("8chan vichan", 0.35),
    ("vichan-devel/vichan", 0.2),
    ("highlightReply(", 0.15),
    ("citeReply(", 0.1),
    ('class="post op"', 0.1),
    ('class="post reply"', 0.05),
    ("active_page", 0.05),
)
_URL = re.compile(r"/[^/]+/res/\d+\.html")
_PAGING = PathPaging(r"/(\d+)\.html$", first_page_suffix="/index.html")


class VichanParser(ImageboardParser):
    """vichan / Tinyboard, default templates."""

    name: ClassVar[str] = "vichan"
    selectors: ClassVar[BoardSelectors] = VICHAN_SELECTORS
    board_links: ClassVar[str] = "li.boardlinksurl a, .boardlist a"
    board_heading: ClassVar[str] = "header h1"
    thread_block: ClassVar[str] = "div.thread[id^='thread_']"
    opening_post: ClassVar[str] = "div.post.op"
    reply_post: ClassVar[str] = "div.post.reply"
    omitted: ClassVar[str] = "span.omitted"
    reference_link: ClassVar[str] = "a[onclick*='highlightReply']"

    def detect(self, html: str, url: str) -> float:
        """Score vichan markers (body classes, highlightReply/citeReply, post op/reply)."""
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        if _URL.search(page.url):  # a thread: one page
            return Pagination()
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _PAGING)
