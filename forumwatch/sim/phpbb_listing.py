"""phpBB forum listing pages (``viewforum.php``): sub-forums, announcements, topics, pagination."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from forumwatch.sim.dates import iso_utc
from forumwatch.sim.generate import KIND_ANNOUNCEMENT, KIND_STICKY
from forumwatch.sim.ids import mix64
from forumwatch.sim.phpbb_lang import plural
from forumwatch.sim.sites import SectionKind
from forumwatch.sim.world import POSTS_PER_PAGE, TOPICS_PER_PAGE

if TYPE_CHECKING:
    from forumwatch.sim.phpbb import PhpbbRenderer


def render_forum(renderer: PhpbbRenderer, native: int, start: int, now: int, base_url: str) -> str:
    """Render ``viewforum.php?f=native&start=start`` as seen at Unix time ``now``."""
    site = renderer.site
    item = site.section_by_id[native]
    t = renderer.t
    pack = renderer.pack
    visible = site.visible_posts(now)
    announcements, threads = site.listing(native, visible)
    total = len(threads)
    if start < 0:
        start = 0
    if start >= total > 0:
        start = (total - 1) // TOPICS_PER_PAGE * TOPICS_PER_PAGE
    page = start // TOPICS_PER_PAGE + 1
    title = escape(item.title)
    page_label = f" - {pack['page']} {page}" if page > 1 else ""
    start_query = f"&amp;start={start}" if start else ""
    redirect = f"viewforum.php?f={native}" + (f"&start={start}" if start else "")
    feeds = t["FEED_FORUM"].format(title=title, forum_id=native)
    parts = [
        renderer._header(
            f"{title}{page_label} - {renderer.board_title}",
            "viewforum",
            f"{base_url}viewforum.php?f={native}{start_query}",
            redirect,
            renderer._crumbs(native),
            feeds,
        ),
        t["FORUM_TITLE"].format(forum_id=native, title=title, description=escape(item.description)),
    ]
    children = site.children.get(native, [])
    if children:
        header = renderer.pack["forum"]
        if item.kind == SectionKind.CATEGORY:
            header = t["INDEX_CATEGORY_HEADER"].format(forum_id=native, title=title)
        parts.append(renderer._forum_list(header, children, visible, now))
    if item.kind != SectionKind.CATEGORY:
        base = f"./viewforum.php?f={native}\x01"
        counted = total + len(announcements)
        total_label = plural(pack, "topic", counted)
        pagination = renderer.pagination(base, total, TOPICS_PER_PAGE, start)
        parts.append(
            t["FORUM_ACTION_TOP"].format(forum_id=native, total=total_label, pagination=pagination)
        )
        if announcements:
            parts.append(
                t["TOPICLIST_START"].format(
                    extra_class=" announcement", header=pack["announcements"]
                )
            )
            parts.extend(_rows(renderer, announcements, visible, now))
            parts.append(t["TOPICLIST_END"])
        shown = threads[start : start + TOPICS_PER_PAGE]
        if shown:
            parts.append(t["TOPICLIST_START"].format(extra_class="", header=pack["topics"]))
            parts.extend(_rows(renderer, shown, visible, now))
            parts.append(t["TOPICLIST_END"])
        elif not announcements:
            parts.append(t["NO_TOPICS"])
        parts.append(
            t["FORUM_ACTION_BOTTOM"].format(
                forum_id=native, periods=renderer.periods, total=total_label, pagination=pagination
            )
        )
    parts.append(renderer._jumpbox("./index.php\x02", pack["return_index"]))
    parts.append(t["FORUM_STATS"])
    parts.append(renderer._footer(now, native))
    return "".join(parts)


def _rows(renderer: PhpbbRenderer, threads: list[int], visible: int, now: int) -> list[str]:
    site = renderer.site
    data = site.data
    t = renderer.t
    dates = renderer.dates
    out = []
    for number, thread in enumerate(threads):
        count = site.thread_visible_posts(thread, visible)
        first = site.thread_first[thread]
        last = site.thread_last_visible(thread, visible)
        locked = site.locked(thread, now)
        li_class, dl_class = topic_row_classes(data.thread_kind[thread], locked)
        replies = count - 1
        replies_span = (
            t["REPLIES_SPAN"].format(replies=replies) if replies else "\t\t\t\t\t\t\t\t\t\t\t\t\t"
        )
        mini = ""
        pages = -(-count // POSTS_PER_PAGE)
        if pages > 1:
            items = []
            for page, ellipsis in mini_page_numbers(pages):
                if ellipsis:
                    items.append(
                        '\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t<li class="ellipsis"><span>…</span></li>\n'
                    )
                else:
                    start = f"&amp;start={(page - 1) * POSTS_PER_PAGE}" if page > 1 else ""
                    items.append(
                        t["MINI_PAGE"].format(topic_id=thread + 1, start=start, number=page)
                    )
            mini = t["MINI_PAGINATION"].format(items="".join(items))
        first_time = data.post_time[first]
        last_time = data.post_time[last]
        out.append(
            t["TOPIC_ROW"].format(
                bg="bg1" if number % 2 == 0 else "bg2",
                li_class=li_class,
                dl_class=dl_class,
                dt_title=renderer.pack["locked_title"] if locked else renderer.pack["no_unread"],
                topic_id=thread + 1,
                title=escape(site.content.thread_title(thread)),
                last_poster=renderer.username(data.post_author[last]),
                last_id=last + 1,
                last_iso=iso_utc(last_time),
                last_date=dates.format(last_time, now),
                replies_span=replies_span,
                first_poster=renderer.username(data.post_author[first]),
                first_iso=iso_utc(first_time),
                first_date=dates.format(first_time, now),
                mini_pagination=mini,
                replies=replies,
                views=views(data.seed, thread, count),
            )
        )
    return out


def page_numbers(total: int, on_page: int) -> list[tuple[int, bool]]:
    """Pages phpBB lists (number, is_ellipsis) for ``total`` pages with ``on_page`` current."""
    if total > 5:
        start_page = min(max(1, on_page - 2), total - 4)
        end_page = max(min(total, on_page + 2), 5)
    else:
        start_page, end_page = 1, total
    out = []
    at_page = 1
    while at_page <= total:
        ellipsis = (at_page == 2 and start_page > 2) or (
            at_page == total - 1 and end_page < total - 1
        )
        out.append((at_page, ellipsis))
        if at_page == 2 and at_page < start_page - 1:
            at_page = start_page
        elif at_page == end_page and end_page < total - 1:
            at_page = total - 1
        else:
            at_page += 1
    return out


def mini_page_numbers(total: int) -> list[tuple[int, bool]]:
    """Pages shown in a topic row of a listing (phpBB ignores the current page there)."""
    return page_numbers(total, 1)


def views(seed: int, thread: int, posts: int) -> int:
    """A plausible, deterministic view count that grows with the visible posts."""
    spread = mix64(seed, thread)
    return posts * (3 + spread % 7) + spread % 13


def topic_row_classes(kind: int, locked: bool) -> tuple[str, str]:
    """(li extra class, dl class) of a topic row by kind (normal/sticky/announcement) and lock."""
    if kind == KIND_ANNOUNCEMENT:
        li_class, dl_class = " announce", "announce_read"
    elif kind == KIND_STICKY:
        li_class, dl_class = " sticky", "sticky_read"
    else:
        li_class, dl_class = "", "topic_read"
    return li_class, dl_class + ("_locked" if locked else "")
