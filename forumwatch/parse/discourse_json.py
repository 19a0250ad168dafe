"""Discourse's JSON API read into the same models as its HTML: topics, topic lists, categories.

``/t/{id}.json`` (a topic page: ``post_stream.posts``), ``/latest.json`` and
``/c/{slug}/{id}.json`` (``topic_list.topics``) and ``/categories.json`` (``category_list``).
Each post's ``cooked`` HTML is read with the same content rules as the crawler HTML, so quotes,
links and text come out identical on both paths. Post ids are ``<topic id>/<post number>``
because the crawler HTML shows only post numbers; both paths then store the same post once.

A body that is not the expected JSON gives an empty result with a parse problem; nothing raises.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from forumwatch.models import (
    Author,
    IndexPage,
    ListingPage,
    Pagination,
    Post,
    Quote,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import Page
from forumwatch.parse.content import read_content
from forumwatch.parse.dates import DateReader
from forumwatch.parse.selectors import ContentSelectors
from forumwatch.parse.text import absolute_url, query_param, set_query_param

MAX_ITEMS = 10_000
"""Most posts, topics or categories read from one body (a hostile body may list millions)."""


def looks_like_json(text: str) -> bool:
    """True when a body is a JSON object (Discourse API responses are)."""
    return text.lstrip()[:1] == "{"


def load(page: Page, text: str) -> Mapping[str, Any]:
    """The JSON object in ``text``, or an empty mapping with a problem on ``page``."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        page.problem("page", f"JSON not readable: {type(error).__name__}", text[:200])
        return {}
    if not isinstance(value, dict):
        page.problem("page", "JSON body is not an object", text[:200])
        return {}
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value[:MAX_ITEMS] if isinstance(item, dict)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _page_number(url: str, first: int) -> int:
    value = query_param(url, "page") or ""
    return int(value) - first + 1 if value.isdigit() and len(value) < 7 else 1


def read_topic(
    page: Page,
    body: Mapping[str, Any],
    dates: DateReader,
    content: ContentSelectors,
    fragment: Callable[[Page, str], Page],
) -> ThreadPage:
    """Read ``/t/{id}.json``; ``fragment`` loads a post's cooked HTML as a page of its own."""
    topic_id = _int(body.get("id"))
    if topic_id is None:
        page.problem("thread", "topic id not found", page.url)
    slug = _text(body.get("slug")) or "topic"
    thread_url = absolute_url(f"/t/{slug}/{topic_id}", page.url) or page.url
    posts: list[Post] = []
    for item in _items(_mapping(body.get("post_stream")).get("posts")):
        number = _int(item.get("post_number"))
        if number is None or topic_id is None:
            page.problem("post", "post without a number was skipped", str(item)[:200])
            continue
        native_id = f"{topic_id}/{number}"
        html = fragment(page, _text(item.get("cooked")))
        node = html.tree.body
        parsed = read_content(html, node, content, native_id) if node is not None else None
        page.problems.extend(html.problems)
        quotes: tuple[Quote, ...] = ()
        if parsed is not None and node is not None:
            asides = node.css(content.quote)
            quotes = tuple(
                quote_with_topic(quote, aside.attrs.get("data-topic"), str(topic_id))
                for quote, aside in zip(parsed.quotes, asides, strict=False)
            )
            quotes += parsed.quotes[len(quotes) :]
        username = _text(item.get("username"))
        posted_at = dates.read_iso(_text(item.get("created_at")))
        if posted_at is None:
            page.problem(
                "posted_at", "post time not readable", str(item.get("created_at")), native_id
            )
        posts.append(
            Post(
                native_id=native_id,
                thread_native_id=str(topic_id),
                author=Author(
                    handle=username,
                    native_id=str(item.get("user_id")) if _int(item.get("user_id")) else None,
                    profile_url=absolute_url(f"/u/{username}", page.url),
                )
                if username
                else None,
                posted_at=posted_at,
                text=parsed.text if parsed else "",
                quotes=quotes,
                links=parsed.links if parsed else (),
                position=number,
            )
        )
    count = _int(body.get("posts_count")) or len(posts)
    chunk = _int(body.get("chunk_size")) or 20
    pages = max(1, math.ceil(count / chunk))
    current = min(_page_number(page.url, 1), pages)
    times = [post.posted_at for post in posts if post.posted_at is not None]
    first_post = posts[0] if posts and posts[0].position == 1 else None
    thread = Thread(
        native_id=str(topic_id) if topic_id is not None else "",
        title=_text(body.get("title")),
        url=thread_url,
        section_native_id=str(body["category_id"]) if _int(body.get("category_id")) else None,
        tags=tuple(_text(tag) for tag in body.get("tags") or () if _text(tag)),
        author=first_post.author.handle if first_post and first_post.author else None,
        replies=count - 1 if count else None,
        last_post_at=dates.read_iso(_text(body.get("last_posted_at"))),
        first_post_at=min(times) if times and first_post else None,
        sticky=bool(body.get("pinned") or body.get("pinned_globally")),
        locked=bool(body.get("closed") or body.get("archived")),
    )
    return ThreadPage(
        url=page.url,
        thread=thread,
        posts=tuple(posts),
        pagination=Pagination(
            page=current,
            pages=pages,
            page_urls=tuple(
                set_query_param(page.url, "page", None if n == 1 else str(n))
                for n in range(1, min(pages, MAX_ITEMS) + 1)
            ),
            per_page=chunk,
        ),
    )


