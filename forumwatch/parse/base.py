"""The engine parser contract, and the safe loading of hostile pages.

Every engine module defines an :class:`EngineParser` subclass with a ``name``, a
:meth:`~EngineParser.detect` score and the ``_parse_*`` hooks. The public ``parse_*`` methods
wrap those hooks so that they never raise on bad input: a page that cannot be read at all gives
an empty result with a :class:`~forumwatch.models.ParseProblem`, and anything unreadable inside
a page (a date, an id) becomes a problem with the URL and a short snippet.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar, Protocol, TypeVar, cast

from selectolax.lexbor import (
    LexborCSSSelector,
    LexborDocumentOptions,
    LexborHTMLParser,
    LexborNode,
    SelectolaxError,
)

from forumwatch.models import (
    IndexPage,
    ListingPage,
    PageKind,
    ParsedPage,
    ParseProblem,
    Thread,
    ThreadPage,
)
from forumwatch.parse.dates import DateReader
from forumwatch.parse.guard import limit_nesting, needs_nesting_limit
from forumwatch.parse.selectors import Pick
from forumwatch.parse.text import snippet

MAX_PAGE_CHARS = 64 * 1024 * 1024
"""Pages longer than this (in characters) are cut before parsing, with a problem recorded."""

# Errors that malformed input could provoke deep inside a parser; caught at the public entry
# points so that no page stops a crawl. Anything else is a bug and propagates.
_INPUT_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
    UnicodeError,
    OverflowError,
    SelectolaxError,
)

_NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # page_kind() reads no dates
_WO_EVENTS = int(LexborDocumentOptions.WO_EVENTS)

_Result = TypeVar("_Result", IndexPage, ListingPage, ThreadPage)


class Page:
    """One page being parsed: its tree, where it came from, and the problems found so far.

    Args:
        html: the page as text (bytes are decoded as UTF-8 with replacement).
        url: the URL it was fetched from (the base for relative links).
        captured_at: when it was fetched; relative dates are resolved against it.
    """

    __slots__ = ("_firsts", "captured_at", "problems", "tree", "url")

    def __init__(self, html: str | bytes, url: str, captured_at: datetime) -> None:
        self.url = url
        self.captured_at = (
            captured_at.replace(tzinfo=UTC)
            if captured_at.tzinfo is None
            else captured_at.astimezone(UTC)
        )
        self.problems: list[ParseProblem] = []
        self._firsts: dict[object, LexborNode | None] = {}
        source: str | bytes = html
        if isinstance(html, bytes):
            source, html = _utf8_source(html)
        if len(html) > MAX_PAGE_CHARS:
            self.problem("page", f"page cut to {MAX_PAGE_CHARS} characters", f"{len(html)} chars")
            source = html = html[:MAX_PAGE_CHARS]
        if needs_nesting_limit(html):
            html, removed = limit_nesting(html)
            if removed:
                self.problem("page", "tags nested too deeply were dropped", f"{removed} tags")
                source = html
        # Without mutation events the tree keeps what the source said (and builds faster).
        self.tree = LexborHTMLParser(source, options=_WO_EVENTS)

    def problem(
        self, field: str, message: str, text: str = "", post_native_id: str | None = None
    ) -> None:
        """Record something that could not be read, with a short snippet of it."""
        self.problems.append(
            ParseProblem(
                field=field,
                message=message,
                url=self.url,
                snippet=snippet(text),
                post_native_id=post_native_id,
            )
        )

    def first(self, selector: str | None, scope: str | None = None) -> LexborNode | None:
        """The first node matching ``selector``, inside the first ``scope`` node if given.

        Looked up once per (scope, selector): a scope that sits early in the page saves a
        walk over the whole tree.
        """
        if not selector:
            return None
        key: object = (scope, selector) if scope else selector
        firsts = self._firsts
        if key in firsts:
            return firsts[key]
        found: LexborNode | None
        if scope:
            container = self.first(scope)
            found = first_match(container, selector) if container is not None else None
        else:
            root = self.tree.root
            found = first_match(root, selector) if root is not None else None
        firsts[key] = found
        return found

    def all(self, selector: str | None, scope: str | None = None) -> list[LexborNode]:
        """Every node matching ``selector``, inside the first ``scope`` node if given."""
        if not selector:
            return []
        if scope:
            container = self.first(scope)
            return all_matches(container, selector) if container is not None else []
        root = self.tree.root
        return all_matches(root, selector) if root is not None else []

    def matches(self, selector: str | None, scope: str | None = None) -> bool:
        """True when ``selector`` matches in the page (inside ``scope`` if given)."""
        return self.first(selector, scope) is not None


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS.setdefault(pattern, re.compile(pattern))
    return compiled


class _Selector(Protocol):
    """selectolax's CSS engine (its stub leaves out ``find_first``, a public method)."""

    def find(self, query: str, node: LexborNode) -> list[LexborNode]: ...

    def find_first(self, query: str, node: LexborNode) -> list[LexborNode]: ...


