"""Rendering of a simulated site as phpBB 3.3.15 prosilver pages.

:class:`PhpbbRenderer` answers a request target (``/viewtopic.php?t=3&start=10``) at a simulated
moment with an HTTP status and a page whose session markers are filled by :func:`apply_session`.
Only what is visible at that moment is shown: posts published by then, with the edits made by
then, and counts and last posts that agree with them.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from urllib.parse import parse_qsl, quote, urlsplit

from forumwatch.sim import phpbb_templates as frame
from forumwatch.sim import phpbb_templates_pages as pages
from forumwatch.sim.content import QuoteContent
from forumwatch.sim.dates import DateFormatter, iso_utc
from forumwatch.sim.phpbb_lang import LANGUAGE_PACKS
from forumwatch.sim.phpbb_listing import page_numbers, render_forum
from forumwatch.sim.phpbb_topic import render_topic
from forumwatch.sim.sites import SectionKind
from forumwatch.sim.text import HREF, Body
from forumwatch.sim.world import POSTS_PER_PAGE, SiteWorld

_KEY = re.compile(r"\[\[(\w+)\]\]")
_SID = re.compile(r"^[0-9a-f]{32}$")
_CRON_TASKS = (
    "core.tidy_search", "core.tidy_cache", "core.tidy_database", "core.tidy_warnings",
    "text_reparser.post_text", "core.prune_notifications", "core.update_hashes",
)  # fmt: skip
_COLOURS = {1: "#AA0000", 2: "#00AA00"}


def apply_session(page: str, sid: str | None) -> bytes:
    """Fill the session markers of a rendered page; ``sid=None`` drops them (cookie client)."""
    if sid is None:
        return (
            page.replace("\x01", "")
            .replace("\x02", "")
            .replace("\x03", "")
            .replace("\x04", "")
            .encode()
        )
    hidden = f'<input type="hidden" name="sid" value="{sid}" />\n'
    return (
        page.replace("\x01", "&amp;sid=" + sid)
        .replace("\x02", "?sid=" + sid)
        .replace("\x03", hidden)
        .replace("\x04", "&#x3F;sid&#x3D;" + sid)
        .encode()
    )


def request_sid(target: str) -> str | None:
    """The ``sid`` query parameter of a request target, when it looks like a phpBB session id."""
    for name, value in parse_qsl(urlsplit(target).query):
        if name == "sid" and _SID.match(value):
            return value
    return None


def short_subject(subject: str) -> str:
    """phpBB's index truncation of a last-post subject (30 characters with the ellipsis)."""
    return subject if len(subject) <= 30 else subject[:29] + "…"


