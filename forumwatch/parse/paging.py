"""Pagination for engines whose page number sits in the URL path, not in a query parameter.

XenForo (``/threads/x.10/page-2``), vBulletin 5 (``/10-title/page2``), Invision Community
(``/topic/10-title/page/2/``) and SMF (``?topic=10.20``, an item offset glued to the id) all put
the page in a part of the URL that :mod:`forumwatch.parse.pagination` cannot set. Here a regular
expression names that part (its first group is the number); every page's URL is made by
replacing the group in the URL of a page that is linked. As there, the block's words are never
read, so any UI language works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from forumwatch.models import Pagination
from forumwatch.parse.base import Page, node_text
from forumwatch.parse.pagination import MAX_PAGES
from forumwatch.parse.selectors import PageSelectors
from forumwatch.parse.text import absolute_url, canonical_url


@dataclass(frozen=True, slots=True)
class PathPaging:
    """Where the page number sits in a page URL.

    Attributes:
        pattern: regular expression whose first group is the page number (or item offset).
        is_offset: True when the group counts items (SMF's ``topic=10.20``), not pages.
        first_page_suffix: when page 1 has no page part at all (``/page-2`` but no
            ``/page-1``), the text that the whole match is replaced by to make page 1's URL.
    """

    pattern: str
    is_offset: bool = False
    first_page_suffix: str | None = None


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def read_path_pagination(
    page: Page, selectors: PageSelectors, block: LexborNode | None, paging: PathPaging
) -> Pagination:
    """Read a pagination block whose links carry the page in their path (see the module)."""
    pattern = re.compile(paging.pattern)
    drop = selectors.drop_params
    here = canonical_url(page.url, drop)
    links: dict[int, str] = {}
    current: int | None = None
    if block is not None:
        for link in block.css(selectors.pagination_links):
            number = _number(node_text(link))
            url = absolute_url(link.attrs.get("href"), page.url)
            if number is not None and number > 0 and url is not None:
                links.setdefault(number, canonical_url(url, drop))
        if selectors.pagination_current:
            current_node = block.css_first(selectors.pagination_current)
            if current_node is not None:
                current = _number(node_text(current_node))
    per_page = _page_size(links, here, current, pattern) if paging.is_offset else None
    if current is None:
        current = _current_from_url(here, pattern, per_page, paging.is_offset)
    pages = max([current, *links])
    if pages > MAX_PAGES:
        page.problem("pagination", f"more than {MAX_PAGES} pages claimed", str(pages))
        pages = MAX_PAGES
        current = min(current, pages)
    template = next(
        (url for number, url in sorted(links.items()) if number > 1 and pattern.search(url)),
        here if pattern.search(here) else None,
    )

    def url_of(number: int) -> str | None:
        if number in links:
            return links[number]
        if number == current:
            return here
        if template is None:
            return None
        if number == 1 and paging.first_page_suffix is not None:
            return pattern.sub(paging.first_page_suffix, template, count=1)
        if paging.is_offset:
            if per_page is None:
                return None
            value = (number - 1) * per_page
        else:
            value = number
        match = pattern.search(template)
        if match is None:
            return None
        return template[: match.start(1)] + str(value) + template[match.end(1) :]

    urls = [url_of(number) for number in range(1, pages + 1)]
    if any(url is None for url in urls):
        page.problem("pagination", "page URLs unknown; only the linked pages are listed", here)
    return Pagination(
        page=current,
        pages=pages,
        page_urls=tuple(url for url in urls if url is not None),
        per_page=per_page,
    )


def _page_size(
    links: dict[int, str], here: str, current: int | None, pattern: re.Pattern[str]
) -> int | None:
    candidates = [(number, url) for number, url in links.items() if number > 1]
    if current is not None and current > 1:
        candidates.append((current, here))
    for number, url in candidates:
        match = pattern.search(url)
        offset = _number(match.group(1)) if match else None
        if offset:
            return max(1, offset // (number - 1))
    return None


def _current_from_url(
    here: str, pattern: re.Pattern[str], per_page: int | None, is_offset: bool
) -> int:
    match = pattern.search(here)
    value = _number(match.group(1)) if match else None
    if value is None:
        return 1
    if not is_offset:
        return max(1, value)
    return value // per_page + 1 if per_page else 1
