"""FluxBB 1.4/1.5 and PunBB 1.3/1.4: one module, two selector sets (PunBB 1.2 is FluxBB's parent).

Notes on the engines:

* both show board-local times in the board's date format with "Today"/"Yesterday" (localized)
  and page with ``&p=N``; neither links a quote to the quoted post;
* FluxBB has no sub-forums and shows categories without ids, so its index lists forums only;
  the listing names the thread starter as text ("by alice"); PunBB 1.4 gives categories
  ``#categoryN`` ids, used as their ids;
* the edit notice is "Last edited by <name> (<time>)" (localized), without a reason.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind, Section, Thread
from forumwatch.parse.base import Page, node_text
from forumwatch.parse.board import BoardParser
from forumwatch.parse.detection import marker_score
from forumwatch.parse.notices import split_edit_line
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)

_WROTE = (" wrote:", " schrieb:", " написал:", " escribió:", " schreef:", " a écrit :", " yazdı:")
_CONTENT = ContentSelectors(
    quote="div.quotebox",
    quote_cite="cite",
    excluded="cite, .codebox > p, .postedit, .lastedit, .postsignature, .sig-content",
    emoji="img.postimg[src*='smilies'], img[src*='/img/smilies/']",
    images="img.postimg",
    wrote_phrases=_WROTE,
)

FLUXBB_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#punviewtopic, div.blockpost"),
            (PageKind.LISTING, "#punviewforum, div#vf"),
            (PageKind.INDEX, "#punindex, div[id^='idx'].blocktable"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"viewtopic\.php"),
            (PageKind.LISTING, r"viewforum\.php"),
            (PageKind.INDEX, r"(?:index\.php|/)$"),
        ),
        board_title="#brdtitle h1",
        breadcrumbs="ul.crumbs",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", r"viewforum\.php\?id=(\d+)"),),
        section_id=Pick(None, "href", r"viewforum\.php\?id=(\d+)"),
        thread_link="ul.crumbs strong a",
        thread_id=Pick(None, "href", r"viewtopic\.php\?id=(\d+)"),
        post_id_in_url=Pick(None, "href", r"[?&]pid=(\d+)"),
        user_id=Pick(None, "href", r"profile\.php\?id=(\d+)"),
        toolbar=".linkst",
        thread_locked="p.postlink:not(:has(a))",
        pagination="p.pagelink",
        pagination_current="strong",
        pagination_links="a",
        page_param="p",
    ),
    post=PostSelectors(
        container="div.blockpost",
        native_id=Pick(None, "id", r"^p(\d+)$"),
        native_id_fallback=Pick("h2 a", "href", r"[?&]pid=(\d+)"),
        author=".postleft dt a",
        author_fallback=".postleft dt",
        time="h2 a[href*='pid=']",
        title=".postright h3",
        content=".postright .postmsg",
        edit_notice="p.postedit",
    ),
    content=_CONTENT,
    listing=ListingSelectors(
        section_link="#vf h2",
        row="#vf tbody tr",
        link=".tclcon a[href*='viewtopic.php?id=']",
        author=".tclcon .byuser",
        replies="td.tc2",
        last_post_time="td.tcr a",
        sticky=".isticky",
        locked=".iclosed",
    ),
    sections=SectionSelectors(
        row="div.blocktable[id^='idx'] tbody tr",
        link="h3 a",
        thread_count="td.tc2",
        post_count="td.tc3",
        last_post_time="td.tcr a",
    ),
)

PUNBB_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#brd-viewtopic, .main-topic div.post"),
            (PageKind.LISTING, "#brd-viewforum, .main-forum"),
            (PageKind.INDEX, "#brd-index, .main-category"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"viewtopic\.php"),
            (PageKind.LISTING, r"viewforum\.php"),
            (PageKind.INDEX, r"(?:index\.php|/)$"),
        ),
        board_title="#brd-title",
        breadcrumbs="#brd-crumbs-top",
        breadcrumb_links=".crumb a",
        breadcrumb_id=(Pick(None, "href", r"(?:viewforum\.php\?id=|#)(category\d+|\d+)"),),
        section_id=Pick(None, "href", r"viewforum\.php\?id=(\d+)"),
        thread_link="h1.main-title a",
        thread_id=Pick(None, "href", r"viewtopic\.php\?id=(\d+)"),
        post_id_in_url=Pick(None, "href", r"[?&]pid=(\d+)"),
        user_id=Pick(None, "href", r"profile\.php\?id=(\d+)"),
        toolbar="#brd-pagepost-top",
        thread_locked=".posting .closed",
        pagination="p.paging",
        pagination_current="strong",
        pagination_links="a",
        page_param="p",
    ),
    post=PostSelectors(
        container=".main-topic div.post",
        native_id=Pick(".posthead", "id", r"^p(\d+)$"),
        native_id_fallback=Pick("a.permalink", "href", r"[?&]pid=(\d+)"),
        author=".author-ident .username a",
        author_fallback=".post-byline strong",
        time=".post-link a.permalink",
        title="h4.entry-title",
        content=".entry-content",
        edit_notice="p.lastedit",
    ),
    content=_CONTENT,
    listing=ListingSelectors(
        section_link="h1.main-title a",
        row=".main-forum div.main-item",
        link=".item-subject h3 a",
        author=".item-starter cite",
        replies=".info-replies strong",
        last_post_time=".info-lastpost strong a",
        sticky=".sticky",
        locked=".closed",
    ),
    sections=SectionSelectors(
        group=".main-category",
        row="div.main-item",
        link=".item-subject h3 a",
        thread_count=".info-topics strong",
        post_count=".info-posts strong",
        last_post_time=".info-lastpost strong a",
    ),
)

_FLUX_MARKERS: tuple[tuple[str, float], ...] = (
    ('class="pun"', 0.3),
    ("fluxbb.org", 0.2),
    ('id="brdmain"', 0.15),
    ('id="brdheader"', 0.1),
    ("blockpost", 0.1),
    ('class="blocktable"', 0.1),
    ("style/Air.css", 0.05),
)
_PUN_MARKERS: tuple[tuple[str, float], ...] = (
    ('id="brd-wrap"', 0.3),
    ("punbb", 0.2),
    ('id="brd-main"', 0.15),
    ("main-item", 0.1),
    ("post-byline", 0.1),
    ("brd-crumbs", 0.1),
)
_URL = re.compile(r"(?:viewtopic|viewforum|profile)\.php\?(?:id|pid)=\d+")


def _edit(
    parser: BoardParser, page: Page, native_id: str, notice: LexborNode | None
) -> Edit | None:
    if notice is None:
        return None
    text = node_text(notice)
    when, editor = split_edit_line(text, parser.dates, page.captured_at)
    if when is None:
        page.problem("edit", "edit notice not readable", text, native_id)
    return Edit(by=editor, at=when)


class FluxbbParser(BoardParser):
    """FluxBB 1.4/1.5 (and PunBB 1.2 markup, which FluxBB kept)."""

    name: ClassVar[str] = "fluxbb"
    selectors: ClassVar[BoardSelectors] = FLUXBB_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score FluxBB markers (``div.pun`` wrapper, brd ids, blockpost classes)."""
        return marker_score(html, url, _FLUX_MARKERS, _URL, 0.1)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        return _edit(self, page, native_id, notice)

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        thread = super()._thread_row(page, row, section_id)
        if thread is None or not thread.author:
            return thread
        # "von alice_gardener": the starter is text after a localized "by".
        words = thread.author.split(maxsplit=1)
        return dataclasses.replace(thread, author=words[-1])


class PunbbParser(BoardParser):
    """PunBB 1.3/1.4."""

    name: ClassVar[str] = "punbb"
    selectors: ClassVar[BoardSelectors] = PUNBB_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score PunBB markers (brd-wrap, brd-main, main-item classes)."""
        return marker_score(html, url, _PUN_MARKERS, _URL, 0.1)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        return _edit(self, page, native_id, notice)

    def _group_section(self, page: Page, group: LexborNode) -> Section | None:
        native_id = group.attrs.get("id") or ""
        if not re.fullmatch(r"category\d+", native_id):
            return None
        header = group.prev
        while header is not None and not (
            header.is_element_node and "main-head" in (header.attrs.get("class") or "").split()
        ):
            header = header.prev
        title = node_text(header.css_first("h2")) if header is not None else ""
        return Section(
            native_id=native_id, title=title, url=f"{page.url.split('#')[0]}#{native_id}"
        )