class PhpbbRenderer:
    """Renders one simulated site's pages."""

    def __init__(self, site: SiteWorld) -> None:
        self.site = site
        self.spec = site.spec
        self.data = site.data
        self.pack = LANGUAGE_PACKS[self.spec.ui_language]
        self.dates = DateFormatter(self.spec.date_format, self.spec.timezone, self.spec.ui_language)
        self.t: dict[str, str] = {}
        for module in (frame, pages):
            for name in dir(module):
                value = getattr(module, name)
                if name.isupper() and isinstance(value, str):
                    self.t[name] = _KEY.sub(lambda match: self.pack[match.group(1)], value)
        periods = self.pack["periods"].split("|")
        values = (1, 7, 14, 30, 90, 180, 365)
        self.periods = "".join(
            f'<option value="{value}">{label}</option>'
            for value, label in zip(values, periods, strict=True)
        )
        self.board_title = escape(self.spec.title)
        self.board_description = escape(self.spec.description)
        self.jumpbox_items = self._jumpbox_items()
        self.ancestors = {item.native_id: self._ancestors(item.native_id) for item in site.sections}

    # ----------------------------------------------------------------- routing

    def render(self, target: str, now: int, base_url: str) -> tuple[int, str]:
        """Render a request target at Unix time ``now``; return (status, page with markers)."""
        parts = urlsplit(target)
        path = parts.path
        query = dict(parse_qsl(parts.query))
        if path in ("/", "/index.php"):
            return 200, self.index(now, base_url)
        if path == "/viewforum.php":
            forum = _int(query.get("f"))
            if forum is None or forum not in self.site.section_by_id:
                return 404, self.message(self.pack["no_forum"], now, base_url, "viewforum")
            return 200, self.forum(forum, _int(query.get("start")) or 0, now, base_url)
        if path == "/viewtopic.php":
            return self.topic_request(query, now, base_url)
        return 404, ""

    def topic_request(self, query: dict[str, str], now: int, base_url: str) -> tuple[int, str]:
        """Answer ``viewtopic.php`` by topic id (``t``, ``start``) or by post id (``p``)."""
        visible = self.site.visible_posts(now)
        post = _int(query.get("p"))
        if post is not None:
            index = post - 1
            if not 0 <= index < visible:
                return 404, self.message(self.pack["no_post"], now, base_url, "viewtopic")
            thread = self.data.post_thread[index]
            position = self.site.thread_visible_posts(thread, index)
            start = position // POSTS_PER_PAGE * POSTS_PER_PAGE
            return 200, self.topic(thread, start, now, base_url)
        topic = _int(query.get("t"))
        if topic is None or not 0 < topic <= self.site.visible_threads(visible):
            return 404, self.message(self.pack["no_topic"], now, base_url, "viewtopic")
        return 200, self.topic(topic - 1, _int(query.get("start")) or 0, now, base_url)

    # ----------------------------------------------------------------- frame

    def _header(
        self, title: str, section: str, canonical: str, redirect: str, crumbs: str, feeds: str
    ) -> str:
        return self.t["HEADER"].format(
            title=title,
            board_title=self.board_title,
            board_description=self.board_description,
            extra_feeds=feeds,
            canonical=escape(canonical),
            section=section,
            redirect=quote(redirect, safe=""),
            crumbs=crumbs,
        )

    def _footer(self, now: int, seed: int) -> str:
        label = self.dates.offset_label(now)
        all_times = self.pack["all_times"].format(escape(self.spec.timezone), label)
        return self.t["FOOTER"].format(
            all_times=all_times, cron=_CRON_TASKS[seed % len(_CRON_TASKS)]
        )

    def _crumbs(self, section: int) -> str:
        out = []
        for position, native in enumerate(self.ancestors[section], start=2):
            title = escape(self.site.section_by_id[native].title)
            out.append(self.t["CRUMB"].format(forum_id=native, title=title, position=position))
        return "".join(out)

    def _ancestors(self, section: int) -> list[int]:
        chain = []
        current: int | None = section
        while current is not None:
            chain.append(current)
            current = self.site.section_by_id[current].parent
        return chain[::-1]

    def _jumpbox_items(self) -> str:
        out = []

        def walk(parent: int | None, depth: int) -> None:
            for native in self.site.children.get(parent, ()):
                item = self.site.section_by_id[native]
                title = escape(item.title)
                if item.kind == SectionKind.CATEGORY:
                    out.append(self.t["JUMP_CATEGORY"].format(forum_id=native, title=title))
                else:
                    spacers = '<span class="spacer"></span>' * depth
                    out.append(
                        self.t["JUMP_FORUM"].format(forum_id=native, title=title, spacers=spacers)
                    )
                walk(native, depth + 1)

        walk(None, 0)
        return "".join(out)

    def _jumpbox(self, return_href: str, return_label: str) -> str:
        return self.t["JUMPBOX"].format(
            return_href=return_href, return_label=return_label, items=self.jumpbox_items
        )

    def username(self, member: int) -> str:
        """The profile link phpBB prints for a member (coloured for the admin and moderator)."""
        members = self.data.members
        user_id = members.user_ids[member]
        handle = escape(members.handles[member])
        colour = _COLOURS.get(members.rank[member])
        href = f"./memberlist.php?mode=viewprofile&amp;u={user_id}\x01"
        if colour:
            return (
                f'<a href="{href}" style="color: {colour};" class="username-coloured">{handle}</a>'
            )
        return f'<a href="{href}" class="username">{handle}</a>'

    def pagination(self, base: str, total: int, per_page: int, start: int) -> str:
        """phpBB's pagination list (prev, pages with ellipses, next) or "Page 1 of 1"."""
        pages_count = max(1, -(-total // per_page))
        on_page = start // per_page + 1
        if pages_count <= 1:
            return "&bull; " + self.pack["page_of"].format(1, 1)
        t = self.t

        def href(page: int) -> str:
            return base if page == 1 else f"{base}&amp;start={(page - 1) * per_page}"

        out = ["<ul>\n"]
        if on_page != 1:
            out.append(t["PAGINATION_PREVIOUS"].format(href=href(on_page - 1)))
        for page, ellipsis in page_numbers(pages_count, on_page):
            if ellipsis:
                out.append(t["PAGINATION_ELLIPSIS"])
            elif page == on_page:
                out.append(t["PAGINATION_ACTIVE"].format(number=page))
            else:
                out.append(t["PAGINATION_PAGE"].format(href=href(page), number=page))
        if on_page != pages_count:
            out.append(t["PAGINATION_NEXT"].format(href=href(on_page + 1)))
        out.append("\t</ul>")
        return "".join(out)

    def message(self, text: str, now: int, base_url: str, section: str) -> str:
        """An "Information" page (phpBB's answer for a missing topic, post or forum)."""
        title = f"{self.pack['information']} - {self.board_title}"
        head = self._header(title, section, base_url, "index.php", "", "")
        return head + self.t["MESSAGE"].format(message=text) + self._footer(now, 0)

    # ----------------------------------------------------------------- index

    def index(self, now: int, base_url: str) -> str:
        """The board index: categories with their forums, counts and last posts."""
        site = self.site
        visible = site.visible_posts(now)
        parts = [
            self._header(
                f"{self.board_title} - {self.pack['index_page']}",
                "index",
                base_url,
                "index.php",
                "",
                "",
            )
        ]
        current = self.dates.format(now, now, force_absolute=True)
        parts.append(
            '\n<p class="right responsive-center time">'
            + self.pack["it_is_currently"].format(current)
            + "</p>\n\n\n\n\t"
        )
        for native in site.children.get(None, ()):
            item = site.section_by_id[native]
            if item.kind == SectionKind.CATEGORY:
                header = self.t["INDEX_CATEGORY_HEADER"].format(
                    forum_id=native, title=escape(item.title)
                )
                parts.append(self._forum_list(header, site.children.get(native, []), visible, now))
            else:
                parts.append(self._forum_list(self.pack["forum"], [native], visible, now))
        members = self.data.members
        joined = members.count_joined(now)
        newest = self.username(members.by_join[joined - 1]) if joined else ""
        total_threads = site.visible_threads(visible)
        statistics = self.pack["statistics_line"].format(visible, total_threads, joined, newest)
        record_at = self.site.data.epoch0 + 400 * 86_400 + 20 * 3600
        online = self.pack["online_index"].format(
            5 + self.data.seed % 37, self.dates.format(record_at, now, force_absolute=True)
        )
        form_token = hashlib.sha1(
            f"{self.data.seed}:{now}".encode(), usedforsecurity=False
        ).hexdigest()
        parts.append(
            self.t["INDEX_TAIL"].format(
                now=now, form_token=form_token, online=online, statistics=statistics
            )
        )
        parts.append(self._footer(now, now))
        return "".join(parts)

    def _forum_list(self, header: str, forums: list[int], visible: int, now: int) -> str:
        out = [self.t["FORUMLIST_START"].format(header=header)]
        for native in forums:
            out.append(self._forum_row(native, visible, now))
        out.append(self.t["FORUMLIST_END"])
        return "".join(out)

    def _forum_row(self, native: int, visible: int, now: int) -> str:
        site = self.site
        item = site.section_by_id[native]
        stats = site.section_stats(native, visible, deep=True)
        children = site.children.get(native, [])
        subforums = ""
        if children:
            label = self.pack["subforum" if len(children) == 1 else "subforums"]
            links = ", ".join(
                self.t["SUBFORUM_LINK"].format(
                    forum_id=child, title=escape(site.section_by_id[child].title)
                )
                for child in children
            )
            subforums = (
                f"\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t<br /><strong>{label}</strong>{links}"
            )
        if stats.last_post >= 0:
            lastpost = self._last_post_block(stats.last_post, now)
        else:
            lastpost = self.pack["no_posts"] + "<br />&nbsp;"
        return self.t["FORUM_ROW"].format(
            row_class="forum_read_subforum" if children else "forum_read",
            title=escape(item.title),
            forum_id=native,
            description=escape(item.description),
            subforums=subforums,
            topics=stats.threads,
            posts=stats.posts,
            lastpost=lastpost,
        )

    def _subject(self, index: int) -> str:
        thread = self.data.post_thread[index]
        title = self.site.content.thread_title(thread)
        return title if self.site.thread_first[thread] == index else "Re: " + title

    def _last_post_block(self, index: int, now: int) -> str:
        subject = self._subject(index)
        moment = self.data.post_time[index]
        return self.t["FORUM_LASTPOST"].format(
            post_id=index + 1,
            subject=escape(subject),
            short_subject=escape(short_subject(subject)),
            poster=self.username(self.data.post_author[index]),
            iso=iso_utc(moment),
            date=self.dates.format(moment, now),
        )

    # ----------------------------------------------------------------- forum

    def forum(self, native: int, start: int, now: int, base_url: str) -> str:
        """A forum listing page (or a category page with its forums)."""
        return render_forum(self, native, start, now, base_url)

    def topic(self, thread: int, start: int, now: int, base_url: str) -> str:
        """A page of a topic with up to 10 posts."""
        return render_topic(self, thread, start, now, base_url)

    # ----------------------------------------------------------------- posts

    def body_html(self, body: Body, edited: bool) -> str:
        """A post body as phpBB renders it: ``<br>`` lines, ``postlink`` anchors, escaped text."""
        paragraphs = []
        for paragraph in body.paragraphs:
            lines = []
            for line in paragraph:
                chunks = []
                for kind, value, label in line:
                    if kind == HREF:
                        chunks.append(
                            f'<a href="{escape(value)}" class="postlink">{escape(label)}</a>'
                        )
                    else:
                        chunks.append(escape(value))
                lines.append("".join(chunks))
            paragraphs.append("<br>\n".join(lines))
        if edited and body.edit_line:
            paragraphs.append(escape(body.edit_line))
        return "<br>\n<br>\n".join(paragraphs)

    def quote_html(self, quote: QuoteContent, now: int) -> str:
        """A quote block with its optional nested quote."""
        members = self.data.members
        head = self.t["QUOTE_OPEN"].format(
            post_id=quote.post_index + 1,
            user_id=members.user_ids[quote.author],
            author=escape(members.handles[quote.author]),
            date=self.dates.format(quote.posted_at, now),
        )
        inner = ""
        if quote.nested is not None:
            inner = self.quote_html(quote.nested, now) + "\n\n"
        return f"{head}{inner}{escape(quote.text)}</div></blockquote>"


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
