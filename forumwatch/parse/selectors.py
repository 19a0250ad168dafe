"""Selectors as data: where a board engine puts each field, apart from the logic that reads it.

An engine parser (or a TOML site profile for a custom theme) is a :class:`BoardSelectors`
value; :class:`forumwatch.parse.board.BoardParser` reads any board laid out as forums with
threads and posts from it. All selectors are CSS (Lexbor dialect: ``:has()``, attribute
substrings ``[class*=...]`` work). A :class:`Pick` names a value inside a node: which
descendant, which attribute, and a regular expression whose first group is the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from forumwatch.errors import ConfigError
from forumwatch.models import PageKind


@dataclass(frozen=True, slots=True)
class Pick:
    """Where one value sits relative to a node.

    Attributes:
        css: descendant selector, or None for the node itself (the first match is used).
        attribute: attribute to read, or None for the node's text.
        pattern: regular expression applied to that value; its first group is the result.
    """

    css: str | None = None
    attribute: str | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class PageSelectors:
    """Page-wide landmarks.

    Attributes:
        kind_rules: (kind, selector) pairs tried in order; the first selector found decides.
        kind_url_rules: (kind, regular expression on the URL) pairs, the fallback.
        board_title: the board's name.
        timezone: element whose ``title`` attribute (or text) names the board's timezone.
        breadcrumbs: the breadcrumb trail (scope of ``breadcrumb_links``), or None.
        breadcrumb_links: items of the breadcrumb trail, outermost first.
        breadcrumb_id: the section id of a breadcrumb item (alternatives tried in order).
        section_id: the section id in a section link (breadcrumbs, rows, headers).
        thread_link: the thread's own link at the top of a thread page.
        thread_id: the thread id in a thread link.
        post_id_in_url: the post id in a post permalink.
        user_id: the member id in a profile link.
        toolbar: the first bar above the posts/threads; when set, ``thread_locked``,
            ``pagination`` and ``item_count`` are looked up inside it (faster, and ignores
            look-alikes further down the page).
        thread_locked: found on a thread page when the thread is locked.
        thread_prefix: native thread prefixes/labels shown in the thread's title on a thread
            page; their text is read as tags and left out of the title.
        pagination: the page's pagination block (the first match is used).
        pagination_current: the current page number inside the block.
        pagination_links: links to other pages inside the block (their text is the number).
        pagination_fallback_numbers: "Page N of M" numbers when there are no links.
        item_count: the element whose first number is the total of posts/threads listed.
        page_param: query parameter that selects a page.
        page_param_is_offset: True when it counts items (phpBB ``start=20``), not pages.
        drop_params: query parameters removed from crawl links (session ids).
    """

    kind_rules: tuple[tuple[PageKind, str], ...] = ()
    kind_url_rules: tuple[tuple[PageKind, str], ...] = ()
    board_title: str = "title"
    timezone: str | None = None
    breadcrumbs: str | None = None
    breadcrumb_links: str = ""
    breadcrumb_id: tuple[Pick, ...] = ()
    section_id: Pick = field(default_factory=Pick)
    thread_link: str = ""
    thread_id: Pick = field(default_factory=Pick)
    post_id_in_url: Pick = field(default_factory=Pick)
    user_id: Pick = field(default_factory=Pick)
    toolbar: str | None = None
    thread_locked: str | None = None
    thread_prefix: str | None = None
    pagination: str = ""
    pagination_current: str = ""
    pagination_links: str = "a"
    pagination_fallback_numbers: str | None = None
    item_count: str | None = None
    page_param: str = "page"
    page_param_is_offset: bool = False
    drop_params: tuple[str, ...] = ()

    @property
    def crawl_drop_params(self) -> tuple[str, ...]:
        """Parameters dropped from links to a thread's or section's first page."""
        return (*self.drop_params, self.page_param)


@dataclass(frozen=True, slots=True)
class PostSelectors:
    """One post on a thread page (selectors inside ``container`` unless said otherwise).

    Attributes:
        container: each post (a page-wide selector).
        native_id: the post id, read from the container.
        native_id_fallback: where else the post id may be (a permalink).
        author: the author's name element; a link to the profile when there is one.
        author_fallback: where the name is when ``author`` is missing (guests).
        time: the post time element (``datetime`` attribute preferred, else its text).
        time_fallback: an element whose text contains the time when ``time`` is missing.
        title: the post's subject line.
        content: the post body.
        edit_notice: the "last edited by" notice.
        edit_by: the editor's name inside the notice.
        edit_reason: the edit reason inside the notice.
    """

    container: str = ""
    native_id: Pick = field(default_factory=Pick)
    native_id_fallback: Pick = field(default_factory=Pick)
    author: str = ""
    author_fallback: str | None = None
    time: str = "time"
    time_fallback: str | None = None
    title: str | None = None
    content: str = ""
    edit_notice: str | None = None
    edit_by: str | None = None
    edit_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ContentSelectors:
    """Inside a post body (all page-wide selectors, matched against the post body's nodes).

    Attributes:
        quote: a quote block.
        quote_cite: the quote's header (who wrote it); excluded from text.
        quote_author: the quoted member's name inside the header.
        quote_cite_noise: parts of the header that are not the name (dates, arrows).
        quote_post_id: the quoted post's id inside the header.
        quote_post_id_fallback: the quoted post's id read from the quote block itself.
        quote_author_in_block: the quoted member's name read from the quote block itself (an
            attribute such as ``data-username``); tried before the header.
        excluded: engine chrome that is not the author's text (code box headers, signatures).
        emoji: images that stand for a character (their ``alt`` is the text).
        images: posted images (their ``src`` is a link).
        engine_links: links the engine adds (mentions); not the author's links.
        wrote_phrases: localized "X wrote:" endings stripped from a header without a link.
    """

    quote: str = "blockquote"
    quote_cite: str = "cite"
    quote_author: Pick = field(default_factory=Pick)
    quote_cite_noise: str | None = None
    quote_post_id: Pick = field(default_factory=Pick)
    quote_post_id_fallback: Pick = field(default_factory=Pick)
    quote_author_in_block: Pick = field(default_factory=Pick)
    excluded: str = "script, style, template"
    emoji: str | None = None
    images: str | None = None
    engine_links: str | None = None
    wrote_phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListingSelectors:
    """Thread rows of a section listing (selectors inside ``row`` unless said otherwise).

    Attributes:
        section_link: the listed section's own link/title (page-wide).
        row: each thread row (page-wide).
        link: the thread's title link.
        author: the thread starter's name.
        first_post_time: when the thread was started.
        replies: the element whose first number is the reply count.
        last_post_time: the time of the last post.
        sticky: matched against the row and its descendants: the thread is pinned.
        locked: matched against the row and its descendants: the thread is closed.
        prefix: native thread prefixes/labels in the row (not part of the title link); their
            text is read as tags.
    """

    section_link: str = ""
    row: str = ""
    link: str = ""
    author: str | None = None
    first_post_time: str | None = None
    replies: str | None = None
    last_post_time: str | None = None
    sticky: str | None = None
    locked: str | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class SectionSelectors:
    """Section rows of a board index or of a listing's sub-sections.

    Attributes:
        group: a category block (page-wide); its header link is the category.
        group_link: the category link inside the block.
        row: each section row (inside a group, or page-wide when there are no groups).
        link: the section's title link inside a row.
        thread_count: the element whose first number counts threads.
        post_count: the element whose first number counts posts.
        last_post_time: the time of the section's last post.
        subsection_link: links to sub-sections listed inside a row.
    """

    group: str | None = None
    group_link: str | None = None
    row: str = ""
    link: str = ""
    thread_count: str | None = None
    post_count: str | None = None
    last_post_time: str | None = None
    subsection_link: str | None = None


@dataclass(frozen=True, slots=True)
class BoardSelectors:
    """Everything a :class:`~forumwatch.parse.board.BoardParser` needs to read one engine."""

    page: PageSelectors
    post: PostSelectors
    content: ContentSelectors
    listing: ListingSelectors
    sections: SectionSelectors


_NOT_SELECTORS = frozenset(("page_param", "drop_params", "wrote_phrases", "page_param_is_offset"))


def _checks(value: Any) -> list[tuple[str, str]]:
    """Every ("css", selector) and ("regex", pattern) pair inside a selectors value."""
    found: list[tuple[str, str]] = []
    if isinstance(value, tuple) and all(isinstance(item, Pick) for item in value):
        return [check for item in value for check in _checks(item)]
    if isinstance(value, Pick):
        if value.css:
            found.append(("css", value.css))
        if value.pattern:
            found.append(("regex", value.pattern))
        return found
    if not is_dataclass(value) or isinstance(value, type):
        return found
    for item in fields(value):
        member = getattr(value, item.name)
        if item.name in _NOT_SELECTORS:
            continue
        if item.name == "kind_rules":
            found.extend(("css", rule) for _, rule in member)
        elif item.name == "kind_url_rules":
            found.extend(("regex", rule) for _, rule in member)
        elif isinstance(member, str) and member:
            found.append(("css", member))
        else:
            found.extend(_checks(member))
    return found


def validate(selectors: BoardSelectors) -> None:
    """Check that every selector and pattern compiles (for profiles written by hand).

    Raises:
        ConfigError: naming the first selector or pattern that does not compile.
    """
    probe = LexborHTMLParser("<p></p>")
    for kind, text in _checks(selectors):
        try:
            if kind == "css":
                probe.css(text)
            else:
                re.compile(text)
        except (SelectolaxError, re.error) as error:
            raise ConfigError(f"invalid {kind} {text!r}: {error}") from error
