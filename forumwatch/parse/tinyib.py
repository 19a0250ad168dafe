"""TinyIB, the futaba-style imageboard (static HTML pages written by the engine).

An imageboard has no accounts, sub-forums or post titles beyond the opening post's subject.
How its pages map to forumwatch's model:

* each board (``/g/``) is a separate install and one section: its id is the board's directory,
  its title the board's logo text; ``parse_index`` returns the board itself;
* a board page (``index.html``, ``1.html``) and the catalog (``catalog.html``) are listings;
  a board page shows each thread's opening post and last replies, with "N posts omitted";
* a thread page (``res/48211.html``) holds every post; post ids are per board;
* names are whatever posters type ("Anonymous" by default); a tripcode (``!Ab12Cd``) is part
  of the handle and is the author's id, since it is the only identity an imageboard has;
* ``>>N`` links reference post N and stay in the text as shown; a greentext line (``>text``,
  ``span.unkfunc``) is a quote, without its ``>``, of the post last referenced before it;
  a reference followed by no greentext is still kept as a quote of post N with no text, so
  that the reply graph is not lost (the model has no field for bare references);
* dates are PHP ``strftime`` ("20/03/14(Sat)09:12:00", ``%g/%m/%d(%a)%H:%M:%S`` by default);
  TinyIB breaks words longer than 80 characters with ``<br>``, so text may break inside a URL
  while the link keeps it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    Author,
    IndexPage,
    ListingPage,
    PageKind,
    Pagination,
    Post,
    Quote,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import EngineParser, Page, node_text, pick
from forumwatch.parse.content import read_content
from forumwatch.parse.detection import marker_score
from forumwatch.parse.pagination import MAX_PAGES
from forumwatch.parse.selectors import ContentSelectors, Pick
from forumwatch.parse.text import absolute_url, canonical_url, first_int, title_tags

DEFAULT_DATE_FORMATS = ("%g/%m/%d(%a)%H:%M:%S",)
"""TinyIB's default ``TINYIB_DATEFMT``, assumed when a board's own is not configured."""


@dataclass(frozen=True, slots=True)
class ImageboardSelectors:
    """Where a futaba-style imageboard puts each field (CSS, Lexbor dialect).

    Attributes:
        thread_page: found only on a thread page (the reply form's parent field).
        board_page: found only on a board page (opening posts with a reply link).
        catalog_item: each thread of the catalog.
        board_title: the board's name.
        opening_post: each thread's opening post.
        reply: each reply (a sibling of the opening post on board pages).
        post_id: the post id, read from the post element.
        subject: the subject line (the thread's title on an opening post).
        name: the poster's name.
        tripcode: the poster's tripcode.
        post_label: the element whose own text (outside its child elements) shows the time.
        message: the post body.
        references: ``>>N`` links to other posts (their text gives N).
        omitted: "N posts omitted" under an opening post on a board page.
        sticky: found in an opening post when the thread is pinned.
        locked: found in an opening post when the thread is locked.
        pagination: the cell that lists board pages as ``[0] [1] [2]``.
        content: the post body's quotes (greentext), excluded chrome and engine links.
    """

    thread_page: str
    board_page: str
    catalog_item: str
    board_title: str
    opening_post: str
    reply: str
    post_id: Pick
    subject: str
    name: str
    tripcode: str
    post_label: str
    message: str
    references: str
    omitted: str
    sticky: str
    locked: str
    pagination: str
    content: ContentSelectors


TINYIB_SELECTORS = ImageboardSelectors(
    thread_page="#postform input[name='parent']:not([value='0'])",
    board_page="#posts div.op",
    catalog_item="div.catalogpost",
    board_title="div.logo",
    opening_post="div.op",
    reply="td.reply",
    post_id=Pick(None, "id", r"^post(\d+)$"),
    subject="label span.filetitle",
    name="label span.postername",
    tripcode="label span.postertrip",
    post_label="label",
    message="div.message",
    references="a.refop, a.refreply",
    omitted="span.omittedposts",
    sticky="span.reflink img[src$='sticky.png']",
    locked="span.reflink img[src$='lock.png']",
    pagination="form#delform ~ table td:nth-child(2)",
    content=ContentSelectors(
        quote="span.unkfunc",
        quote_cite="cite",
        excluded="span.abbrev, div.omittedposts",
        engine_links="a.refop, a.refreply",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ('href="https://codeberg.org/tslocum/tinyib"', 0.4),
    ("js/tinyib.js", 0.3),
    ("imgboard.php", 0.15),
    ("var autoRefreshDelay", 0.1),
    ('class="reflink"', 0.05),
    ('class="postername"', 0.05),
    ('id="delform"', 0.05),
    ('class="unkfunc"', 0.05),
)
_URLS = re.compile(r"/res/\d+\.html|/(?:index|catalog|\d+)\.html|imgboard\.php")
_THREAD_IN_URL = re.compile(r"/res/(\d+)\.html")
_REFERENCE = re.compile(r">>(\d{1,20})")


class TinyibParser(EngineParser):
    """TinyIB boards, futaba and burichan styles."""

    name: ClassVar[str] = "tinyib"
    selectors: ClassVar[ImageboardSelectors] = TINYIB_SELECTORS

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        super().__init__(timezone, tuple(date_formats) or DEFAULT_DATE_FORMATS, language)

    def detect(self, html: str, url: str) -> float:
        """Score TinyIB markers in the raw page: its footer link, script and classes."""
        return marker_score(html, url, _MARKERS, _URLS)

    # --- pages ---------------------------------------------------------------------------------

    def _page_kind(self, page: Page) -> PageKind:
        rules = self.selectors
        if page.matches(rules.thread_page) or _THREAD_IN_URL.search(page.url):
            return PageKind.THREAD
        if page.matches(rules.board_page) or page.matches(rules.catalog_item):
            return PageKind.LISTING
        if page.matches(rules.board_title):
            return PageKind.INDEX
        return PageKind.OTHER

    def _parse_index(self, page: Page) -> IndexPage:
        board = self._board(page)
        return IndexPage(url=page.url, title=board.title, sections=(board,))

    def _parse_listing(self, page: Page) -> ListingPage:
        board = self._board(page)
        rules = self.selectors
        if page.matches(rules.catalog_item):
            threads = [
                self._catalog_thread(page, item, board) for item in page.all(rules.catalog_item)
            ]
        else:
            threads = [self._board_thread(page, op, board) for op in page.all(rules.opening_post)]
        return ListingPage(
            url=page.url,
            section=board,
            threads=tuple(thread for thread in threads if thread is not None),
            pagination=self._pagination(page, board),
        )

    def _parse_thread(self, page: Page) -> ThreadPage:
        board = self._board(page)
        rules = self.selectors
        nodes = page.all(f"{rules.opening_post}, {rules.reply}")
        opening = page.first(rules.opening_post)
        thread_id = pick(opening, rules.post_id) or _match(_THREAD_IN_URL, page.url)
        if thread_id is None:
            page.problem("thread", "thread id not found", page.url)
        posts = [
            post
            for index, node in enumerate(nodes)
            if (post := self._post(page, node, thread_id or "", index + 1)) is not None
        ]
        if not posts:
            page.problem("posts", "no posts found on a thread page", page.url)
        title = node_text(opening.css_first(rules.subject)) if opening is not None else ""
        times = [post.posted_at for post in posts if post.posted_at is not None]
        first = posts[0] if posts else None
        thread = Thread(
            native_id=thread_id or "",
            title=title,
            url=canonical_url(page.url, ()),
            section_native_id=board.native_id,
            tags=title_tags(title),
            author=first.author.handle if first is not None and first.author else None,
            replies=max(0, len(posts) - 1) if posts else None,
            first_post_at=first.posted_at if first is not None else None,
            last_post_at=max(times) if times else None,
            sticky=opening is not None and opening.css_first(rules.sticky) is not None,
            locked=opening is not None and opening.css_first(rules.locked) is not None,
        )
        return ThreadPage(url=page.url, thread=thread, posts=tuple(posts), pagination=Pagination())

    # --- parts ---------------------------------------------------------------------------------

    def _board(self, page: Page) -> Section:
        """The board a page belongs to: its directory is its id, its logo its title."""
        directories = _path(page.url).split("/")[:-1]  # without the file name
        if directories and directories[-1] == "res":
            directories.pop()
        native_id = next((name for name in reversed(directories) if name), "/")
        url = absolute_url("/".join(directories) + "/", page.url) or page.url
        title = node_text(page.first(self.selectors.board_title)) or native_id
        return Section(native_id=native_id, title=title, url=url)

    def _post(
        self, page: Page, node: LexborNode, thread_id: str, position: int | None
    ) -> Post | None:
        rules = self.selectors
        native_id = pick(node, rules.post_id)
        if native_id is None:
            page.problem("post", "post without an id was skipped", node_text(node))
            return None
        body = node.css_first(rules.message)
        text = ""
        links: tuple[str, ...] = ()
        quotes: tuple[Quote, ...] = ()
        if body is None:
            page.problem("text", "post body not found", node_text(node), native_id)
        else:
            content = read_content(page, body, rules.content, native_id)
            text, links = content.text, content.links
            quotes = _quotes_with_references(body, content.quotes, rules.references)
        return Post(
            native_id=native_id,
            thread_native_id=thread_id,
            author=self._author(node),
            posted_at=self._time(page, node, native_id),
            text=text,
            title=node_text(node.css_first(rules.subject)),
            quotes=quotes,
            links=links,
            position=position,
        )

    def _author(self, node: LexborNode) -> Author | None:
        name = node_text(node.css_first(self.selectors.name))
        trip = node_text(node.css_first(self.selectors.tripcode))
        if not name and not trip:
            return None
        return Author(handle=name + trip, native_id=trip or None)

    def _time(self, page: Page, node: LexborNode, native_id: str | None) -> datetime | None:
        label = node.css_first(self.selectors.post_label)
        text = _own_text(label) if label is not None else ""
        moment = self.dates.read(text, page.captured_at)
        if moment is None:
            page.problem("posted_at", "post time not readable", text, native_id)
        return moment

    def _board_thread(self, page: Page, opening: LexborNode, board: Section) -> Thread | None:
        """A thread of a board page: its opening post, shown replies and omitted count."""
        rules = self.selectors
        post = self._post(page, opening, "", None)
        if post is None:
            return None
        shown: list[LexborNode] = []
        omitted = 0
        sibling = opening.next
        while sibling is not None and sibling.tag != "hr":
            if sibling.is_element_node:
                if sibling.css_matches(rules.opening_post):
                    break
                if sibling.css_matches(rules.omitted):
                    omitted = first_int(node_text(sibling)) or 0
                shown.extend(sibling.css(rules.reply))
            sibling = sibling.next
        last = self._time(page, shown[-1], None) if shown else post.posted_at
        return Thread(
            native_id=post.native_id,
            title=post.title,
            url=self._thread_url(page, opening, post.native_id),
            section_native_id=board.native_id,
            tags=title_tags(post.title),
            author=post.author.handle if post.author else None,
            replies=omitted + len(shown),
            first_post_at=post.posted_at,
            last_post_at=last,
            sticky=opening.css_first(rules.sticky) is not None,
            locked=opening.css_first(rules.locked) is not None,
        )

    def _catalog_thread(self, page: Page, item: LexborNode, board: Section) -> Thread | None:
        """A thread of the catalog: link, reply count and subject (no names or times)."""
        link = item.css_first("a[href]")
        url = absolute_url(link.attrs.get("href"), page.url) if link is not None else None
        native_id = _match(_THREAD_IN_URL, url or "")
        if url is None or native_id is None:
            page.problem("threads", "catalog entry without a thread link", node_text(item))
            return None
        count = item.css_first("b")
        title = " ".join(
            "".join(
                child.text_content or ""
                for child in item.iter(include_text=True)
                if child.tag == "-text"
            ).split()
        )
        return Thread(
            native_id=native_id,
            title=title,
            url=canonical_url(url, ()),
            section_native_id=board.native_id,
            tags=title_tags(title),
            replies=first_int(node_text(count)) if count is not None else None,
        )

    def _thread_url(self, page: Page, opening: LexborNode, native_id: str) -> str:
        for link in opening.css("span.reflink a[href]"):
            url = absolute_url(link.attrs.get("href"), page.url)
            if url is not None and _THREAD_IN_URL.search(url):
                return canonical_url(url, ())
        return absolute_url(f"res/{native_id}.html", page.url) or page.url

    def _pagination(self, page: Page, board: Section) -> Pagination:
        """Board pages are listed as ``[0] [1] [2]``: 0 is ``index.html``, N is ``N.html``."""
        cell = page.first(self.selectors.pagination)
        if cell is None:
            return Pagination(page_urls=(canonical_url(page.url, ()),))
        linked = [first_int(node_text(link)) for link in cell.css("a")]
        shown = [int(number) for number in re.findall(r"\[\s*(\d{1,6})\s*\]", node_text(cell))]
        current = next((n for n in shown if n not in linked), 0)
        pages = min(max([*shown, current]) + 1, MAX_PAGES)
        urls = tuple(
            absolute_url("index.html" if number == 0 else f"{number}.html", board.url) or page.url
            for number in range(pages)
        )
        return Pagination(page=min(current + 1, pages), pages=pages, page_urls=urls)


def _quotes_with_references(
    body: LexborNode, quotes: tuple[Quote, ...], references: str
) -> tuple[Quote, ...]:
    """Greentext quotes get the post last referenced before them; bare references are kept."""
    greentext = iter(quotes)
    result: list[Quote] = []
    pending: str | None = None  # a reference not yet followed by greentext
    last: str | None = None
    for node in body.css(f"{references}, span.unkfunc"):
        reference = _match(_REFERENCE, node_text(node)) if node.tag == "a" else None
        if node.tag == "a":
            if reference is None:
                continue
            if pending is not None:
                result.append(Quote(depth=1, author=None, text="", post_native_id=pending))
            pending = last = reference
            continue
        quote = next(greentext, None)
        if quote is None:
            break
        text = quote.text[1:].lstrip() if quote.text.startswith(">") else quote.text
        result.append(replace(quote, text=text, post_native_id=last))
        pending = None
    if pending is not None:
        result.append(Quote(depth=1, author=None, text="", post_native_id=pending))
    result.extend(_strip_marker(quote) for quote in greentext)
    return tuple(result)


def _strip_marker(quote: Quote) -> Quote:
    text = quote.text[1:].lstrip() if quote.text.startswith(">") else quote.text
    return replace(quote, text=text)


def _own_text(node: LexborNode) -> str:
    """The text directly inside ``node`` (not inside its child elements)."""
    return " ".join(
        "".join(
            child.text_content or ""
            for child in node.iter(include_text=True)
            if child.tag == "-text"
        ).split()
    )


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return "/"


def _match(pattern: re.Pattern[str], value: str) -> str | None:
    found = pattern.search(value)
    return found.group(1) if found is not None else None
