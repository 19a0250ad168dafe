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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from forumwatch.models import Quote
from forumwatch.parse.base import Page, all_matches, first_match, node_text, pick
from forumwatch.parse.selectors import ContentSelectors
from forumwatch.parse.text import absolute_url, find_bare_urls

MAX_QUOTES = 500
"""Quotes kept per post; more are dropped with a problem (a hostile page may nest thousands)."""

BLOCK_TAGS = frozenset(
    (
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    )
)  # fmt: skip
SKIPPED_TAGS = frozenset(
    (
        "script", "style", "template", "noscript", "head", "title", "iframe", "object", "embed",
        "svg", "math", "select",
    )
)  # fmt: skip

# What leaving an element the walk went into does: nothing, end a link, end a quote, end a line.
_STAY, _LINK, _QUOTE, _BLOCK = range(4)

_COMBINATORS = re.compile(r"\s*[\s>+~]\s*")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")


class _Collector:
    """Text and links gathered for the post or for one quote.

    A plain slotted class rather than a dataclass with list factories: one is made for every
    post and quote, and most post bodies are so small that building it is a noticeable share of
    reading them.
    """

    __slots__ = (
        "author",
        "current",
        "depth",
        "hrefs",
        "images",
        "in_link",
        "lines",
        "post_native_id",
        "unlinked",
    )

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.author: str | None = None
        self.post_native_id: str | None = None
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.unlinked: list[str] = []
        self.in_link = 0

    def add_text(self, text: str) -> None:
        self.current.append(text)
        self.unlinked.append("\n" if self.in_link else text)

    def break_line(self) -> None:
        current = self.current
        if current:
            line = " ".join("".join(current).split())  # clean_line, inlined: called per block
            if line:
                self.lines.append(line)
            current.clear()
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
        bare = find_bare_urls("".join(self.unlinked))
        if not bare:
            return tuple(links)
        known = set(links)
        for url in bare:
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


_EMPTY = Content(text="", links=(), quotes=())


class _Marks:
    """Which nodes of one post body match each content selector.

    A selector alternative that is a single compound (``cite``, ``img.smilies``, ``.x``) is
    matched in Python on the node itself; others (``.codebox > p``) run as a CSS query on the
    body, once, and only after an element with a tag they can match turns up. Most posts never
    need a query.
    """

    __slots__ = ("_body", "_found", "_specs", "tags")

    EXCLUDED, QUOTE, EMOJI, IMAGES, ENGINE_LINKS = range(5)

    def __init__(self, body: LexborNode, specs: _SpecSet) -> None:
        self._body = body
        self._specs = specs.specs
        self.tags = specs.tags
        """Per kind: the tags a marked node can have, or None when any tag can match."""
        self._found: list[frozenset[int] | None] = [None, None, None, None, None]

    def has(self, which: int, node: LexborNode, tag: str) -> bool:
        spec = self._specs[which]
        if spec.tags is not None and tag not in spec.tags:
            return False
        if spec.simple:
            classes: frozenset[str] | None = None
            for wanted_tag, wanted_classes in spec.simple:
                if wanted_tag is not None and wanted_tag != tag:
                    continue
                if not wanted_classes:
                    return True
                if classes is None:
                    classes = frozenset((node.attrs.get("class") or "").split())
                if wanted_classes <= classes:
                    return True
        if spec.complex and (spec.complex_tags is None or tag in spec.complex_tags):
            found = self._found[which]
            if found is None:
                found = frozenset(match.mem_id for match in all_matches(self._body, spec.complex))
                self._found[which] = found
            return node.mem_id in found
        return False


@dataclass(frozen=True, slots=True)
class _Spec:
    """A content selector split into simple compounds and a CSS rest."""

    tags: frozenset[str] | None
    simple: tuple[tuple[str | None, frozenset[str]], ...]
    complex: str
    complex_tags: frozenset[str] | None


_SIMPLE = re.compile(r"^([a-zA-Z][a-zA-Z0-9-]*)?((?:\.[\w-]+)*)$")


@dataclass(frozen=True, slots=True)
class _SpecSet:
    """The specs of each kind of marked node, in ``_Marks`` order, and the tags each allows."""

    specs: tuple[_Spec, ...]
    tags: tuple[frozenset[str] | None, ...]


_SPECS: dict[int, tuple[ContentSelectors, _SpecSet]] = {}


