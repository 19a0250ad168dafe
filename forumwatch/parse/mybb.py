"""MyBB 1.8 with the default theme (and themes derived from it).

Structure, not words: fields are found by the default templates' classes and ids (``post_*``,
``mycode_*``, ``inline_row``), so any language pack parses the same way. Notes on the engine:

* dates follow the board's own PHP formats; the defaults (``m-d-Y`` and ``h:i A``) are assumed
  when the board's are not configured, since ``01-06-2020`` is ambiguous without them;
* recent times are relative ("17 minutes ago", "Yesterday, 02:50 AM"); the exact date is kept
  in the ``title`` of a ``<span>`` and is preferred;
* thread prefixes are native: titles are shown without them and the prefix becomes a tag;
* categories are forums (``fid``) too: the first forum in the breadcrumb trail is the category,
  which the ground truth (and MyBB's own forum list) does not count as a parent forum;
* a post's subject is only in the ``title`` of its ``#N`` permalink (horizontal postbit);
* quote headers read ``(date) author Wrote:`` with a jump link to the quoted post;
* SEO URLs (``thread-2.html``, ``forum-4.html``) are read as well as ``showthread.php?tid=2``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import Edit, PageKind, Quote, Section, Thread
from forumwatch.parse.base import Page, all_matches, node_text
from forumwatch.parse.board import BoardParser, PostNodes
from forumwatch.parse.detection import marker_score
from forumwatch.parse.phpbb import PHPBB_SELECTORS
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)
from forumwatch.parse.shown import shown_time, without_label
from forumwatch.parse.text import title_tags

DEFAULT_DATE_FORMATS = ("m-d-Y, h:i A", "m-d-Y")
"""MyBB's default date and time formats, assumed when a board's own are not configured."""

_FORUM_ID = r"(?:[?&]fid=|forum-)(\d+)"
_THREAD_ID = r"(?:[?&]tid=|thread-)(\d+)"
_SECTION_ROW_LINK = "td > strong > a"

MYBB_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "#posts div.post"),
            (PageKind.LISTING, "tr.inline_row"),
            (PageKind.INDEX, "img.expander[id^='cat_']"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"showthread\.php|/thread-\d+"),
            (PageKind.LISTING, r"forumdisplay\.php|/forum-\d+"),
            (PageKind.INDEX, r"(?:index\.php|/)(?:\?|$)"),
        ),
        board_title="title",
        breadcrumbs=".navigation",
        breadcrumb_links="a",
        breadcrumb_id=(Pick(None, "href", _FORUM_ID),),
        section_id=Pick(None, "href", _FORUM_ID),
        thread_link=".navigation span.active",
        thread_id=Pick(None, "href", _THREAD_ID),
        post_id_in_url=Pick(None, "href", r"(?:[?&]pid=|post-)(\d+)"),
        user_id=Pick(None, "href", r"(?:[?&]uid=|user-)(\d+)"),
        thread_locked="a.closed_button",
        pagination="div.pagination:not(.pagination_breadcrumb)",
        pagination_current="span.pagination_current",
        pagination_links="a",
        page_param="page",
    ),
    post=PostSelectors(
        container="#posts div.post",
        native_id=Pick(None, "id", r"^post_(\d+)$"),
        native_id_fallback=Pick("div.post_body", "id", r"^pid_(\d+)$"),
        author=".author_information .largetext a",
        author_fallback=".author_information .largetext",
        time="span.post_date",
        content="div.post_body",
        edit_notice="span.edited_post",
        edit_by="a",
        edit_reason="em",
    ),
    content=ContentSelectors(
        quote="blockquote.mycode_quote",
        quote_cite="cite",
        quote_cite_noise="span, a.quick_jump",
        quote_post_id=Pick("a.quick_jump", "href", r"(?:[?&]pid=|post-)(\d+)"),
        excluded="cite, div.codeblock > div.title, div.signature, div.post_meta",
        emoji="img.smilie",
        images="img.mycode_img",
        wrote_phrases=PHPBB_SELECTORS.content.wrote_phrases,
    ),
    listing=ListingSelectors(
        section_link=".navigation span.active",
        row="tr.inline_row",
        link="span[id^='tid_'] a",
        author="span.author a",
        first_post_time="span.thread_start_datetime",
        replies="a[href*='whoposted']",
        last_post_time="span.lastpost",
        sticky="td.forumdisplay_sticky",
        locked="span.thread_status[class*='close']",
    ),
    sections=SectionSelectors(
        group="table.tborder:has(img.expander)",
        group_link="td.thead strong a",
        row=f"tr:has(> {_SECTION_ROW_LINK})",
        link=_SECTION_ROW_LINK,
        thread_count="td:nth-child(3)",
        post_count="td:nth-child(4)",
        last_post_time="td:nth-child(5) span.smalltext",
        subsection_link="div.smalltext a[href*='fid='], div.smalltext a[href*='forum-']",
    ),
)

_PREFIX = "span.thread-prefix"
_PERMALINK = "div.post_head a[title]"

QUOTE_LABELS = frozenset(
    (
        "quote", "zitat", "цитата", "cita", "citaat", "alıntı", "citation", "citazione",
        "citação", "cytat", "idézet", "citát", "lainaus", "sitat", "citat",
    )
)  # fmt: skip
"""The header of a quote without an author in MyBB's language packs (not an author name)."""