class _Engine(threading.local):
    """One CSS engine per thread: an engine holds a query's state while it runs."""

    def __init__(self) -> None:
        self.selector = cast(_Selector, LexborCSSSelector())  # type: ignore[no-untyped-call]


_ENGINE = _Engine()


def first_match(node: LexborNode, selector: str) -> LexborNode | None:
    """The first node matching ``selector`` in ``node``'s subtree (``node`` included), as
    ``node.css_first(selector)``.

    selectolax builds a CSS engine (a selector parser and a matcher, several allocations) for
    every document at its first query, and wraps each query in more Python-level work. The
    engine keeps nothing of a document between queries, so one per thread serves every page;
    trees here are whole documents, never fragments, so a query starts at the node itself.
    """
    found = _ENGINE.selector.find_first(selector, node)
    return found[0] if found else None


def all_matches(node: LexborNode, selector: str) -> list[LexborNode]:
    """Every node matching ``selector`` in ``node``'s subtree, as ``node.css(selector)``."""
    return _ENGINE.selector.find(selector, node)


def node_text(node: LexborNode | None) -> str:
    """The node's text with whitespace collapsed ("" for None)."""
    if node is None:
        return ""
    # Lexbor's own text content reads an element's text about three times faster than
    # ``text(deep=True)`` and gives the same string for elements (not for comments).
    text = node.text_lexbor() if node.is_element_node else node.text(deep=True)
    return " ".join(text.split())


def pick(node: LexborNode | None, rule: Pick | tuple[Pick, ...]) -> str | None:
    """Read the value that ``rule`` names inside ``node`` (None when it is not there).

    A tuple of rules is tried in order; the first value found wins.
    """
    if node is None:
        return None
    if isinstance(rule, tuple):
        for alternative in rule:
            value = _pick_one(node, alternative)
            if value is not None:
                return value
        return None
    return _pick_one(node, rule)


def _pick_one(node: LexborNode, rule: Pick) -> str | None:
    css = rule.css
    target = node if css is None else first_match(node, css)
    if target is None:
        return None
    attribute = rule.attribute
    value = node_text(target) if attribute is None else target.attrs.get(attribute)
    if value is None:
        return None
    pattern = rule.pattern
    if pattern is None:
        return value.strip() or None
    compiled = _PATTERNS.get(pattern) or _compiled(pattern)
    match = compiled.search(value)
    if match is None:
        return None
    return match.group(1) if compiled.groups else match.group(0)


def _utf8_source(html: bytes) -> tuple[str | bytes, str]:
    """What to hand Lexbor for a page given as bytes, and the page as text.

    Valid UTF-8 goes to Lexbor as it came: decoding it only to have the parser encode it again
    costs a copy of the page each way. Anything else is decoded with replacement characters
    first, as before.
    """
    try:
        return html, html.decode("utf-8")
    except UnicodeDecodeError:
        text = html.decode("utf-8", errors="replace")
        return text, text