def _specs(selectors: ContentSelectors) -> _SpecSet:
    """The specs of each kind of marked node, in ``_Marks`` order (cached per object).

    Keyed by identity: hashing the nested frozen dataclass on every post costs more than
    reading the post.
    """
    cached = _SPECS.get(id(selectors))
    if cached is not None and cached[0] is selectors:
        return cached[1]
    specs = tuple(
        _spec(selector or "")
        for selector in (
            selectors.excluded,
            selectors.quote,
            selectors.emoji,
            selectors.images,
            selectors.engine_links,
        )
    )
    if len(_SPECS) > 256:
        _SPECS.clear()
    spec_set = _SpecSet(specs, tuple(spec.tags for spec in specs))
    _SPECS[id(selectors)] = (selectors, spec_set)
    return spec_set


def _spec(selector: str) -> _Spec:
    simple: list[tuple[str | None, frozenset[str]]] = []
    rest: list[str] = []
    alternatives = [a.strip() for a in selector.split(",")] if "(" not in selector else []
    if "(" in selector:
        rest.append(selector)
    for alternative in alternatives:
        if not alternative:
            continue
        match = _SIMPLE.match(alternative)
        if match is None or not (match.group(1) or match.group(2)):
            rest.append(alternative)
            continue
        tag = match.group(1).lower() if match.group(1) else None
        classes = frozenset(c for c in match.group(2).split(".") if c)
        simple.append((tag, classes))
    complex_selector = ", ".join(rest)
    complex_tags = _candidate_tags(complex_selector) if complex_selector else frozenset()
    simple_tags: set[str] | None = {t for t, _ in simple if t is not None}
    if any(t is None for t, _ in simple):
        simple_tags = None
    tags: frozenset[str] | None
    if simple_tags is None or complex_tags is None:
        tags = None
    else:
        tags = frozenset(simple_tags | complex_tags)
    return _Spec(tags, tuple(simple), complex_selector, complex_tags)


@lru_cache(maxsize=256)
def _candidate_tags(selector: str) -> frozenset[str] | None:
    """Tags the selector's subjects can have, or None when it does not say (``.signature``)."""
    if "(" in selector:
        return None
    tags: set[str] = set()
    for alternative in selector.split(","):
        subject = _COMBINATORS.split(alternative.strip())[-1]
        match = _TAG_NAME.match(subject)
        if match is None:
            return None
        tags.add(match.group(0).lower())
    return frozenset(tags)


