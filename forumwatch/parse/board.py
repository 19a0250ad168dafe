"""A parser for any board laid out as categories, sections, threads and posts, driven by data.

:class:`BoardParser` holds the logic; a subclass (one per engine, or one per TOML site profile)
supplies a :class:`~forumwatch.parse.selectors.BoardSelectors` value and, when its engine needs
it, overrides one of the small ``_hook`` methods. Every URL it returns is absolute; crawl links
(sections, threads, pages, profiles) also lose session parameters and fragments.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import ClassVar, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    Author,
    Edit,
    IndexPage,
    ListingPage,
    PageKind,
    Pagination,
    Post,
    Quote,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import (
    EngineParser,
    Page,
    all_matches,
    first_match,
    node_text,
    pick,
)
from forumwatch.parse.content import Content, read_content
from forumwatch.parse.pagination import item_offset, read_pagination
from forumwatch.parse.selectors import BoardSelectors
from forumwatch.parse.text import absolute_url, canonical_url, first_int, title_tags


class PostNodes(NamedTuple):
    """One post's container and the first node of each of its selectors inside it.

    Each is looked up once and handed to the engine hooks that read it.
    """

    node: LexborNode
    body: LexborNode | None
    author: LexborNode | None
    time: LexborNode | None
    title: LexborNode | None
    edit_notice: LexborNode | None
    extra: tuple[LexborNode | None, ...]
    """The first match of each of the parser's ``extra_post_selectors``."""