_MARKERS: tuple[tuple[str, float], ...] = (
    ('href="https://mybb.com"', 0.3),
    ("<!-- start: ", 0.2),
    ("jscripts/general.js", 0.15),
    ("var my_post_key", 0.15),
    ('class="post_author"', 0.1),
    ('class="inline_row"', 0.1),
    ("MyBB.", 0.1),
    ('class="tborder', 0.05),
    ("cache/themes/theme", 0.05),
)
_URLS = re.compile(r"(?:showthread|forumdisplay|member|misc)\.php|/(?:thread|forum)-\d+")
_EDIT_NOTICE = frozenset(("post_edit",))


class MybbParser(BoardParser):
    """MyBB 1.8, default theme."""

    name: ClassVar[str] = "mybb"
    selectors: ClassVar[BoardSelectors] = MYBB_SELECTORS
    extra_post_selectors: ClassVar[tuple[str, ...]] = (_PERMALINK,)

    def __init__(
        self,
        timezone: str = "UTC",
        date_formats: tuple[str, ...] = (),
        language: str | None = None,
    ) -> None:
        super().__init__(timezone, tuple(date_formats) or DEFAULT_DATE_FORMATS, language)

    def detect(self, html: str, url: str) -> float:
        """Score MyBB markers in the raw page: template comments, scripts, classes, links."""
        return marker_score(html, url, _MARKERS, _URLS)

    # --- engine specifics ----------------------------------------------------------------------

    def _thread_title(self, link: LexborNode | None) -> tuple[str, tuple[str, ...]]:
        return _title_and_prefixes(link)

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        thread = super()._thread_row(page, row, section_id)
        if thread is None:
            return None
        prefixes = tuple(_prefix_name(node) for node in row.css(_PREFIX))
        return replace(thread, tags=tuple(p for p in prefixes if p) or thread.tags)

    def _post_title_and_position(
        self, post: PostNodes, position: int | None
    ) -> tuple[str, int | None]:
        link = post.extra[0]  # the "#N" permalink (extra_post_selectors) holds both
        return _subject(link), _counter(link) or position

    def _post_quotes(self, quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
        if not any(_is_quote_label(quote.author) for quote in quotes):
            return quotes
        return tuple(
            replace(quote, author=None) if _is_quote_label(quote.author) else quote
            for quote in quotes
        )

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        edit = super()._edit(page, native_id, notice)
        if edit is None or not edit.reason:
            return edit
        # "<em>Edit Reason: typo</em>": the label is the language pack's, the rest the reason.
        return replace(edit, reason=without_label(edit.reason))

    def _breadcrumb_ids(self, page: Page) -> list[str]:
        # The first forum of the trail is a category, not a parent forum.
        return super()._breadcrumb_ids(page)[1:]

    def _listing_section(self, page: Page) -> Section | None:
        section = super()._listing_section(page)
        if section is None:
            return None
        title, _ = _title_and_prefixes(page.first(self.selectors.listing.section_link))
        return replace(section, title=title or section.title)

    def _time_text(self, node: LexborNode) -> str:
        return shown_time(node, _EDIT_NOTICE)


def _subject(link: LexborNode | None) -> str:
    """A post's subject: only the ``title`` of its "#N" permalink shows it."""
    return " ".join((link.attrs.get("title") or "").split()) if link is not None else ""


def _counter(node: LexborNode | None) -> int | None:
    """The post counter a permalink shows ("#11" gives 11)."""
    shown = node_text(node).lstrip("#")
    return int(shown) if shown.isdigit() and len(shown) < 10 else None


def _is_quote_label(author: str | None) -> bool:
    """True for the header of a quote without an author ("Quote:", "Zitat:", "Цитата:")."""
    return author is not None and author.casefold() in QUOTE_LABELS


def _prefix_name(node: LexborNode) -> str:
    return node_text(node).strip("[]【】 ")


def _title_and_prefixes(node: LexborNode | None) -> tuple[str, tuple[str, ...]]:
    """A title shown with prefix elements in front: the bare title, and the prefixes as tags."""
    if node is None:
        return "", ()
    prefixes = all_matches(node, _PREFIX)
    if not prefixes:
        title = node_text(node)
        return title, title_tags(title)
    skip = {prefix.mem_id for prefix in prefixes}
    parts = [
        child.text(deep=True) if child.tag != "-text" else child.text_content or ""
        for child in node.iter(include_text=True)
        if child.mem_id not in skip
    ]
    names = tuple(name for name in (_prefix_name(p) for p in prefixes) if name)
    return " ".join("".join(parts).split()), names