def read_content(
    page: Page,
    body: LexborNode,
    selectors: ContentSelectors,
    post_native_id: str | None = None,
) -> Content:
    """Read a post body node; problems (too many quotes) are recorded on ``page``.

    The content selectors are matched against the body's descendants.
    """
    node = body.first_child
    if node is None:
        return _EMPTY
    if node.next is None and node.tag == "-text":
        # Most bodies (short replies) are one run of text: nothing to walk, mark or collect.
        text = node.text_content or ""
        bare = find_bare_urls(text)
        return Content(" ".join(text.split()), tuple(dict.fromkeys(bare)) if bare else (), ())
    marks = _Marks(body, _specs(selectors))
    # Tags each kind of mark can have (None: any tag), so that most elements are told apart
    # by a set lookup instead of a call.
    excluded_tags = marks.tags[_Marks.EXCLUDED]
    quote_tags = marks.tags[_Marks.QUOTE]
    engine_link_tags = marks.tags[_Marks.ENGINE_LINKS]
    base_url = page.url
    root = collector = _Collector(0)
    quotes: list[_Collector] = []
    collectors = [root]  # the post, then each quote we are inside, innermost last
    # The children still to read of each element the walk is inside, with what leaving that
    # element does; an explicit stack, so that no nesting depth exhausts Python's.
    stack: list[tuple[Iterator[LexborNode], int]] = [(body.iter(include_text=True), _STAY)]
    while stack:
        children, leaving = stack[-1]
        for node in children:
            # One ``tag`` read tells text ("-text"), other non-elements ("-comment", None) and
            # elements apart; element names never start with "-".
            tag = node.tag
            if tag == "-text":
                text = node.text_content or ""
                collector.current.append(text)
                collector.unlinked.append("\n" if collector.in_link else text)
                continue
            if not ((tag is not None and tag[0] != "-") or (tag is None and node.is_element_node)):
                continue
            tag = tag or ""
            if tag in SKIPPED_TAGS or (
                (excluded_tags is None or tag in excluded_tags)
                and marks.has(_Marks.EXCLUDED, node, tag)
            ):
                if tag in BLOCK_TAGS:
                    collector.break_line()
            elif tag == "br":
                collector.break_line()
            elif tag == "img":
                _read_image(node, collector, marks, base_url)
            elif tag == "pre":
                collector.add_preformatted(node.text(deep=True))
            elif (quote_tags is None or tag in quote_tags) and marks.has(_Marks.QUOTE, node, tag):
                collector.break_line()
                if len(quotes) < MAX_QUOTES:
                    quote = _Collector(len(collectors))
                    quote.author, quote.post_native_id = _quote_header(node, selectors, marks)
                    quotes.append(quote)
                    collectors.append(quote)
                    collector = quote
                    # (A link taken for a quote is left as a link, as it always was.)
                    stack.append((node.iter(include_text=True), _LINK if tag == "a" else _QUOTE))
                    break
                if len(quotes) == MAX_QUOTES:
                    page.problem(
                        "quotes", "too many quotes; the rest were dropped", "", post_native_id
                    )
                    quotes.append(_Collector(-1))
            elif tag == "a":
                if (engine_link_tags is not None and tag not in engine_link_tags) or not (
                    marks.has(_Marks.ENGINE_LINKS, node, tag)
                ):
                    url = absolute_url(node.attrs.get("href"), base_url)
                    if url is not None:
                        collector.hrefs.append(url)
                collector.in_link += 1
                stack.append((node.iter(include_text=True), _LINK))
                break
            else:
                if tag in BLOCK_TAGS:
                    collector.break_line()
                    stack.append((node.iter(include_text=True), _BLOCK))
                else:
                    stack.append((node.iter(include_text=True), _STAY))
                break
        else:  # every child read: leave the element
            stack.pop()
            if leaving == _LINK:
                collector.in_link -= 1
            elif leaving == _QUOTE:
                collectors.pop()
                collector = collectors[-1]
                collector.break_line()
            elif leaving == _BLOCK:
                collector.break_line()
    text = root.text()
    if not quotes:  # most posts: no quotes to build
        return Content(text, root.links(), ())
    return Content(
        text=text,
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


def _read_image(node: LexborNode, collector: _Collector, marks: _Marks, base_url: str) -> None:
    if marks.has(_Marks.EMOJI, node, "img"):
        collector.add_text(node.attrs.get("alt") or "")
    elif marks.has(_Marks.IMAGES, node, "img"):
        url = absolute_url(node.attrs.get("src"), base_url)
        if url is not None:
            collector.images.append(url)


def _quote_header(
    quote: LexborNode, selectors: ContentSelectors, marks: _Marks
) -> tuple[str | None, str | None]:
    """Return (author, quoted post id) from a quote block's own header."""
    cite = _own_cite(quote, selectors, marks)
    author: str | None = None
    post_id: str | None = None
    in_block = selectors.quote_author_in_block
    if in_block.attribute or in_block.css:
        author = pick(quote, in_block)
    if cite is not None and author is None:
        author = pick(cite, selectors.quote_author) if selectors.quote_author.css else None
        if author is None:
            author = _author_from_header(cite, selectors)
    if cite is not None:
        post_id = pick(cite, selectors.quote_post_id) if selectors.quote_post_id.css else None
    if post_id is None and (
        selectors.quote_post_id_fallback.attribute or selectors.quote_post_id_fallback.css
    ):
        post_id = pick(quote, selectors.quote_post_id_fallback)
    return author, post_id


def _own_cite(quote: LexborNode, selectors: ContentSelectors, marks: _Marks) -> LexborNode | None:
    """The first header inside ``quote`` whose nearest enclosing quote is ``quote`` itself."""
    cite = first_match(quote, selectors.quote_cite)
    if cite is None:
        return None
    parent = cite.parent
    while parent is not None and not marks.has(_Marks.QUOTE, parent, parent.tag or ""):
        parent = parent.parent
    return cite if parent is not None and parent.mem_id == quote.mem_id else None


def _author_from_header(cite: LexborNode, selectors: ContentSelectors) -> str | None:
    """The name in a header without a profile link: its text minus noise and "wrote:"."""
    text = node_text(cite)
    for node in all_matches(cite, selectors.quote_cite_noise) if selectors.quote_cite_noise else []:
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
