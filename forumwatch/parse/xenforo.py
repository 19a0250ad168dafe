"""XenForo 2.x with the default style (and styles that keep its class names).

Notes on the engine:

* every time is a ``<time datetime>`` with an exact offset, whatever the text says ("17 minutes
  ago", "Yesterday at 8:15 PM");
* node ids (categories and forums share one id space) and thread ids end the URL slug
  (``/forums/gardening.2/``, ``/threads/my-title.10/``); pages are path segments (``/page-2``);
* thread prefixes are native labels (``span.label``), read as tags and left out of the title;
* quotes carry the author and the quoted post in ``data-quote`` / ``data-source``;
* the edit notice shows only a time ("Last edited:"), never the editor or a reason.
"""

from __future__ import annotations

import re
from typing import ClassVar

from forumwatch.models import PageKind, Pagination
from forumwatch.parse.base import Page
from forumwatch.parse.board import BoardParser
from forumwatch.parse.detection import marker_score
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

_NODE_ID = r"/(?:forums|categories)/(?:[^/?#]*\.)?(\d+)/"

XENFORO_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "article.message--post"),
            (PageKind.LISTING, ".structItemContainer"),
            (PageKind.INDEX, ".block--category"),
            (PageKind.THREAD, "html[data-template='thread_view']"),
            (PageKind.LISTING, "html[data-template='forum_view']"),
            (PageKind.INDEX, "html[data-template='forum_list']"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/threads/"),
            (PageKind.LISTING, r"/forums/"),
        ),
        board_title="title",
        breadcrumbs="ul.p-breadcrumbs",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _NODE_ID),),
        section_id=Pick(None, "href", _NODE_ID),
        thread_link="h1.p-title-value",
        thread_id=Pick(None, "href", r"/threads/(?:[^/?#]*\.)?(\d+)/"),
        post_id_in_url=Pick(None, "href", r"/post-(\d+)"),
        user_id=Pick(None, "href", r"/members/(?:[^/?#]*\.)?(\d+)/"),
        thread_prefix=".label",
        thread_locked=".blockStatus-message--locked",
        pagination=".pageNav",
        pagination_current=".pageNav-page--current",
        pagination_links=".pageNav-main a",
        page_param="page",
    ),
    post=PostSelectors(
        container="article.message--post",
        native_id=Pick(None, "data-content", r"^post-(\d+)$"),
        native_id_fallback=Pick(None, "id", r"^js-post-(\d+)$"),
        author=".message-name a.username",
        author_fallback=".message-name, .message-user",
        time=".message-attribution-main time",
        content="article.message-body",
        edit_notice=".message-lastEdit",
    ),
    content=ContentSelectors(
        quote="blockquote.bbCodeBlock--quote",
        quote_cite=".bbCodeBlock-title",
        quote_author_in_block=Pick(None, "data-quote"),
        quote_post_id_fallback=Pick(None, "data-source", r"post:\s*(\d+)"),
        excluded=(
            ".bbCodeBlock-title, .bbCodeBlock-expandLink, .js-selectToQuoteEnd, "
            ".message-signature, .bbCodeBlock--code .bbCodeBlock-title"
        ),
        emoji="img.smilie",
        images="img.bbImage",
        engine_links="a.username",
        wrote_phrases=(
            " said:",
            " sagte:",
            " написал(а):",
            " dijo:",
            " zei:",
            " dedi:",
            " a dit :",
        ),
    ),
    listing=ListingSelectors(
        section_link="h1.p-title-value",
        row=".structItemContainer .structItem--thread",
        link=".structItem-title a[data-tp-primary], .structItem-title a[href*='/threads/']",
        author=".structItem-minor .structItem-parts a.username, .structItem-parts a.username",
        first_post_time=".structItem-startDate time",
        replies=".structItem-cell--meta dd",
        last_post_time=".structItem-cell--latest time",
        sticky=".structItem-status--sticky",
        locked=".structItem-status--locked",
        prefix=".structItem-title .label",
    ),
    sections=SectionSelectors(
        group=".block--category",
        group_link=".block-header a",
        row=".node",
        link=".node-title a",
        thread_count=".node-stats dl:first-child dd",
        post_count=".node-stats dl:last-child dd",
        last_post_time=".node-extra time",
        subsection_link=".node-subNodeFlatList a",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ('id="XF"', 0.3),
    ("data-xf-init", 0.15),
    ("xenforo.com", 0.1),
    ("js/xf/", 0.15),
    ("structItem", 0.1),
    ("message--post", 0.1),
    ("p-breadcrumbs", 0.05),
    ("bbWrapper", 0.05),
)
_URL = re.compile(r"/(?:threads|forums|members)/[^/]*\.\d+/")
_PAGING = PathPaging(r"/page-(\d+)(?=/?(?:[?#]|$))", first_page_suffix="/")


class XenforoParser(BoardParser):
    """XenForo 2.x, default style."""

    name: ClassVar[str] = "xenforo"
    selectors: ClassVar[BoardSelectors] = XENFORO_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score XenForo markers (html id, data-xf-init, script path, struct classes)."""
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _PAGING)
