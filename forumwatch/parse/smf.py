"""SMF 2.x (Simple Machines Forum) with the default theme and themes derived from it.

Notes on the engine:

* the page offset is glued to the id: ``?topic=10.20`` is the second page of topic 10 at 20
  posts a page, ``?board=2.40`` a later page of board 2;
* categories have no page: the board index gives them ``#cN`` anchors, used here as their ids
  (``c1``) so that they never collide with board ids;
* "Today at"/"Yesterday at" (localized) replace the date of recent posts; the listing shows no
  first-post time;
* the edit notice is one localized line ("Last Edit: <time> by <name> Reason: ...") read by
  :func:`forumwatch.parse.notices.split_edit_line`;
* board statistics print posts and topics in one paragraph ("46 Posts<br>Topics: 12").
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
from forumwatch.parse.notices import numbers, split_edit_line
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

_BOARD_OR_CATEGORY = r"(?:[?&;]board=|#)(c?\d+)"

SMF_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#forumposts div.windowbg[id^='msg']"),
            (PageKind.LISTING, "#messageindex"),
            (PageKind.INDEX, "#boardindex_table"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"[?&;]topic=\d+"),
            (PageKind.LISTING, r"[?&;]board=\d+"),
            (PageKind.INDEX, r"(?:index\.php|/)(?:\?action=forum)?$"),
        ),
        board_title="#header h1.forumtitle, h1.forumtitle",
        breadcrumbs=".navigate_section",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _BOARD_OR_CATEGORY),),
        section_id=Pick(None, "href", _BOARD_OR_CATEGORY),
        thread_link="#top_subject",
        thread_id=Pick(None, "href", r"[?&;]topic=(\d+)"),
        post_id_in_url=Pick(None, "href", r"[?&;]msg=?(\d+)"),
        user_id=Pick(None, "href", r"[?&;]u=(\d+)"),
        thread_locked="#display_head .main_icons.lock",
        pagination=".pagesection .pagelinks",
        pagination_current=".current_page",
        pagination_links="a.nav_page",
        page_param="start",
        drop_params=("PHPSESSID",),
    ),
    post=PostSelectors(
        container="#forumposts div.windowbg[id^='msg']",
        native_id=Pick(None, "id", r"^msg(\d+)$"),
        native_id_fallback=Pick(".inner", "data-msgid"),
        author=".poster h4 a[href*='action=profile']",
        author_fallback=".poster h4",
        time=".postinfo a.smalltext",
        title=".subject_title a, .keyinfo h5 a",
        content=".post .inner",
        edit_notice=".modified.mvisible",
    ),
    content=ContentSelectors(
        quote="blockquote",
        quote_cite="cite",
        quote_author=Pick(
            "a", None, r":\s*(.+?)(?:\s+(?:on|от|am|op|el|le|il|em|w|dnia|den)\s.*)?$"
        ),
        quote_post_id=Pick("a", "href", r"[?&;]msg=?(\d+)"),
        excluded="cite, .codeheader, .signature, .quoteheader, .quotefooter",
        emoji="img.smiley",
        images="img.bbc_img",
        engine_links="a.mention",
    ),
    listing=ListingSelectors(
        section_link="#display_head h2, #display_head .display_title",
        row="#topic_container > div",
        link=".message_index_title a[href*='topic=']",
        author="p.floatleft a",
        replies=".board_stats p",
        last_post_time=".lastpost a[href*='topic=']",
        sticky=".sticky",
        locked=".locked",
    ),
    sections=SectionSelectors(
        group="div.main_container",
        group_link=".cat_bar h3",
        row="div.up_contain[id^='board_']",
        link=".info a.subject",
        subsection_link=".children a[href*='board=']",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("smf_scripturl", 0.3),
    ("smf_theme_url", 0.15),
    ("simplemachines.org", 0.15),
    ('id="forumposts"', 0.1),
    ('id="messageindex"', 0.1),
    ('id="boardindex_table"', 0.1),
    ('class="navigate_section"', 0.1),
    ('class="windowbg"', 0.05),
    ("Themes/default/", 0.05),
)
_URL = re.compile(r"index\.php\?(?:topic|board)=\d+\.\d+")
_PAGING = PathPaging(r"[?&;](?:topic|board)=\d+\.(\d+)", is_offset=True)


class SmfParser(BoardParser):
    """SMF 2.0 / 2.1, default theme."""

    name: ClassVar[str] = "smf"
    selectors: ClassVar[BoardSelectors] = SMF_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score SMF markers (script variables, ids of the default theme, the SMF link)."""
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _PAGING)

    def _group_section(self, page: Page, group: LexborNode) -> Section | None:
        header = group.css_first(".cat_bar")
        match = re.search(r"category_(\d+)", header.attrs.get("id") or "") if header else None
        if header is None or match is None:
            return None
        return Section(
            native_id=f"c{match.group(1)}",
            title=node_text(header),
            url=f"{page.url.split('#', 1)[0]}#c{match.group(1)}",
        )

    def _section_row(self, page: Page, row: LexborNode, parent: str | None) -> list[Section]:
        found = super()._section_row(page, row, parent)
        if not found:
            return found
        stats = numbers(node_text(row.css_first(".board_stats")))
        last = row.css_first(".lastpost p")
        when = self.dates.read(_after_last_break(last), page.captured_at) if last else None
        found[0] = dataclasses.replace(
            found[0],
            post_count=stats[0] if stats else None,
            thread_count=stats[-1] if len(stats) > 1 else None,
            last_post_at=when,
        )
        return found

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        if notice is None:
            return None
        labels = notice.css("span.lastedit")
        text = node_text(notice)
        reason: str | None = None
        if labels:
            text = text.removeprefix(node_text(labels[0])).lstrip(" :")
        if len(labels) > 1:
            text, _, reason = text.partition(node_text(labels[1]))
            reason = reason.lstrip(" :") or None
        when, editor = split_edit_line(text, self.dates, page.captured_at)
        if when is None:
            page.problem("edit", "edit notice not readable", text, native_id)
        return Edit(by=editor, at=when, reason=reason)


def _after_last_break(node: LexborNode) -> str:
    """The text after the last ``<br>`` of a node (SMF puts the time on the last line)."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "br":
            parts.clear()
        else:
            parts.append(child.text(deep=True))
    return " ".join("".join(parts).split())