def read_topic_list(page: Page, body: Mapping[str, Any], dates: DateReader) -> ListingPage:
    """Read ``/latest.json`` or ``/c/{slug}/{id}.json`` (list pages count from 0)."""
    topic_list = _mapping(body.get("topic_list"))
    users = {
        _int(user.get("id")): _text(user.get("username")) for user in _items(body.get("users"))
    }
    section_id = _category_in_url(page.url)
    threads: list[Thread] = []
    for item in _items(topic_list.get("topics")):
        topic_id = _int(item.get("id"))
        if topic_id is None:
            page.problem("threads", "topic without an id was skipped", str(item)[:200])
            continue
        posters = _items(item.get("posters"))
        starter = next(
            (p for p in posters if "original" in _text(p.get("description")).lower()),
            posters[0] if posters else {},
        )
        posts_count = _int(item.get("posts_count"))
        slug = _text(item.get("slug")) or "topic"
        threads.append(
            Thread(
                native_id=str(topic_id),
                title=_text(item.get("title")),
                url=absolute_url(f"/t/{slug}/{topic_id}", page.url) or page.url,
                section_native_id=str(item["category_id"])
                if _int(item.get("category_id"))
                else section_id,
                tags=tuple(_text(tag) for tag in item.get("tags") or () if _text(tag)),
                author=users.get(_int(starter.get("user_id"))) or None,
                replies=posts_count - 1 if posts_count else None,
                last_post_at=dates.read_iso(_text(item.get("last_posted_at"))),
                first_post_at=dates.read_iso(_text(item.get("created_at"))),
                sticky=bool(item.get("pinned") or item.get("pinned_globally")),
                locked=bool(item.get("closed") or item.get("archived")),
            )
        )
    current = _page_number(page.url, 0)
    more = _text(topic_list.get("more_topics_url"))
    pages = current + 1 if more else current
    urls = [
        set_query_param(page.url, "page", None if n == 1 else str(n - 1))
        for n in range(1, pages + 1)
    ]
    section = (
        Section(native_id=section_id, title="", url=set_query_param(page.url, "page", None))
        if section_id
        else None
    )
    return ListingPage(
        url=page.url,
        section=section,
        threads=tuple(threads),
        pagination=Pagination(page=current, pages=pages, page_urls=tuple(urls)),
    )


def read_categories(page: Page, body: Mapping[str, Any]) -> IndexPage:
    """Read ``/categories.json`` (with ``subcategory_list`` when asked to include them)."""
    sections: list[Section] = []
    stack: list[tuple[Mapping[str, Any], str | None]] = [
        (item, None)
        for item in reversed(_items(_mapping(body.get("category_list")).get("categories")))
    ]
    while stack and len(sections) < MAX_ITEMS:
        item, parent = stack.pop()
        category_id = _int(item.get("id"))
        if category_id is None:
            continue
        slug = _text(item.get("slug")) or "category"
        sections.append(
            Section(
                native_id=str(category_id),
                title=_text(item.get("name")),
                url=absolute_url(f"/c/{slug}/{category_id}", page.url) or page.url,
                parent_native_id=parent,
                description=_text(item.get("description_text")),
                thread_count=_int(item.get("topic_count")),
                post_count=_int(item.get("post_count")),
            )
        )
        stack.extend(
            (child, str(category_id)) for child in reversed(_items(item.get("subcategory_list")))
        )
    if not sections:
        page.problem("sections", "no categories found", page.url)
    return IndexPage(url=page.url, title="", sections=tuple(sections))


def quote_with_topic(quote: Quote, topic: str | None, thread_id: str) -> Quote:
    """The quote with its post id as ``<topic>/<number>`` (a quote may name another topic)."""
    if quote.post_native_id is None:
        return quote
    return dataclasses.replace(quote, post_native_id=f"{topic or thread_id}/{quote.post_native_id}")


def _category_in_url(url: str) -> str | None:
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "/c/" not in path:
        return None
    last = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    return last if last.isdigit() else None
