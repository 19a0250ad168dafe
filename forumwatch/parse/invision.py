"""Invision Community 4 (IPS 4.x) with the default theme.

Notes on the engine:

* every time is a ``<time datetime>`` in UTC;
* categories are forums (``/forum/1-outdoors/``); ids start the URL slug (``/topic/10-title/``,
  ``/profile/1-name/``); pages are path segments (``/page/2/``);
* prefixes are tags shown before the title (``a.ipsTag_prefix``), read as tags;
* the served quote citation is a placeholder ("Quote") that JavaScript replaces: the author and
  the quoted post come from ``data-ipsquote-username`` / ``data-ipsquote-contentcommentid``;
* the edit notice sits inside the post body (``data-excludequote``): "Edited <time> by <name>",
  then the reason after a line break.
"""

from __future__ import annotations

import re
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind, Pagination
from forumwatch.parse.base import Page, node_text
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

_FORUM_ID = r"/forum/(\d+)-"

INVISION_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "article.cPost"),
            (PageKind.LISTING, ".cTopicList, .cForumTopicTable"),
            (PageKind.INDEX, ".cForumList"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/topic/\d+-"),
            (PageKind.LISTING, r"/forum/\d+-"),
        ),
        board_title="title",
        breadcrumbs="nav.ipsBreadcrumb",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _FORUM_ID),),
        section_id=Pick(None, "href", _FORUM_ID),
        thread_link="h1.ipsType_pageTitle",
        thread_id=Pick(None, "href", r"/topic/(\d+)-"),
        post_id_in_url=Pick(None, "href", r"[?&]comment=(\d+)"),
        user_id=Pick(None, "href", r"/profile/(\d+)-"),
        thread_prefix=".ipsTag_prefix",
        thread_locked="h1.ipsType_pageTitle i.fa-lock",
        pagination="ul.ipsPagination",
        pagination_current="li.ipsPagination_active",
        pagination_links="li.ipsPagination_page a",
        page_param="page",
        drop_params=("csrfKey",),
    ),
    post=PostSelectors(
        container="article.cPost",
        native_id=Pick(None, "id", r"^elComment_(\d+)$"),
        native_id_fallback=Pick("[data-commentid]", "data-commentid"),
        author=".cAuthorPane_author a[href*='/profile/']",
        author_fallback=".cAuthorPane_author",
        time=".ipsComment_meta time",
        content="[data-role='commentContent']",
        edit_notice="[data-excludequote]",
    ),
    content=ContentSelectors(
        quote="blockquote.ipsQuote",
        quote_cite=".ipsQuote_citation",
        quote_author_in_block=Pick(None, "data-ipsquote-username"),
        quote_post_id_fallback=Pick(None, "data-ipsquote-contentcommentid", r"^(\d+)$"),
        excluded=".ipsQuote_citation, [data-excludequote], [data-role='memberSignature']",
        emoji="img[data-emoticon]",
        images="img.ipsImage",
        engine_links="a[data-mentionid]",
    ),
    listing=ListingSelectors(
        section_link="h1.ipsType_pageTitle",
        row=".cTopicList li.ipsDataItem[data-rowid]",
        link=".ipsDataItem_title a[href*='/topic/']",
        author=".ipsDataItem_meta a[href*='/profile/']",
        first_post_time=".ipsDataItem_meta time",
        replies=".ipsDataItem_stats li:first-child .ipsDataItem_stats_number",
        last_post_time=".ipsDataItem_lastPoster time",
        sticky="i.fa-thumb-tack",
        locked="i.fa-lock",
        prefix=".ipsTag_prefix",
    ),
    sections=SectionSelectors(
        group="li.cForumRow[data-categoryid]",
        group_link="h2 > a[href*='/forum/']",
        row="li.cForumRow[data-forumid]",
        link=".ipsDataItem_title a",
        post_count=".ipsDataItem_stats_number",
        last_post_time=".ipsDataItem_lastPoster time",
        subsection_link=".ipsDataItem_subList a",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("ipsApp", 0.25),
    ("invisioncommunity.com", 0.15),
    ("data-ipsHover", 0.1),
    ("ipsLayout_", 0.1),
    ("cPost_contentWrap", 0.1),
    ("ipsDataItem", 0.1),
    ("root_library.js", 0.1),
    ("ipsBreadcrumb", 0.05),
)
_URL = re.compile(r"/(?:topic|forum|profile)/\d+-")
_PAGING = PathPaging(r"/page/(\d+)/?", first_page_suffix="/")


class InvisionParser(BoardParser):
    """Invision Community 4.x, default theme."""

    name: ClassVar[str] = "invision"
    selectors: ClassVar[BoardSelectors] = INVISION_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score Invision markers (ipsApp body, ips classes, the powered-by link)."""
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _PAGING)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        if notice is None:
            return None
        time_node = notice.css_first("time")
        when = self._time_of(page, time_node, "edit", native_id) if time_node else None
        heading = notice.css_first("strong")
        editor: str | None = None
        if heading is not None and time_node is not None:
            # "Edited <time> by <name>": the name is what follows the time, minus one word.
            after = node_text(heading).split(node_text(time_node), 1)[-1].split()
            editor = " ".join(after[1:]) or None
        reason = node_text(notice)
        if heading is not None:
            reason = reason.replace(node_text(heading), "", 1)
        return Edit(by=editor, at=when, reason=reason.strip() or None)