class BoardParser(EngineParser):
    """Parses index, listing and thread pages with the class's ``selectors``."""

    selectors: ClassVar[BoardSelectors]
    extra_post_selectors: ClassVar[tuple[str, ...]] = ()
    """More selectors an engine reads inside each post, looked up with the post's own."""

    # --- pages ---------------------------------------------------------------------------------

    def _page_kind(self, page: Page) -> PageKind:
        rules = self.selectors.page
        for kind, selector in rules.kind_rules:
            if page.matches(selector):
                return kind
        for kind, pattern in rules.kind_url_rules:
            if re.search(pattern, page.url):
                return kind
        return PageKind.OTHER

    def _parse_index(self, page: Page) -> IndexPage:
        rules = self.selectors.sections
        sections: list[Section] = []
        groups = page.tree.css(rules.group) if rules.group else []
        if groups:
            for group in groups:
                category = self._group_section(page, group)
                if category is not None:
                    sections.append(category)
                parent = category.native_id if category is not None else None
                for row in group.css(rules.row):
                    sections.extend(self._section_row(page, row, parent))
        else:
            for row in page.tree.css(rules.row):
                sections.extend(self._section_row(page, row, None))
        if not sections:
            page.problem("sections", "no sections found on the index", page.url)
        return IndexPage(
            url=page.url,
            title=node_text(page.first(self.selectors.page.board_title)),
            sections=_unique(sections),
            timezone=self._stated_timezone(page),
        )

    def _parse_listing(self, page: Page) -> ListingPage:
        section = self._listing_section(page)
        parent = section.native_id if section is not None else None
        subsections: list[Section] = []
        for row in page.tree.css(self.selectors.sections.row):
            subsections.extend(self._section_row(page, row, parent))
        threads = [
            thread
            for thread in (
                self._thread_row(page, row, parent)
                for row in page.tree.css(self.selectors.listing.row)
            )
            if thread is not None
        ]
        return ListingPage(
            url=page.url,
            section=section,
            threads=tuple(threads),
            subsections=_unique(subsections),
            pagination=self._pagination(page),
        )

    def _parse_thread(self, page: Page) -> ThreadPage:
        pagination = self._pagination(page)
        thread = self._thread_header(page)
        offset = item_offset(page, self.selectors.page, pagination)
        posts: list[Post] = []
        thread_id = thread.native_id
        for index, node in enumerate(page.all(self.selectors.post.container)):
            position = None if offset is None else offset + index + 1
            post = self._post(page, node, thread_id, position)
            if post is not None:
                posts.append(post)
        if not posts:
            page.problem("posts", "no posts found on a thread page", page.url)
        times = [post.posted_at for post in posts if post.posted_at is not None]
        first_page = pagination.page == 1
        thread = replace(
            thread,
            author=posts[0].author.handle if first_page and posts and posts[0].author else None,
            first_post_at=min(times) if times and first_page else None,
            last_post_at=max(times) if times and pagination.page == pagination.pages else None,
        )
        return ThreadPage(url=page.url, thread=thread, posts=tuple(posts), pagination=pagination)

    # --- threads and posts ---------------------------------------------------------------------

    def _thread_header(self, page: Page) -> Thread:
        rules = self.selectors.page
        link = page.first(rules.thread_link)
        native_id = pick(link, rules.thread_id) or _match(rules.thread_id.pattern, page.url)
        if native_id is None:
            page.problem("thread", "thread id not found", page.url)
        title, tags = self._thread_title(link)
        url = self._crawl_url(page, link.attrs.get("href") if link else None, True)
        crumbs = self._breadcrumb_ids(page)
        count = page.first(rules.item_count, rules.toolbar)
        total = first_int(node_text(count)) if count is not None else None
        return Thread(
            native_id=native_id or "",
            title=title,
            url=url or canonical_url(page.url, rules.crawl_drop_params),
            section_native_id=crumbs[-1] if crumbs else None,
            tags=tags,
            replies=total - 1 if total else None,
            locked=page.matches(rules.thread_locked, rules.toolbar),
        )

    def _post(
        self, page: Page, node: LexborNode, thread_id: str, position: int | None
    ) -> Post | None:
        rules = self.selectors.post
        native_id = pick(node, rules.native_id)
        if native_id is None:
            native_id = pick(node, rules.native_id_fallback)
        if native_id is None:
            page.problem("post", "post without an id was skipped", node_text(node))
            return None
        post = self._post_nodes(node)
        body = post.body if rules.content else first_match(node, rules.content)
        if body is None:
            page.problem("text", "post body not found", node_text(node), native_id)
            content = _NO_CONTENT
        else:
            content = read_content(page, body, self.selectors.content, native_id)
        author = self._author(page, node, native_id, post.author)
        posted_at = self._post_time(page, node, native_id, post.time)
        title, position = self._post_title_and_position(post, position)
        notice = self._edit_notice(post)
        quotes = content.quotes
        return Post(
            native_id=native_id,
            thread_native_id=thread_id,
            author=author,
            posted_at=posted_at,
            text=content.text,
            title=title,
            quotes=self._post_quotes(quotes) if quotes else quotes,
            links=content.links,
            edit=self._edit(page, native_id, notice) if notice is not None else None,
            position=position,
        )

    def _post_nodes(self, node: LexborNode) -> PostNodes:
        """The first node of each per-post selector inside ``node``."""
        rules = self.selectors.post
        extra = self.extra_post_selectors
        return PostNodes(
            node,
            first_match(node, rules.content) if rules.content else None,
            first_match(node, rules.author) if rules.author else None,
            first_match(node, rules.time) if rules.time else None,
            first_match(node, rules.title) if rules.title else None,
            first_match(node, rules.edit_notice) if rules.edit_notice else None,
            tuple([first_match(node, selector) for selector in extra]) if extra else (),
        )

    def _author(
        self, page: Page, node: LexborNode, native_id: str, name_node: LexborNode | None
    ) -> Author | None:
        if name_node is None:
            fallback = self.selectors.post.author_fallback
            if fallback:
                name_node = first_match(node, fallback)
        handle = node_text(name_node)
        if name_node is None or not handle:
            page.problem("author", "post author not found", node_text(node), native_id)
            return None
        href = name_node.attrs.get("href")
        return Author(
            handle=handle,
            native_id=pick(name_node, self.selectors.page.user_id) if href else None,
            profile_url=self._crawl_url(page, href, False),
        )

    def _post_time(
        self, page: Page, node: LexborNode, native_id: str, time_node: LexborNode | None
    ) -> datetime | None:
        if time_node is not None:
            return self._time_of(page, time_node, "posted_at", native_id)
        rules = self.selectors.post
        fallback = first_match(node, rules.time_fallback) if rules.time_fallback else None
        text = self._fallback_time_text(fallback) if fallback is not None else ""
        moment = self.dates.read(text, page.captured_at)
        if moment is None:
            page.problem("posted_at", "post time not readable", text, native_id)
        return moment

    def _edit(self, page: Page, native_id: str, notice: LexborNode | None) -> Edit | None:
        if notice is None:
            return None
        rules = self.selectors.post
        by_node = first_match(notice, rules.edit_by) if rules.edit_by else None
        reason_node = first_match(notice, rules.edit_reason) if rules.edit_reason else None
        time_node = first_match(notice, "time")
        if time_node is not None:
            when = self._time_of(page, time_node, "edit", native_id)
        else:
            text = _text_before_break(notice, by_node)
            when = self.dates.read(text, page.captured_at)
            if when is None:
                page.problem("edit", "edit time not readable", text, native_id)
        return Edit(
            by=node_text(by_node) or None,
            at=when,
            reason=node_text(reason_node) or None,
        )

    # --- sections and listings -----------------------------------------------------------------

    def _group_section(self, page: Page, group: LexborNode) -> Section | None:
        rules = self.selectors.sections
        link = group.css_first(rules.group_link) if rules.group_link else None
        native_id = pick(link, self.selectors.page.section_id)
        if link is None or native_id is None:
            return None
        url = self._crawl_url(page, link.attrs.get("href"), True)
        return Section(native_id=native_id, title=node_text(link), url=url or page.url)

    def _section_row(self, page: Page, row: LexborNode, parent: str | None) -> list[Section]:
        rules = self.selectors.sections
        link = row.css_first(rules.link)
        native_id = pick(link, self.selectors.page.section_id)
        if link is None or native_id is None:
            if link is not None:  # links to other sites ("link forums") have no id
                return []
            page.problem("sections", "section row without a link", node_text(row))
            return []
        found = [
            Section(
                native_id=native_id,
                title=node_text(link),
                url=self._crawl_url(page, link.attrs.get("href"), True) or page.url,
                parent_native_id=parent,
                description=_description_after(link),
                thread_count=_count(row, rules.thread_count),
                post_count=_count(row, rules.post_count),
                last_post_at=self._time_of(
                    page,
                    row.css_first(rules.last_post_time) if rules.last_post_time else None,
                    "last_post_at",
                ),
            )
        ]
        for sublink in row.css(rules.subsection_link) if rules.subsection_link else []:
            sub_id = pick(sublink, self.selectors.page.section_id)
            if sub_id is not None:
                url = self._crawl_url(page, sublink.attrs.get("href"), True) or page.url
                found.append(
                    Section(
                        native_id=sub_id,
                        title=node_text(sublink),
                        url=url,
                        parent_native_id=native_id,
                    )
                )
        return found

    def _listing_section(self, page: Page) -> Section | None:
        rules = self.selectors.page
        link = page.first(self.selectors.listing.section_link)
        native_id = pick(link, rules.section_id) or _match(rules.section_id.pattern, page.url)
        if native_id is None:
            page.problem("section", "section id not found", page.url)
            return None
        crumbs = self._breadcrumb_ids(page)
        if native_id in crumbs:
            position = crumbs.index(native_id)
            parent = crumbs[position - 1] if position > 0 else None
        else:
            parent = crumbs[-1] if crumbs else None
        url = self._crawl_url(page, link.attrs.get("href") if link else None, True)
        count = page.first(rules.item_count, rules.toolbar)
        return Section(
            native_id=native_id,
            title=node_text(link),
            url=url or canonical_url(page.url, rules.crawl_drop_params),
            parent_native_id=parent,
            thread_count=first_int(node_text(count)),
        )

    def _thread_row(self, page: Page, row: LexborNode, section_id: str | None) -> Thread | None:
        rules = self.selectors.listing
        link = row.css_first(rules.link)
        native_id = pick(link, self.selectors.page.thread_id)
        if link is None or native_id is None:
            page.problem("threads", "thread row without a thread link", node_text(row))
            return None
        title = node_text(link)
        return Thread(
            native_id=native_id,
            title=title,
            url=self._crawl_url(page, link.attrs.get("href"), True) or page.url,
            section_native_id=section_id,
            tags=_with_prefixes(title, _prefix_texts(row, rules.prefix)),
            author=(node_text(row.css_first(rules.author)) or None) if rules.author else None,
            replies=_count(row, rules.replies),
            last_post_at=self._row_time(page, row, rules.last_post_time),
            first_post_at=self._row_time(page, row, rules.first_post_time),
            sticky=bool(rules.sticky) and row.css_matches(rules.sticky or ""),
            locked=bool(rules.locked) and row.css_matches(rules.locked or ""),
        )

    # --- shared readers ------------------------------------------------------------------------

    def _pagination(self, page: Page) -> Pagination:
        rules = self.selectors.page
        return read_pagination(page, rules, page.first(rules.pagination, rules.toolbar))

    def _breadcrumb_ids(self, page: Page) -> list[str]:
        rules = self.selectors.page
        if not rules.breadcrumb_links:
            return []
        items = page.all(rules.breadcrumb_links, rules.breadcrumbs)
        ids = (pick(item, rules.breadcrumb_id) for item in items)
        return [native_id for native_id in ids if native_id is not None]

    def _row_time(self, page: Page, row: LexborNode, selector: str | None) -> datetime | None:
        return self._time_of(page, row.css_first(selector) if selector else None, "threads")

    def _time_of(
        self, page: Page, node: LexborNode | None, field: str, native_id: str | None = None
    ) -> datetime | None:
        """Read a time element: its ``datetime`` attribute when present, else its text."""
        if node is None:
            return None
        moment = self.dates.read_iso(node.attrs.get("datetime"))
        if moment is not None:
            return moment
        text = self._time_text(node)
        moment = self.dates.read(text, page.captured_at)
        if moment is None:
            page.problem(field, "time not readable", text, native_id)
        return moment

    def _crawl_url(self, page: Page, href: str | None, drop_page: bool) -> str | None:
        """An absolute crawl link without session (and, if asked, page) parameters."""
        url = absolute_url(href, page.url)
        if url is None:
            return None
        rules = self.selectors.page
        return canonical_url(url, rules.crawl_drop_params if drop_page else rules.drop_params)

    def _stated_timezone(self, page: Page) -> str | None:
        rules = self.selectors.page
        node = page.first(rules.timezone)
        if node is None:
            return None
        name = node.attrs.get("title") or node_text(node)
        if not _is_timezone(name):
            return None
        stated = ZoneInfo(name).utcoffset(page.captured_at.replace(tzinfo=None))
        if stated != self.dates.zone.utcoffset(page.captured_at.replace(tzinfo=None)):
            page.problem(
                "timezone",
                f"the board states {name} but the parser reads times as {self.timezone}",
                name,
            )
        return name

    # --- engine hooks --------------------------------------------------------------------------

    def _edit_notice(self, post: PostNodes) -> LexborNode | None:
        """The post's last-edit notice (engines with several kinds of notice narrow it)."""
        return post.edit_notice

    def _post_title(self, post: PostNodes) -> str:
        """The post's own subject line ("" when the engine shows none)."""
        return node_text(post.title)

    def _post_title_and_position(
        self, post: PostNodes, position: int | None
    ) -> tuple[str, int | None]:
        """The post's subject line and place in the thread (engines that read both from one
        element override this)."""
        return self._post_title(post), self._post_position(post, position)

    def _thread_title(self, link: LexborNode | None) -> tuple[str, tuple[str, ...]]:
        """A thread page's title and tags, from the thread's own link at the top of the page."""
        title = node_text(link)
        prefixes = _prefix_texts(link, self.selectors.page.thread_prefix)
        for prefix in prefixes:
            title = title.removeprefix(prefix).strip()
        return title, _with_prefixes(title, prefixes)

    def _post_quotes(self, quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
        """The post's quotes (engines that write the quoted author into the text fix them)."""
        return quotes

    def _post_position(self, post: PostNodes, position: int | None) -> int | None:
        """The post's place in the thread (engines that print a post counter read it)."""
        return position

    def _time_text(self, node: LexborNode) -> str:
        """The text of a time element without a ``datetime`` attribute (engines narrow it)."""
        return node_text(node)

    def _fallback_time_text(self, node: LexborNode) -> str:
        """The text that holds the post time when the page has no time element."""
        return node_text(node)


_NO_CONTENT = Content(text="", links=(), quotes=())


def _prefix_texts(node: LexborNode | None, selector: str | None) -> list[str]:
    """The texts of native prefixes/labels inside ``node`` (engines that have them)."""
    if node is None or not selector:
        return []
    return [text for text in (node_text(found) for found in all_matches(node, selector)) if text]


def _with_prefixes(title: str, prefixes: list[str]) -> tuple[str, ...]:
    """Native prefixes first, then bracketed title prefixes, each once."""
    return tuple(dict.fromkeys((*prefixes, *title_tags(title))))


def _unique(sections: list[Section]) -> tuple[Section, ...]:
    seen: set[str] = set()
    kept: list[Section] = []
    for section in sections:
        if section.native_id not in seen:
            seen.add(section.native_id)
            kept.append(section)
    return tuple(kept)


def _match(pattern: str | None, value: str) -> str | None:
    if not pattern:
        return None
    found = re.search(pattern, value)
    if found is None:
        return None
    return found.group(1) if found.groups() else found.group(0)


def _count(row: LexborNode, selector: str | None) -> int | None:
    return first_int(node_text(row.css_first(selector))) if selector else None


_DESCRIPTION_STOPS = frozenset(("strong", "div", "ul", "ol", "dl", "p", "table"))


def _description_after(link: LexborNode) -> str:
    """Text after a section's title link, from the first line break to the next break/label."""
    parts: list[str] = []
    started = False
    sibling = link.next
    while sibling is not None:
        tag = sibling.tag
        if tag == "br":
            if started:
                break
            started = True
        elif sibling.is_element_node and tag in _DESCRIPTION_STOPS:
            break
        elif started:
            parts.append(sibling.text(deep=True))
        sibling = sibling.next
    return " ".join("".join(parts).split())


def _text_before_break(notice: LexborNode, skip: LexborNode | None) -> str:
    """The notice's text up to its first ``<br>``, leaving out the editor's name."""
    parts: list[str] = []
    for child in notice.iter(include_text=True):
        if child.tag == "br":
            break
        parts.append(child.text(deep=True))
    text = " ".join("".join(parts).split())
    name = node_text(skip)
    if name:
        text = text.replace(name, " ", 1)
    return text


@lru_cache(maxsize=64)
def _is_timezone(name: str) -> bool:
    if not name or len(name) > 64 or name.startswith(("/", ".")):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
