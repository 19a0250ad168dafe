"""LynxChan with its default front-end (and front-ends that keep the cell classes it fills).

Notes on the engine: the engine fills the front-end's cells by class name (``opCell``,
``postCell``, ``linkName``, ``labelCreated``, ``divMessage`` ...), so those classes survive
custom front-ends. Times are UTC text, month first ("03/14/2020 (Sat) 09:12:00"); ``>>N`` links
are ``a.quoteLink``, greentext ``span.greenText``; the edit label reads "Edited last time by
<login> on <date>." Board pages are ``/g/``, ``/g/2.html``; threads ``/g/res/N.html``.
"""

from __future__ import annotations

import re
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind, Pagination
from forumwatch.parse.base import Page, node_text
from forumwatch.parse.detection import marker_score
from forumwatch.parse.imageboard import ImageboardParser
from forumwatch.parse.notices import split_edit_line
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

LYNXCHAN_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "body#threadBody"),
            (PageKind.LISTING, "body#boardBody, #divThreads .opCell"),
            (PageKind.INDEX, "#divBoards"),
        ),
        kind_url_rules=((PageKind.THREAD, r"/res/\d+"),),
        board_title="title",
        thread_link=".innerOP .labelSubject",
        pagination="#divPages",
        pagination_links="a",
    ),
    post=PostSelectors(
        container=".opCell .innerOP, .postCell .innerPost",
        native_id=Pick("a.linkSelf", "href", r"#(\d+)$"),
        native_id_fallback=Pick("a.linkQuote", "href", r"#q(\d+)$"),
        author="a.linkName",
        time=".labelCreated",
        title=".labelSubject",
        content=".divMessage",
        edit_notice=".labelLastEdit",
    ),
    content=ContentSelectors(
        quote="span.greenText",
        quote_cite="cite",
        engine_links="a.quoteLink",
    ),
    listing=ListingSelectors(
        sticky=".innerOP .pinIndicator",
        locked=".innerOP .lockIndicator",
    ),
    sections=SectionSelectors(),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("LynxChan", 0.3),
    ('class="opCell"', 0.2),
    ("labelCreated", 0.1),
    ("divMessage", 0.1),
    ("linkQuote", 0.1),
    ('id="divThreads"', 0.1),
    ("quoteLink", 0.05),
    ("boardsCell", 0.1),
    ("/.static/", 0.1),
    ('id="divBoards"', 0.1),
)
_URL = re.compile(r"/[^/]+/res/\d+\.html")
_PAGING = PathPaging(r"/(\d+)\.html$", first_page_suffix="/")
_EDIT = re.compile(r"\s(\S.*?)\s+\S+\s+(\d.*?)\.?$")

DEFAULT_DATE_FORMATS = ("m/d/Y",)
"""LynxChan's English date format is month first (guiDateFormat)."""


class LynxchanParser(ImageboardParser):
    """LynxChan, default front-end."""

    name: ClassVar[str] = "lynxchan"
    selectors: ClassVar[BoardSelectors] = LYNXCHAN_SELECTORS
    board_links: ClassVar[str] = "a.linkBoard"
    board_heading: ClassVar[str] = "#labelName, #boardHeader h1"
    thread_block: ClassVar[str] = "div.opCell"
    opening_post: ClassVar[str] = ".innerOP"
    reply_post: ClassVar[str] = ".postCell"
    omitted: ClassVar[str] = ".labelOmission"
    reference_link: ClassVar[str] = "a.quoteLink"

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        super().__init__(timezone, tuple(date_formats) or DEFAULT_DATE_FORMATS, language)

    def detect(self, html: str, url: str) -> float:
        """Score LynxChan markers (cell classes the engine fills, the powered-by link)."""
        return marker_score(html, url, _MARKERS, _URL, 0.1)

    def _pagination(self, page: Page) -> Pagination:
        if _URL.search(page.url):  # a thread: one page
            return Pagination()
        rules = self.selectors.page
        return read_path_pagination(page, rules, page.first(rules.pagination), _PAGING)

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        if notice is None:
            return None
        text = node_text(notice)
        # "Edited last time by <login> on <date>." (localized): the name, a word, the date.
        lead, _, rest = text.partition(" by ")
        match = _EDIT.match(" " + rest) if rest else None
        if match is not None:
            when = self.dates.read(match.group(2), page.captured_at)
            if when is not None:
                return Edit(by=match.group(1), at=when)
        when, editor = split_edit_line(text, self.dates, page.captured_at)
        if when is None:
            page.problem("edit", "edit label not readable", text or lead, native_id)
        return Edit(by=editor, at=when)
