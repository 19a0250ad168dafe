"""Read a pagination block into the page number, the page count and every page's URL.

Engines show only a window of page links ("1 … 4 5 6 … 20"), so the URLs of all pages are
computed: from the largest page number shown, and, when the page parameter counts items
(phpBB's ``start=20``), from the page size found in any link (``start / (number - 1)``) or in
the current URL. The block's words are never read, so any UI language works.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from forumwatch.models import Pagination
from forumwatch.parse.base import Page, all_matches, first_match, node_text
from forumwatch.parse.selectors import PageSelectors
from forumwatch.parse.text import absolute_url, canonical_url, query_param, set_query_param

MAX_PAGES = 10_000
"""Most page URLs listed for one thread or section (a hostile page may claim billions)."""


def _number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def read_pagination(page: Page, selectors: PageSelectors, block: LexborNode | None) -> Pagination:
    """Read the pagination ``block`` of ``page`` (None: a single page)."""
    drop = selectors.drop_params
    param = selectors.page_param
    here = canonical_url(page.url, drop)
    links: dict[int, str] = {}
    current: int | None = None
    claimed = 1
    if block is not None:
        for link in all_matches(block, selectors.pagination_links):
            number = _number(node_text(link))
            url = absolute_url(link.attrs.get("href"), page.url)
            if number is not None and number > 0 and url is not None:
                links.setdefault(number, canonical_url(url, drop))
        if selectors.pagination_current:
            current_node = first_match(block, selectors.pagination_current)
            if current_node is not None:
                current = _number(node_text(current_node))
        if not links and current is None and selectors.pagination_fallback_numbers:
            shown = [
                number
                for number in (
                    _number(node_text(node))
                    for node in all_matches(block, selectors.pagination_fallback_numbers)
                )
                if number is not None and number > 0
            ]
            if shown:
                current, claimed = shown[0], max(shown)
    per_page = _page_size(links, here, current, param) if selectors.page_param_is_offset else None
    if current is None:
        current = _current_from_url(here, param, per_page, selectors.page_param_is_offset)
    pages = max([current, claimed, *links])
    if pages > MAX_PAGES:
        page.problem("pagination", f"more than {MAX_PAGES} pages claimed", str(pages))
        pages = MAX_PAGES
        current = min(current, pages)
    template = next((url for url in links.values() if query_param(url, param)), here)

    def url_of(number: int) -> str | None:
        if number == 1:
            return set_query_param(template, param, None)
        if not selectors.page_param_is_offset:
            return set_query_param(template, param, str(number))
        if per_page is not None:
            return set_query_param(template, param, str((number - 1) * per_page))
        return here if number == current else links.get(number)

    urls = [url_of(number) for number in range(1, pages + 1)]
    if any(url is None for url in urls):
        page.problem("pagination", "page size unknown; only the linked pages are listed", here)
    return Pagination(
        page=current,
        pages=pages,
        page_urls=tuple(url for url in urls if url is not None),
        per_page=per_page,
    )


def _page_size(links: dict[int, str], here: str, current: int | None, param: str) -> int | None:
    candidates = [(number, url) for number, url in links.items() if number > 1]
    if current is not None and current > 1:
        candidates.append((current, here))
    for number, url in candidates:
        offset = _number(query_param(url, param) or "")
        if offset:
            return max(1, offset // (number - 1))
    return None


def _current_from_url(here: str, param: str, per_page: int | None, is_offset: bool) -> int:
    value = _number(query_param(here, param) or "")
    if value is None:
        return 1
    if not is_offset:
        return max(1, value)
    if per_page:
        return value // per_page + 1
    return 1


def item_offset(page: Page, selectors: PageSelectors, pagination: Pagination) -> int | None:
    """Number of items (posts) before this page, for post positions; None when unknown."""
    if selectors.page_param_is_offset:
        value = _number(query_param(page.url, selectors.page_param) or "")
        if value is not None:
            return value
    if pagination.page == 1:
        return 0
    if pagination.per_page:
        return (pagination.page - 1) * pagination.per_page
    return None
