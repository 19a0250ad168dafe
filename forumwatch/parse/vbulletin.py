"""vBulletin 4 (default style) and vBulletin 5 (default theme): two selector sets, two parsers.

Notes on the engine:

* vBulletin 4 shows board-local times ("03-14-2020, 09:12 AM", "Today, 12:20 AM", "17 Minutes
  Ago" with the detailed datestamp option) and pages with ``&page=N``; thread prefixes are
  native (``span.prefix``) and are read as tags;
* vBulletin 5 gives ``<time datetime>`` in board-local time without an offset (read with the
  board's timezone), channels have path URLs (``/forum/outdoors/gardening``) whose path is used
  as the channel's id, topics and posts numeric node ids, and pages are path segments
  (``/page2``);
* both print the edit notice as "Last edited by <name>; <time>. Reason: <reason>".
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind, Pagination, Section
from forumwatch.parse.base import Page, node_text
from forumwatch.parse.board import BoardParser
from forumwatch.parse.detection import marker_score
from forumwatch.parse.notices import EDITOR_WORDS
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

_QUOTE = ContentSelectors(
    quote="div.bbcode_quote",
    quote_cite="div.bbcode_postedby",
    quote_author=Pick("strong"),
    quote_post_id=Pick("a[href*='p=']", "href", r"[?&]p=(\d+)"),
    excluded="div.bbcode_postedby, .bbcode_description, .signature, .signaturecontainer",
    emoji="img.inlineimg[src*='smilies']",
    images="img.bbcode_img",
)

VB4_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#posts li.postcontainer"),
            (PageKind.LISTING, "#threadlist, ol#threads"),
            (PageKind.INDEX, "ol#forums"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"showthread\.php"),
            (PageKind.LISTING, r"forumdisplay\.php"),
            (PageKind.INDEX, r"(?:forum|index)\.php(?:\?|$)|/$"),
        ),
        board_title="title",
        breadcrumbs="#breadcrumb",
        breadcrumb_links="li.navbit",
        breadcrumb_id=(Pick("a", "href", r"[?&]f=(\d+)"),),
        section_id=Pick(None, "href", r"[?&]f=(\d+)"),
        thread_link="#pagetitle .threadtitle a",
        thread_id=Pick(None, "href", r"[?&]t=(\d+)"),
        post_id_in_url=Pick(None, "href", r"[?&]p=(\d+)"),
        user_id=Pick(None, "href", r"[?&]u=(\d+)"),
        thread_locked=".threadclosed",
        pagination=".pagination_top .pagination, form.pagination",
        pagination_current="span.selected",
        pagination_links="span a",
        page_param="page",
        drop_params=("s",),
    ),
    post=PostSelectors(
        container="#posts li.postcontainer",
        native_id=Pick(None, "id", r"^post_(\d+)$"),
        native_id_fallback=Pick("[id^='post_message_']", "id", r"(\d+)$"),
        author=".userinfo a.username",
        author_fallback=".userinfo .username, .username_container",
        time=".posthead .date",
        title=".postrow h2.title",
        content="[id^='post_message_'] blockquote.postcontent",
        edit_notice="blockquote.lastedited",
        edit_reason=".reason",
    ),
    content=_QUOTE,
    listing=ListingSelectors(
        section_link="#pagetitle .forumtitle",
        row="ol#threads > li.threadbit",
        link="a.title",
        author=".threadmeta .author a.username",
        first_post_time=".threadmeta .author .label",
        replies=".threadstats li",
        last_post_time=".threadlastpost dd:last-child",
        sticky=".sticky",
        locked=".lock",
        prefix=".prefix",
    ),
    sections=SectionSelectors(
        group="li.forumbit_nopost",
        group_link=".forumhead h2 a.forumtitle",
        row="li.forumbit_post",
        link="h2.forumtitle a",
        thread_count="ul[class^='forumstats'] li",
        post_count="ul[class^='forumstats'] li:last-child",
        last_post_time=".forumlastpost .lastpostdate",
        subsection_link=".subforumlist li.subforum a",
    ),
)

# A channel's path after /forum/, without topic ("10-title") or page ("page2") segments.
_SEGMENT = r"(?!\d+-|page\d+(?:[/?#]|$))[^/?#]+"
_CHANNEL = rf"/forum/({_SEGMENT}(?:/{_SEGMENT})*)/?(?:page\d+/?)?(?:[?#]|$)"

VB5_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "ul.conversation-list li.b-post"),
            (PageKind.LISTING, "table.topic-list-table"),
            (PageKind.INDEX, "table.forum-list-container"),
        ),
        kind_url_rules=((PageKind.THREAD, r"/\d+-[^/]+(?:/page\d+)?/?(?:[?#]|$)"),),
        board_title="title",
        breadcrumbs="#breadcrumbs",
        breadcrumb_links="li.crumb a.crumb-link",
        breadcrumb_id=(Pick(None, "href", _CHANNEL),),
        section_id=Pick(None, "href", _CHANNEL),
        thread_link="h1.main-title a.topic-title-link",
        thread_id=Pick(None, "href", r"/(\d+)-[^/?#]*"),
        post_id_in_url=Pick(None, "href", r"[?&]p=(\d+)"),
        user_id=Pick(None, "href", r"/member/(\d+)"),
        thread_locked="h1.main-title .b-icon__lock",
        pagination=".pagenav",
        pagination_current=".js-pagenav-current-button",
        pagination_links="a.js-pagenav-button",
        page_param="page",
    ),
    post=PostSelectors(
        container="ul.conversation-list li.b-post",
        native_id=Pick(None, "data-node-id", r"^(\d+)$"),
        author=".b-userinfo .author a",
        author_fallback=".b-userinfo .author",
        time=".b-post__timestamp time",
        title=".b-post__title",
        content=".js-post__content-text",
        edit_notice=".edit-info",
        edit_by=".edit-username",
        edit_reason=".edit-reason",
    ),
    content=_QUOTE,
    listing=ListingSelectors(
        section_link="h1.main-title",
        row="table.topic-list-table tr.topic-item",
        link="a.topic-title",
        author=".topic-info a",
        first_post_time=".topic-info .date",
        replies=".replies-count",
        last_post_time=".cell-lastpost .post-date",
        sticky=".sticky",
        locked=".locked",
        prefix=".topic-prefix",
    ),
    sections=SectionSelectors(
        row="tr.forum-item, tr.category-header",
        link="a.forum-title, a.category",
        thread_count=".topics-count",
        post_count=".posts-count",
        last_post_time=".lastpost-date .post-date",
        subsection_link="a.subforum-title",
    ),
)

_VB4_MARKERS: tuple[tuple[str, float], ...] = (
    ('id="vbulletin_html"', 0.3),
    ('content="vBulletin 4', 0.25),
    ("clientscript/vbulletin_", 0.15),
    ("vbulletin.com", 0.1),
    ("postbitlegacy", 0.1),
    ('class="threadbit', 0.1),
    ("forumbit_post", 0.1),
    ("SECURITYTOKEN", 0.05),
)
_VB5_MARKERS: tuple[tuple[str, float], ...] = (
    ('id="vb-page-body"', 0.3),
    ('content="vBulletin 5', 0.25),
    ("vBulletin.version", 0.1),
    ("vbulletin.com", 0.1),
    ("js-post__content-text", 0.1),
    ("b-post", 0.05),
    ("topic-list-table", 0.05),
    ("forum-list-container", 0.05),
)
_VB4_URL = re.compile(r"(?:showthread|forumdisplay|member)\.php")
_VB5_URL = re.compile(r"/forum/[^?#]+/\d+-")
DEFAULT_DATE_FORMATS = ("m-d-Y",)
"""Used when a board configures none: vBulletin's default, month first."""
_VB5_PAGING = PathPaging(r"/page(\d+)(?=/?(?:[?#]|$))", first_page_suffix="")