class EngineParser(ABC):
    """Base of every engine parser.

    Args:
        timezone: the board's IANA timezone; pages show local times and rarely say which.
        date_formats: the board's date formats (PHP ``date()`` or ``strftime``), tried first.
        language: the board's UI language (ISO 639-1), a hint for parsers that need one.

    Raises:
        ConfigError: the timezone is unknown.
    """

    name: ClassVar[str] = ""

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        self.timezone = timezone
        self.date_formats = tuple(date_formats)
        self.language = language
        self.dates = DateReader(timezone, self.date_formats)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(timezone={self.timezone!r})"

    @abstractmethod
    def detect(self, html: str, url: str) -> float:
        """Return how confident (0..1) this parser is that ``html`` comes from its engine."""

    def page_kind(self, html: str, url: str) -> PageKind:
        """Return the role of the page (index, listing, thread or other)."""
        page = Page(html, url, _NO_TIME)
        try:
            return self._page_kind(page)
        except _INPUT_ERRORS:
            return PageKind.OTHER

    def parse(self, html: str, url: str, captured_at: datetime) -> ParsedPage:
        """Parse any page, choosing by its kind; a page of another kind gives an empty index.

        Never raises on bad input; see the ``parse_*`` methods.
        """
        page = Page(html, url, captured_at)
        try:
            kind = self._page_kind(page)
        except _INPUT_ERRORS:
            kind = PageKind.OTHER
        if kind is PageKind.THREAD:
            return self._safely(page, self._parse_thread, _empty_thread)
        if kind is PageKind.LISTING:
            return self._safely(page, self._parse_listing, _empty_listing)
        if kind is PageKind.OTHER:
            page.problem("page", "not an index, listing or thread page", url)
        return self._safely(page, self._parse_index, _empty_index)

    def parse_index(self, html: str, url: str, captured_at: datetime) -> IndexPage:
        """Parse a board index: its sections as a tree (parents by native id). Never raises."""
        return self._safely(Page(html, url, captured_at), self._parse_index, _empty_index)

    def parse_listing(self, html: str, url: str, captured_at: datetime) -> ListingPage:
        """Parse a section listing: threads, sub-sections, pagination. Never raises."""
        return self._safely(Page(html, url, captured_at), self._parse_listing, _empty_listing)

    def parse_thread(self, html: str, url: str, captured_at: datetime) -> ThreadPage:
        """Parse one page of a thread: the thread, its posts, pagination. Never raises."""
        return self._safely(Page(html, url, captured_at), self._parse_thread, _empty_thread)

    @staticmethod
    def _safely(
        page: Page,
        parse: Callable[[Page], _Result],
        empty: Callable[[str], _Result],
    ) -> _Result:
        result: _Result
        try:
            result = parse(page)
        except _INPUT_ERRORS as error:
            page.problem("page", f"page could not be parsed: {type(error).__name__}", str(error))
            result = empty(page.url)
        if not page.problems:
            return result
        return dataclasses.replace(result, problems=(*result.problems, *page.problems))

    @abstractmethod
    def _page_kind(self, page: Page) -> PageKind:
        """Return the role of a loaded page."""

    @abstractmethod
    def _parse_index(self, page: Page) -> IndexPage:
        """Parse a loaded board index; record problems on ``page``."""

    @abstractmethod
    def _parse_listing(self, page: Page) -> ListingPage:
        """Parse a loaded section listing; record problems on ``page``."""

    @abstractmethod
    def _parse_thread(self, page: Page) -> ThreadPage:
        """Parse a loaded thread page; record problems on ``page``."""


def _empty_index(url: str) -> IndexPage:
    return IndexPage(url=url)


def _empty_listing(url: str) -> ListingPage:
    return ListingPage(url=url)


def _empty_thread(url: str) -> ThreadPage:
    return ThreadPage(url=url, thread=Thread(native_id="", title="", url=url))
