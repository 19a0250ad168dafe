"""Paste sites: server-rendered pastebin clones (Stikked, pastebin.com-style) and PrivateBin.

A paste is a thread holding one post; both take the paste's id from its URL
(``/view/a81fce20``, ``/a81fce20``, ``?a81fce20``). The recent-pastes list is a listing of
the site's one section, ``pastes``.

What a text-only crawler can read:

* Stikked and pastebin.com-style clones render title, author, age/date and the text on the
  server. Stikked shows only the age in its largest unit ("3 Hours ago"), so times are that
  precise; pastebin.com-style pages carry the full date in a ``title`` attribute.
* PrivateBin (and ZeroBin) encrypt the paste in the browser; the key lives in the URL fragment,
  which is never sent to the server, and the served page is an empty shell. Such a page gives
  the paste's id and a parse problem saying the text is not readable; nothing else.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    Author,
    ListingPage,
    PageKind,
    Pagination,
    Section,
    Thread,
    ThreadPage,
)
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
from forumwatch.parse.text import canonical_url

SECTION_ID = "pastes"
"""The one section of a paste site: its list of recent pastes."""

_PASTE_ID = r"/(?:view/(?:raw/|download/|embed/)?)?([A-Za-z0-9]{6,40})/?(?:[?#]|$)"

PASTE_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#prettymessage, #cipherdata"),
            (PageKind.THREAD, "div.paste .text_formatted, .info-top + .source, textarea.textarea"),
            (PageKind.LISTING, "table.recent, table.maintable"),
        ),
        kind_url_rules=((PageKind.LISTING, r"/(?:lists|archive)(?:/|$|\?)"),),
        board_title="title",
        thread_link="h1.pagetitle, .info-top h1",
        thread_id=Pick(None, "href", _PASTE_ID),
    ),
    post=PostSelectors(
        container="html",
        native_id=Pick("div.meta a[href*='/view/']", "href", _PASTE_ID),
        native_id_fallback=Pick("link[rel='canonical']", "href", _PASTE_ID),
        author="span.detail.by, .username a, .username",
        time=".date span[title]",
        time_fallback="span.detail.by",
        title="h1.pagetitle, .info-top h1",
        content="div.paste .text_formatted .container, .source ol, textarea.textarea",
    ),
    content=ContentSelectors(excluded="script, style, .qr, .line-number"),
    listing=ListingSelectors(
        row="table.recent tr:has(td), table.maintable tr:has(td)",
        link="td a[href]",
        author="td:nth-child(2)",
        first_post_time="td:last-child",
        last_post_time="td:last-child",
    ),
    sections=SectionSelectors(),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ("claudehohl/Stikked", 0.35),
    ('class="paste_info"', 0.2),
    ('class="text_formatted"', 0.15),
    ('table class="recent"', 0.15),
    ("Stikked", 0.1),
)
_PRIVATEBIN = (
    ('id="prettymessage"', 0.3),
    ("privatebin.js", 0.3),
    ("zerobin.js", 0.3),
    ('id="cipherdata"', 0.2),
    ("PrivateBin", 0.2),
    ("in the browser", 0.05),
)
_BY = re.compile(r"^\s*\S+\s+(.+?),\s*(.+?),")


class PasteParser(BoardParser):
    """Pastebin clones (Stikked, pastebin.com-style) and PrivateBin shells."""

    name: ClassVar[str] = "paste"
    selectors: ClassVar[BoardSelectors] = PASTE_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score Stikked / pastebin-clone markers, or PrivateBin / ZeroBin markers."""
        return max(marker_score(html, url, _MARKERS), marker_score(html, url, _PRIVATEBIN))

    def _parse_thread(self, page: Page) -> ThreadPage:
        if page.matches("#prettymessage, #cipherdata"):
            return _encrypted(page)
        parsed = super()._parse_thread(page)
        paste_id = _paste_id(page.url) or parsed.thread.native_id
        thread = dataclasses.replace(
            parsed.thread,
            native_id=paste_id,
            url=canonical_url(page.url, ()),
            section_native_id=SECTION_ID,
            replies=0,
        )
        posts = tuple(dataclasses.replace(post, thread_native_id=paste_id) for post in parsed.posts)
        return dataclasses.replace(parsed, thread=thread, posts=posts)

    def _parse_listing(self, page: Page) -> ListingPage:
        threads = [
            thread
            for thread in (
                self._thread_row(page, row, SECTION_ID)
                for row in page.all(self.selectors.listing.row)
            )
            if thread is not None
        ]
        heading = node_text(page.first(".content h1:not(.pagetitle), #content h1, main h1"))
        return ListingPage(
            url=page.url,
            section=Section(
                native_id=SECTION_ID, title=heading or SECTION_ID, url=canonical_url(page.url, ())
            ),
            threads=tuple(dataclasses.replace(thread, replies=0) for thread in threads),
            pagination=Pagination(),
        )

    def _author(
        self, page: Page, node: LexborNode, native_id: str, name_node: LexborNode | None
    ) -> Author | None:
        if name_node is not None and "by" in (name_node.attrs.get("class") or "").split():
            match = _BY.match(node_text(name_node))
            if match is not None:  # Stikked: "From <name>, <age> ago, written in ..."
                return Author(handle=match.group(1))
        return super()._author(page, node, native_id, name_node)

    def _fallback_time_text(self, node: LexborNode) -> str:
        match = _BY.match(node_text(node))
        return match.group(2) if match else node_text(node)


def _paste_id(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    first = parts.query.split("&", 1)[0]
    if first and re.fullmatch(r"[A-Za-z0-9]{6,40}", first):
        return first  # PrivateBin/ZeroBin: ?<paste id>
    match = re.search(_PASTE_ID, parts.path)
    return match.group(1) if match else None


def _encrypted(page: Page) -> ThreadPage:
    page.problem(
        "text", "client-side encrypted paste (PrivateBin/ZeroBin): the text is not in the page"
    )
    paste_id = _paste_id(page.url) or ""
    return ThreadPage(
        url=page.url,
        thread=Thread(
            native_id=paste_id,
            title="",
            url=canonical_url(page.url, ()),
            section_native_id=SECTION_ID,
        ),
    )
