"""django-machina 1.x with its default Bootstrap board theme.

Structure, not words: fields are found by the default templates' classes (``card post``,
``post-content``, ``topic-name-link``, ``forum-name-link``), so any translation parses the same
way. Notes on the engine:

* URLs carry a slug and the id (``/forum/gardening-4/topic/my-title-3/``); ids are read from
  the end of the slug;
* times are Django's localised ``DATETIME_FORMAT`` ("March 14, 2020, 10:12 a.m.", "May 8,
  2020, 10 p.m.", "noon") in the board's timezone, which pages do not state: configure it;
* posts are markdown; machina has no native quote attribution, and boards follow the common
  convention of a bold first line "<author> wrote:" inside the blockquote, read as the quote's
  author (and not as quoted text);
* categories are forums too: the first forum of the breadcrumb trail is the category, which the
  ground truth does not count as a parent forum;
* anonymous visitors see no lock on a topic page (only in the forum's topic list).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind
from forumwatch.parse.base import Page
from forumwatch.parse.board import BoardParser, PostNodes
from forumwatch.parse.detection import marker_score
from forumwatch.parse.phpbb import PHPBB_SELECTORS
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)
from forumwatch.parse.shown import shown_time, text_without_links, without_label

# A slug ending in the id, then the end of the path (so a topic link is not its forum's link).
_FORUM_ID = r"/forum/(?:[^/?#]*-)?(\d+)/?(?:[?#]|$)"
_TOPIC_ID = r"/topic/(?:[^/?#]*-)?(\d+)/?(?:[?#]|$)"
_QUOTE_HEADER = "blockquote > p:first-child > strong:first-child"
_POST_LINE = "div.post-content-wrapper > p > small"

MACHINA_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "ol.breadcrumb li:last-child a[href*='/topic/']"),
            (PageKind.THREAD, "div.card.post div.post-content"),
            (PageKind.LISTING, "div.topiclist"),
            (PageKind.INDEX, "div.forumlist"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/topic/[^/]*\d+/?(?:[?#]|$)"),
            (PageKind.LISTING, r"/forum/[^/]*\d+/?(?:[?#]|$)"),
            (PageKind.INDEX, r"^[a-z]+://[^/]+/?(?:[?#]|$)"),
        ),
        board_title="a.navbar-brand",
        breadcrumbs="ol.breadcrumb",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _FORUM_ID),),
        section_id=Pick(None, "href", _FORUM_ID),
        thread_link="ol.breadcrumb li:last-child a",
        thread_id=Pick(None, "href", _TOPIC_ID),
        post_id_in_url=Pick(None, "href", r"[?&]post=(\d+)"),
        user_id=Pick(None, "href", r"/member/profile/(\d+)"),
        thread_locked="i.locked-indicator",
        pagination="ul.pagination",
        pagination_current="li.active",
        pagination_links="li a",
        page_param="page",
    ),
    post=PostSelectors(
        container="div.card.post",
        native_id=Pick(None, "id", r"^(\d+)$"),
        native_id_fallback=Pick("h4.subject a", "href", r"[?&]post=(\d+)"),
        author=f"{_POST_LINE} > a, div.post-sidebar div.username a",
        author_fallback="div.post-sidebar div.username",
        time=_POST_LINE,
        title="h4.subject",
        content="div.post-content",
        edit_notice="div.edit-info",
        edit_by="a",
        edit_reason="br + small",
    ),
    content=ContentSelectors(
        quote="blockquote",
        quote_cite=_QUOTE_HEADER,
        excluded=f"{_QUOTE_HEADER}, div.codehilite > div.linenos",
        emoji="img.emoji",
        images="img",
        wrote_phrases=PHPBB_SELECTORS.content.wrote_phrases,
    ),
    listing=ListingSelectors(
        section_link="#main_container h1",
        row="div.topiclist div.card-body > div.row",
        link="a.topic-name-link",
        author="div.topic-created a",
        first_post_time="div.topic-created",
        replies="div.topic-count:nth-child(2)",
        last_post_time="div.topic-last-post small",
        sticky="td.topic-icon i.fa-lightbulb, td.topic-icon i.fa-info-circle",
        locked="i.locked-indicator",
    ),
    sections=SectionSelectors(
        group="div.card.forumlist",
        group_link="div.card-header h3 a",
        row="div.forumlist div.card-body > div.row",
        link="a.forum-name-link",
        thread_count="div.forum-count:nth-child(3)",
        post_count="div.forum-count:nth-child(4)",
        last_post_time="div.forum-last-post small",
        subsection_link="div.sub-forums a",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("js/machina.min.js", 0.35),
    ("machina.init()", 0.2),
    ("machina.packages", 0.1),
    ('class="forum-name-link"', 0.1),
    ('class="topic-name-link"', 0.1),
    ("post-content-wrapper", 0.1),
    ("/member/profile/", 0.05),
    ('class="breadcrumb"', 0.05),
)
_URLS = re.compile(r"/forum/[^/]*-\d+/|/topic/[^/]*-\d+/")


class MachinaParser(BoardParser):
    """django-machina 1.x, default board theme."""

    name: ClassVar[str] = "machina"
    selectors: ClassVar[BoardSelectors] = MACHINA_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score machina markers in the raw page: its scripts, classes and URL shapes."""
        return marker_score(html, url, _MARKERS, _URLS)

    def _post_title(self, post: PostNodes) -> str:
        # The subject ends with a permalink ("¶") that is not part of it.
        return text_without_links(post.title)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        edit = super()._edit(page, native_id, notice)
        if edit is None or not edit.reason:
            return edit
        return replace(edit, reason=without_label(edit.reason))

    def _breadcrumb_ids(self, page: Page) -> list[str]:
        # The first forum of the trail is a category, not a parent forum.
        return super()._breadcrumb_ids(page)[1:]

    def _time_text(self, node: LexborNode) -> str:
        return shown_time(node)