def _vbulletin_edit(parser: BoardParser, page: Page, native_id: str, notice: LexborNode) -> Edit:
    """Read "Last edited by <name>; <time>. Reason: <reason>" (localized)."""
    reason_node = notice.css_first(".reason, .edit-reason")
    reason: str | None = None
    text = node_text(notice)
    if reason_node is not None:
        label = node_text(reason_node)
        text, _, after = text.partition(label)
        # vB4: "<span class=reason>Reason:</span> text"; vB5: the span holds both.
        reason = (after or label.partition(":")[2]).strip(" .") or None
    by_node = notice.css_first(".edit-username")
    head, _, when_text = text.partition(";")
    editor = node_text(by_node) if by_node is not None else None
    if editor is None:
        words = head.split()
        positions = [i for i, word in enumerate(words) if word.lower() in EDITOR_WORDS]
        editor = " ".join(words[positions[-1] + 1 :]) if positions else (words[-1] if words else "")
    when = parser.dates.read(when_text.strip(" ."), page.captured_at)
    if when is None:
        page.problem("edit", "edit time not readable", when_text, native_id)
    return Edit(by=editor or None, at=when, reason=reason)


class Vbulletin4Parser(BoardParser):
    """vBulletin 4.x, default style."""

    name: ClassVar[str] = "vbulletin4"
    selectors: ClassVar[BoardSelectors] = VB4_SELECTORS

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        # vBulletin's default date format is month first (03-04-2020 is March 4th).
        super().__init__(timezone, tuple(date_formats) or DEFAULT_DATE_FORMATS, language)

    def detect(self, html: str, url: str) -> float:
        """Score vBulletin 4 markers (html id, generator, script paths, postbit classes)."""
        return marker_score(html, url, _VB4_MARKERS, _VB4_URL, 0.1)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        return None if notice is None else _vbulletin_edit(self, page, native_id, notice)


class Vbulletin5Parser(BoardParser):
    """vBulletin 5.x, default theme."""

    name: ClassVar[str] = "vbulletin5"
    selectors: ClassVar[BoardSelectors] = VB5_SELECTORS

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        # vBulletin's default date format is month first (03-04-2020 is March 4th).
        super().__init__(timezone, tuple(date_formats) or DEFAULT_DATE_FORMATS, language)

    def detect(self, html: str, url: str) -> float:
        """Score vBulletin 5 markers (body id, generator, b-post classes)."""
        return marker_score(html, url, _VB5_MARKERS, _VB5_URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _VB5_PAGING)

    def _section_row(self, page: Page, row: LexborNode, parent: str | None) -> list[Section]:
        # Channel ids are paths: a channel's parent is its path without the last segment.
        return [
            dataclasses.replace(
                section, parent_native_id=section.native_id.rpartition("/")[0] or None
            )
            for section in super()._section_row(page, row, parent)
        ]

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        return None if notice is None else _vbulletin_edit(self, page, native_id, notice)
