"""FlaskBB 2.x/3.x with its default themes (``aurora`` and ``aurora_dark``).

Structure, not words: fields are found by the templates' classes (``post-row``,
``post-content``, ``forum-row``, ``category-row``), so any translation parses the same way.
Notes on the engine:

* categories and forums count their ids separately (``/category/1-outdoors`` and
  ``/forum/1-gardening``); a category's native id is therefore ``c<id>`` (``c1``);
* FlaskBB has no sub-forums; a forum's parent is its category;
* posts carry ``<time datetime>`` (exact, UTC); topic and forum lists show only relative times:
  those in minutes or hours are read against the capture time, coarser ones ("7 years ago")
  are left unknown (they would move at every crawl and make every thread look changed);
* topic lists count posts (replies + 1); members are named in URLs (``/user/alice``), so the
  name is the member id;
* quotes have native headers (``<header class="post-quote-header">``) with the quoted author and
  a link to the quoted post;
* anonymous visitors see no lock on a topic page (only in the forum's topic list).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import PageKind, Section, Thread
from forumwatch.parse import date_words
from forumwatch.parse.base import Page, node_text, pick
from forumwatch.parse.board import BoardParser, PostNodes
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

CATEGORY_PREFIX = "c"
"""Prefix of a category's native id: categories and forums number their ids separately."""

_FORUM_ID = r"/forum/(\d+)(?:-|/|\?|#|$)"
_CATEGORY = Pick(None, "href", r"/category/(\d+)(?:-|/|\?|#|$)")
_POST_NUMBER = "div.post-meta > div:last-child strong"
_WORDS = re.compile(r"[^\W\d_]+")

FLASKBB_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "div.post-row div.post-content"),
            (PageKind.LISTING, "div.forum-row, #forum-topics"),
            (PageKind.INDEX, "div.category-row"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/topic/\d+"),
            (PageKind.LISTING, r"/forum/\d+"),
            (PageKind.INDEX, r"^[a-z]+://[^/]+/?(?:[?#]|$)|/category/\d+"),
        ),
        board_title="div.flaskbb-title",
        breadcrumbs="ol.breadcrumb",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _FORUM_ID),),
        section_id=Pick(None, "href", _FORUM_ID),
        thread_link="div.topic-header a",
        thread_id=Pick(None, "href", r"/topic/(\d+)(?:-|/|\?|#|$)"),
        post_id_in_url=Pick(None, "href", r"/post/(\d+)"),
        user_id=Pick(None, "href", r"/user/([^/?#]+)"),
        thread_locked="div.topic-header span.fa-lock",
        pagination="ul.pagination",
        pagination_current="li.active",
        pagination_links="li a",
        page_param="page",
    ),
    post=PostSelectors(
        container="div.post-row",
        native_id=Pick(None, "id", r"^(\d+)$"),
        native_id_fallback=Pick("div.post-content", "id", r"^pid(\d+)$"),
        author="div.author-name a",
        author_fallback="div.author-name",
        time="div.post-meta a[href*='/post/'] time",
        content="div.post-content",
        edit_notice="div.post-meta small",
        edit_by="a",
    ),
    content=ContentSelectors(
        quote="blockquote.post-quote, blockquote",
        quote_cite="header.post-quote-header",
        quote_author=Pick("a.post-quote-author"),
        quote_post_id=Pick("a.post-quote-source", "href", r"/post/(\d+)"),
        excluded="header.post-quote-header, button.post-quote-expand, div.signature",
        emoji="img.emoji",
        images="img",
    ),
    listing=ListingSelectors(
        section_link="div.forum-header a",
        row="div.forum-row",
        link="div.topic-name a",
        author="div.topic-info div.topic-author a",
        replies="div.topic-stats",
        last_post_time="div.topic-last-post > a",
        sticky="span.topic-starred-read, span.topic-starred-unread",
        locked="span.topic-locked",
    ),
    sections=SectionSelectors(
        group="div.card.category",
        group_link="div.category-header a",
        row="div.category-row",
        link="div.forum-name a",
        thread_count="div.forum-topics",
        post_count="div.forum-posts",
        last_post_time="div.last-post-time",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ('content="FlaskBB Team"', 0.3),
    ("FlaskBB is a forum software", 0.2),
    ('class="flaskbb-', 0.25),
    ("flaskbb-layout", 0.1),
    ("/_themes/aurora", 0.1),
    ("flaskbb-breadcrumb", 0.05),
    ('class="row post-row', 0.05),
    ('class="row forum-row', 0.05),
    ('class="row category-row', 0.05),
    ("post-quote-header", 0.05),
)
_URLS = re.compile(r"/(?:topic|forum|category)/\d+-|/post/\d+|/user/")


class FlaskbbParser(BoardParser):
    """FlaskBB, default (aurora) theme."""

    name: ClassVar[str] = "flaskbb"
    selectors: ClassVar[BoardSelectors] = FLASKBB_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score FlaskBB markers in the raw page: its layout classes and URL shapes."""
        return marker_score(html, url, _MARKERS, _URLS)

    def _time_of(
        self, page: Page, node: LexborNode | None, field: str, native_id: str | None = None
    ) -> datetime | None:
        if node is not None and not node.attrs.get("datetime") and _coarse(node_text(node)):
            return None  # "7 years ago" says little, and would differ at every crawl
        return super()._time_of(page, node, field, native_id)

    def _post_position(self, post: PostNodes, position: int | None) -> int | None:
        shown = node_text(post.node.css_first(_POST_NUMBER)).lstrip("#")  # "#11"
        return int(shown) if shown.isdigit() and len(shown) < 10 else position

    def _group_section(self, page: Page, group: LexborNode) -> Section | None:
        link = group.css_first(self.selectors.sections.group_link or "")
        native_id = pick(link, _CATEGORY)
        if link is None or native_id is None:
            return None
        url = self._crawl_url(page, link.attrs.get("href"), True) or page.url
        return Section(native_id=CATEGORY_PREFIX + native_id, title=node_text(link), url=url)

    def _listing_section(self, page: Page) -> Section | None:
        section = super()._listing_section(page)
        if section is None:
            return None
        crumbs = page.all(self.selectors.page.breadcrumb_links, self.selectors.page.breadcrumbs)
        categories = [c for c in (pick(crumb, _CATEGORY) for crumb in crumbs) if c]
        parent = CATEGORY_PREFIX + categories[-1] if categories else None
        return replace(section, parent_native_id=parent)

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        thread = super()._thread_row(page, row, section_id)
        if thread is None or not thread.replies:
            return thread
        return replace(thread, replies=thread.replies - 1)  # the list counts posts


_COARSE_UNITS = frozenset(word for word, seconds in date_words.UNITS.items() if seconds >= 86400)


def _coarse(text: str) -> bool:
    """True for a relative time in days or longer units ("6 years ago", "vor 3 Tagen")."""
    words = set(_WORDS.findall(text.lower()))
    return bool(words & _COARSE_UNITS) and bool(words & date_words.AGO_WORDS)
