"""Read a post body as a reader sees it: its own text, its links and its quotes.

The conventions (shared by every engine and by the fixture manifests):

* blocks and paragraphs end a line, ``<br>`` ends a line; whitespace runs inside a line are
  collapsed; ``<pre>`` keeps its lines and indentation;
* an emoji drawn as ``<img alt>`` counts as its alt text;
* engine chrome (code box headers, quote headers, signatures, scripts) is not text;
* quotes are taken out of the text; each quote keeps its own text, links, author and quoted post
  id; quotes are listed in document (pre-)order with their nesting depth (1 = quoted directly);
* links are the ``href`` of links in the post's own text, absolute, in document order, then
  posted images (``src``), then URLs written as plain text that the engine did not link (see
  :func:`forumwatch.parse.text.find_bare_urls`), each bare URL once and only when not already an
  ``href``.

The walk is iterative, so a post nested 100,000 levels deep cannot exhaust the stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from forumwatch.models import Quote
from forumwatch.parse.base import Page, node_text, pick
from forumwatch.parse.selectors import ContentSelectors
from forumwatch.parse.text import absolute_url, clean_line, find_bare_urls

MAX_QUOTES = 500
"""Quotes kept per post; more are dropped with a problem (a hostile page may nest thousands)."""

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote center dd details dialog div dl dt fieldset "
        "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section "
        "summary table tbody thead tfoot tr td th ul caption"
    ).split()
)
SKIPPED_TAGS = frozenset(
    "script style template noscript head title iframe object embed svg math select".split()
)

_ENTER, _EXIT_BLOCK, _EXIT_LINK = 0, 1, 2


@dataclass(slots=True)
class _Collector:
    """Text and links gathered for the post or for one quote."""

    depth: int
    author: str | None = None
    post_native_id: str | None = None
    lines: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    in_link: int = 0

    def add_text(self, text: str) -> None:
        self.current.append(text)
        self.unlinked.append("\n" if self.in_link else text)

    def break_line(self) -> None:
        if self.current:
            line = clean_line("".join(self.current))
            if line:
                self.lines.append(line)
            self.current.clear()
        self.unlinked.append("\n")

    def add_preformatted(self, text: str) -> None:
        self.break_line()
        self.lines.extend(text.strip("\n").split("\n"))
        self.unlinked.append(text)
        self.unlinked.append("\n")

    def text(self) -> str:
        self.break_line()
        return "\n".join(self.lines)

    def links(self) -> tuple[str, ...]:
        links = [*self.hrefs, *self.images]
        known = set(links)
        for url in find_bare_urls("".join(self.unlinked)):
            if url not in known:
                known.add(url)
                links.append(url)
        return tuple(links)


@dataclass(frozen=True, slots=True)
class Content:
    """What a post body says: text, links and quotes (see the module conventions)."""

    text: str
    links: tuple[str, ...]
    quotes: tuple[Quote, ...]


def read_content(
    page: Page,
    body: LexborNode,
    selectors: ContentSelectors,
    post_native_id: str | None = None,
) -> Content:
    """Read a post body node; problems (too many quotes) are recorded on ``page``."""
    excluded = page.node_set(selectors.excluded)
    quote_nodes = page.node_set(selectors.quote)
    emoji = page.node_set(selectors.emoji)
    images = page.node_set(selectors.images)
    engine_links = page.node_set(selectors.engine_links)
    root = _Collector(depth=0)
    quotes: list[_Collector] = []
    stack: list[tuple[LexborNode | None, _Collector, int]] = [
        (child, root, _ENTER) for child in _children_reversed(body)
    ]
    while stack:
        node, collector, action = stack.pop()
        if action == _EXIT_BLOCK:
            collector.break_line()
            continue
        if action == _EXIT_LINK:
            collector.in_link -= 1
            continue
        if node is None:
            continue
        if node.is_text_node:
            collector.add_text(node.text_content or "")
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        identity = node.mem_id
        if identity in excluded or tag in SKIPPED_TAGS:
            if tag in BLOCK_TAGS:
                collector.break_line()
            continue
        if tag == "br":
            collector.break_line()
            continue
        if tag == "img":
            _read_image(node, identity, collector, emoji, images, page.url)
            continue
        if tag == "pre":
            collector.add_preformatted(node.text(deep=True))
            continue
        if identity in quote_nodes:
            collector.break_line()
            if len(quotes) >= MAX_QUOTES:
                if len(quotes) == MAX_QUOTES:
                    page.problem("quotes", "too many quotes; the rest were dropped", "",
                                 post_native_id)  # fmt: skip
                    quotes.append(_Collector(depth=-1))
                continue
            quote = _Collector(depth=collector.depth + 1)
            quote.author, quote.post_native_id = _quote_header(node, selectors, page)
            quotes.append(quote)
            stack.append((None, collector, _EXIT_BLOCK))
            stack.extend((child, quote, _ENTER) for child in _children_reversed(node))
            continue
        if tag == "a":
            href = node.attributes.get("href")
            if identity not in engine_links:
                url = absolute_url(href, page.url)
                if url is not None:
                    collector.hrefs.append(url)
            collector.in_link += 1
            stack.append((None, collector, _EXIT_LINK))
        elif tag in BLOCK_TAGS:
            collector.break_line()
            stack.append((None, collector, _EXIT_BLOCK))
        stack.extend((child, collector, _ENTER) for child in _children_reversed(node))
    return Content(
        text=root.text(),
        links=root.links(),
        quotes=tuple(
            Quote(
                depth=quote.depth,
                author=quote.author,
                text=quote.text(),
                post_native_id=quote.post_native_id,
                links=quote.links(),
            )
            for quote in quotes
            if quote.depth > 0
        ),
    )


def _children_reversed(node: LexborNode) -> list[LexborNode]:
    children = list(node.iter(include_text=True))
    children.reverse()
    return children


def _read_image(
    node: LexborNode,
    identity: int,
    collector: _Collector,
    emoji: frozenset[int],
    images: frozenset[int],
    base_url: str,
) -> None:
    attributes = node.attributes
    if identity in emoji:
        collector.add_text(attributes.get("alt") or "")
    elif identity in images:
        url = absolute_url(attributes.get("src"), base_url)
        if url is not None:
            collector.images.append(url)


def _quote_header(
    quote: LexborNode, selectors: ContentSelectors, page: Page
) -> tuple[str | None, str | None]:
    """Return (author, quoted post id) from a quote block's own header."""
    cite = _own_cite(quote, selectors, page)
    author: str | None = None
    post_id: str | None = None
    if cite is not None:
        author = pick(cite, selectors.quote_author) if selectors.quote_author.css else None
        if author is None:
            author = _author_from_header(cite, selectors, page)
        post_id = pick(cite, selectors.quote_post_id) if selectors.quote_post_id.css else None
    if post_id is None and (
        selectors.quote_post_id_fallback.attribute or selectors.quote_post_id_fallback.css
    ):
        post_id = pick(quote, selectors.quote_post_id_fallback)
    return author, post_id


def _own_cite(quote: LexborNode, selectors: ContentSelectors, page: Page) -> LexborNode | None:
    """The first header inside ``quote`` whose nearest enclosing quote is ``quote`` itself."""
    quote_nodes = page.node_set(selectors.quote)
    for cite in quote.css(selectors.quote_cite):
        parent = cite.parent
        while parent is not None and parent.mem_id not in quote_nodes:
            parent = parent.parent
        if parent is not None and parent.mem_id == quote.mem_id:
            return cite
        return None
    return None


def _author_from_header(cite: LexborNode, selectors: ContentSelectors, page: Page) -> str | None:
    """The name in a header without a profile link: its text minus noise and "wrote:"."""
    text = node_text(cite)
    noise = page.node_set(selectors.quote_cite_noise)
    if noise:
        for node in cite.traverse():
            if node.mem_id in noise:
                part = node_text(node)
                if part:
                    text = text.replace(part, " ")
    text = " ".join(text.split())
    lowered = text.lower()
    for phrase in selectors.wrote_phrases:
        index = lowered.rfind(phrase)
        if index > 0:
            text = text[:index]
            break
    else:
        if text.endswith(":"):
            text = text[:-1]
    name = text.strip(" :\u00a0\"'«»“”")
    return name or None
