"""Spirit 0.x (the Django forum) with its default theme.

Structure, not words: fields are found by the default templates' BEM classes (``comment__*``,
``topic__*``, ``paginator``), so any translation parses the same way. Notes on the engine:

* the site root lists the latest topics of every category, with the top categories in a menu:
  it is read as an index (the categories), and as a listing (the topics) by ``parse_listing``;
* sections are categories and sub-categories (``/category/9/seeds-bulbs/``); a category page's
  menu lists its sub-categories and, last, a link up to its parent (or to all categories);
* lists and posts show short natural times ("17m", "16 Aug '20"); the full local time is in
  the ``title`` attribute, in the board's timezone, which pages do not state: configure it;
* topic lists show the number of comments (replies + 1), not the starter or the first post;
* quotes are markdown with a first line "@author said:" (localised), whose mention link names
  the quoted member; auto-linked URLs show at most 30 characters;
* a comment's edits are only counted (a pencil with the number of edits): the editor and the
  time are on the history page, so an edited comment gets an :class:`Edit` without them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    Edit,
    ListingPage,
    PageKind,
    Pagination,
    Quote,
    Section,
    Thread,
)
from forumwatch.parse.base import Page, node_text, pick
from forumwatch.parse.board import BoardParser, PostNodes
from forumwatch.parse.detection import marker_score
from forumwatch.parse.pagination import MAX_PAGES
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)
from forumwatch.parse.shown import shown_time
from forumwatch.parse.text import canonical_url, set_query_param

_CATEGORY_ID = r"/category/(\d+)(?:/|$)"
_MENU_ITEMS = "ul.menu_list > li"

SPIRIT_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "div.comments_list div.js-comment"),
            (PageKind.INDEX, "div.menu__new_topic a[href$='/topic/publish/']"),
            (PageKind.LISTING, "div.layout__topics"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"/topic/\d+/"),
            (PageKind.LISTING, r"/category/\d+/|/topic/active/"),
            (PageKind.INDEX, r"^[a-z]+://[^/]+/?(?:[?#]|$)"),
        ),
        board_title="a.header__logo",
        breadcrumbs="ul.breadcrumb_nav",
        breadcrumb_links="li a",
        breadcrumb_id=(Pick(None, "href", _CATEGORY_ID),),
        section_id=Pick(None, "href", _CATEGORY_ID),
        thread_link="h1.headline",
        thread_id=Pick(None, "href", r"/topic/(\d+)(?:/|$)"),
        post_id_in_url=Pick(None, "href", r"/comment/(\d+)/"),
        user_id=Pick(None, "href", r"/user/(\d+)/"),
        thread_locked="h1.headline i.fa-lock",
        pagination="ul.paginator",
        pagination_current="li.paginator__button > span",
        pagination_links="li a",
        page_param="page",
    ),
    post=PostSelectors(
        container="div.comments_list__comment",
        native_id=Pick(None, "data-pk", r"^(\d+)$"),
        native_id_fallback=Pick("input.comment__footer__share__url", "value", r"/comment/(\d+)/"),
        author="a.comment__info__username__link",
        author_fallback="div.comment__info__username",
        time="ul.comment__info__date li[title]",
        content="div.comment__text",
        edit_notice="ul.comment__info__date a[href*='/comment/history/']",
    ),
    content=ContentSelectors(
        quote="blockquote",
        quote_cite="cite",
        excluded="cite, button",
        emoji="img.emoji",
        images="img",
        engine_links="a.comment-mention",
    ),
    listing=ListingSelectors(
        section_link="a.dropdown_button",
        row="div.layout__topics__topic",
        link="a.topic__link",
        replies="div.topic__comments",
        last_post_time="div.topic__date",
        sticky="div.topic__title i.fa-thumb-tack",
        locked="div.topic__title i.fa-lock",
    ),
    sections=SectionSelectors(
        # The last menu item links up (parent category or all categories), not down.
        row=f"{_MENU_ITEMS}:not(:last-child)",
        link="a.menu_list__link[href*='/category/']",
    ),
)

_MARKERS: tuple[tuple[str, float], ...] = (
    ('href="https://github.com/nitely/Spirit"', 0.35),
    ("spirit_wrapper", 0.2),
    ("stModules.", 0.15),
    ("comments_list__comment", 0.1),
    ("layout__topics__topic", 0.1),
    ('class="spirit"', 0.1),
    ("js-clickable-area", 0.05),
)
_URLS = re.compile(r"/(?:topic|category)/\d+/")
# "@alice said:" ("@alice a dit :", "@alice dijo:"): the first line of a markdown quote.
_SAID = re.compile(r"^@(\S{1,64})\s+[^\n:]{1,30}\s?:$")
_PAGE_OF = re.compile(r"(\d{1,9})\D+(\d{1,9})")


class SpiritParser(BoardParser):
    """Spirit 0.x, default theme."""

    name: ClassVar[str] = "spirit"
    selectors: ClassVar[BoardSelectors] = SPIRIT_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score Spirit markers in the raw page: its footer link, wrapper, scripts, classes."""
        return marker_score(html, url, _MARKERS, _URLS)

    def _post_quotes(self, quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
        return tuple(_attributed(quote) for quote in quotes) if quotes else quotes

    def _post_position(self, post: PostNodes, position: int | None) -> int | None:
        number = post.node.attrs.get("data-number") or ""  # the comment's place in the topic
        return int(number) if number.isdigit() and len(number) < 10 else position

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        # The page shows that (and how often) a comment was edited, not by whom or when.
        return None if notice is None else Edit()

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        thread = super()._thread_row(page, row, section_id)
        if thread is None:
            return None
        category = pick(row.css_first("div.topic__category a"), self.selectors.page.section_id)
        comments = thread.replies
        return replace(
            thread,
            section_native_id=category or section_id,
            replies=comments - 1 if comments else comments,
        )

    def _parse_listing(self, page: Page) -> ListingPage:
        listing = super()._parse_listing(page)
        if listing.section is None:  # the home page: its menu lists categories, not children
            return replace(listing, subsections=())
        return listing

    def _listing_section(self, page: Page) -> Section | None:
        if not re.search(_CATEGORY_ID, page.url):
            return None  # the latest topics of every category
        section = super()._listing_section(page)
        if section is None:
            return None
        up = page.first(f"{_MENU_ITEMS}:last-child a")
        return replace(section, parent_native_id=pick(up, self.selectors.page.section_id))

    def _pagination(self, page: Page) -> Pagination:
        block = page.first(self.selectors.page.pagination)
        shown = block.css_first("li.paginator__pages") if block is not None else None
        if shown is None:
            return super()._pagination(page)
        # Topic pages say "Page 2 of 3" with arrows instead of page numbers.
        numbers = _PAGE_OF.search(node_text(shown))
        if numbers is None:
            return super()._pagination(page)
        pages = max(1, min(int(numbers.group(2)), MAX_PAGES))
        current = max(1, min(int(numbers.group(1)), pages))
        param = self.selectors.page.page_param
        base = canonical_url(page.url, self.selectors.page.crawl_drop_params)
        urls = tuple(
            base if number == 1 else set_query_param(base, param, str(number))
            for number in range(1, pages + 1)
        )
        return Pagination(page=current, pages=pages, page_urls=urls)

    def _time_text(self, node: LexborNode) -> str:
        return shown_time(node)


def _attributed(quote: Quote) -> Quote:
    """A quote whose first line is "@author said:" gets that author; the line is dropped."""
    first, _, rest = quote.text.partition("\n")
    said = _SAID.match(first.strip())
    if said is None or quote.author is not None:
        return quote
    return replace(quote, author=said.group(1), text=rest.strip())
