"""What imageboard engines share: boards as sections, threads as blocks, ``>>N`` references.

Conventions (the same as the TinyIB captures' manifests):

* post numbers are per board, so every thread and post id is ``<board>/<number>``;
* a ``>>N`` link stays in the text as displayed and is an engine link, not a link of the post;
* greentext lines (``>text``) are quotes: author unknown, quoted post = the last ``>>N``
  reference before them (None when there is none);
* a board page lists each thread's opening post and last replies; the replies it omits are
  counted from the "N posts omitted" label.

An engine module subclasses :class:`ImageboardParser` with its selectors and a few class
attributes naming where board links, thread blocks and omitted counts sit.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from forumwatch.models import IndexPage, ListingPage, Post, Section, Thread
from forumwatch.parse.base import Page, node_text, pick
from forumwatch.parse.board import BoardParser
from forumwatch.parse.text import absolute_url, first_int

_REF = re.compile(r">>(\d+)")
_BOARD_IN_PATH = re.compile(r"^/([^/]+)/(?:res/|thread/|index\.html|\d+\.html|catalog\.html|$)")


def board_of(url: str) -> str | None:
    """The board's short name from a board or thread URL (``/g/res/1.html`` -> ``g``)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _BOARD_IN_PATH.match(path)
    return match.group(1) if match else None


class ImageboardParser(BoardParser):
    """Boards, threads and posts of an imageboard, read with the class's selectors."""

    board_links: ClassVar[str] = ""
    """Links to boards on an index page (the href names the board)."""
    board_heading: ClassVar[str] = "h1"
    """The board's heading on a board page ("/g/ - Gardening")."""
    thread_block: ClassVar[str] = ""
    """One thread (opening post and shown replies) on a board page."""
    opening_post: ClassVar[str] = ""
    """The opening post inside a thread block."""
    reply_post: ClassVar[str] = ""
    """A shown reply inside a thread block."""
    omitted: ClassVar[str] = ""
    """The "N posts omitted" label inside a thread block."""
    reference_link: ClassVar[str] = ""
    """A ``>>N`` link inside a message."""

    def _parse_index(self, page: Page) -> IndexPage:
        sections: dict[str, Section] = {}
        for link in page.all(self.board_links):
            url = absolute_url(link.attrs.get("href"), page.url)
            board = board_of(url) if url else None
            if board is None or url is None or board in sections:
                continue
            sections[board] = Section(native_id=board, title=_board_title(link), url=url)
        if not sections:
            page.problem("sections", "no boards found on the index", page.url)
        return IndexPage(
            url=page.url, title=node_text(page.first("title")), sections=tuple(sections.values())
        )

    def _parse_listing(self, page: Page) -> ListingPage:
        board = board_of(page.url)
        if board is None:
            page.problem("section", "board not found in the URL", page.url)
        heading = node_text(page.first(self.board_heading))
        section = (
            Section(
                native_id=board,
                title=re.sub(r"^/[^/]+/\s*-\s*", "", heading),
                url=absolute_url(f"/{board}/", page.url) or page.url,
            )
            if board
            else None
        )
        threads = [
            thread
            for thread in (
                self._block(page, block, board or "") for block in page.all(self.thread_block)
            )
            if thread is not None
        ]
        return ListingPage(
            url=page.url, section=section, threads=tuple(threads), pagination=self._pagination(page)
        )

    def _block(self, page: Page, block: LexborNode, board: str) -> Thread | None:
        op = block.css_first(self.opening_post)
        number = pick(op, self.selectors.post.native_id) if op is not None else None
        if op is None or number is None:
            page.problem("threads", "thread without an opening post", node_text(block))
            return None
        rules = self.selectors.post
        replies = block.css(self.reply_post)
        last = replies[-1] if replies else op
        omitted = first_int(node_text(block.css_first(self.omitted))) if self.omitted else None
        thread_url = absolute_url(f"/{board}/res/{number}.html", page.url) or page.url
        listing = self.selectors.listing
        return Thread(
            native_id=f"{board}/{number}",
            title=node_text(op.css_first(rules.title)) if rules.title else "",
            url=thread_url,
            section_native_id=board,
            author=node_text(op.css_first(rules.author)) or None,
            replies=len(replies) + (omitted or 0),
            first_post_at=self._time_of(page, op.css_first(rules.time), "threads"),
            last_post_at=self._time_of(page, last.css_first(rules.time), "threads"),
            sticky=bool(listing.sticky) and block.css_first(listing.sticky or "") is not None,
            locked=bool(listing.locked) and block.css_first(listing.locked or "") is not None,
        )

    def _thread_header(self, page: Page) -> Thread:
        thread = super()._thread_header(page)
        board = board_of(page.url) or ""
        match = re.search(r"/res/(\d+)", page.url)
        number = match.group(1) if match else thread.native_id
        op = page.first(self.opening_post)
        title = (
            node_text(op.css_first(self.selectors.post.title))
            if op and self.selectors.post.title
            else ""
        )
        locked = page.matches(self.selectors.listing.locked)
        return dataclasses.replace(
            thread,
            native_id=f"{board}/{number}" if number else "",
            title=title or thread.title,
            section_native_id=board or None,
            locked=locked or thread.locked,
        )

    def _post(
        self, page: Page, node: LexborNode, thread_id: str, position: int | None
    ) -> Post | None:
        post = super()._post(page, node, thread_id, position)
        if post is None:
            return None
        board = thread_id.split("/", 1)[0]
        body = node.css_first(self.selectors.post.content)
        refs = self._quote_refs(body) if body is not None else []
        quotes = tuple(
            dataclasses.replace(
                quote,
                text=quote.text.removeprefix(">"),
                post_native_id=f"{board}/{ref}" if ref else None,
            )
            for quote, ref in zip(post.quotes, refs, strict=False)
        )
        return dataclasses.replace(
            post,
            native_id=f"{board}/{post.native_id}",
            quotes=quotes + post.quotes[len(quotes) :],
        )

    def _quote_refs(self, body: LexborNode) -> list[str | None]:
        """For each greentext quote in document order, the last ``>>N`` before it."""
        quote_selector = self.selectors.content.quote
        refs: list[str | None] = []
        last: str | None = None
        for node in body.traverse(include_text=False):
            if node.mem_id == body.mem_id:
                continue
            if self.reference_link and node.css_matches(self.reference_link):
                match = _REF.search(node_text(node))
                last = match.group(1) if match else last
            elif node.css_matches(quote_selector):
                refs.append(last)
        return refs


def _board_title(link: LexborNode) -> str:
    title = link.attrs.get("title")
    if title:
        return title.strip()
    return re.sub(r"^/[^/]+/\s*-\s*", "", node_text(link))
