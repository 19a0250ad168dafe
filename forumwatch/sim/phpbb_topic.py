"""phpBB topic pages (``viewtopic.php``): posts with profiles, quotes, edits and signatures."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from forumwatch.sim.dates import iso_utc
from forumwatch.sim.phpbb_lang import plural
from forumwatch.sim.world import POSTS_PER_PAGE

if TYPE_CHECKING:
    from forumwatch.sim.phpbb import PhpbbRenderer


def render_topic(renderer: PhpbbRenderer, thread: int, start: int, now: int, base_url: str) -> str:
    """Render ``viewtopic.php?t=thread+1&start=start`` as seen at Unix time ``now``."""
    site = renderer.site
    data = site.data
    t = renderer.t
    pack = renderer.pack
    visible = site.visible_posts(now)
    count = site.thread_visible_posts(thread, visible)
    if start < 0:
        start = 0
    if start >= count:
        start = (count - 1) // POSTS_PER_PAGE * POSTS_PER_PAGE
    page = start // POSTS_PER_PAGE + 1
    section = data.thread_section[thread]
    item = site.section_by_id[section]
    topic_id = thread + 1
    title = escape(site.content.thread_title(thread))
    start_query = f"&amp;start={start}" if start else ""
    page_label = f" - {pack['page']} {page}" if page > 1 else ""
    redirect = (
        (f"viewtopic.php?start={start}&t={topic_id}") if start else f"viewtopic.php?t={topic_id}"
    )
    feeds = t["FEED_FORUM"].format(title=escape(item.title), forum_id=section) + t[
        "FEED_TOPIC"
    ].format(title=title, topic_id=topic_id)
    locked = site.locked(thread, now)
    if locked:
        button = t["TOPIC_REPLY_BUTTON"].format(
            topic_id=topic_id,
            button_title=pack["locked_title"],
            button_label=pack["locked"],
            button_icon="fa-lock",
        )
    else:
        button = t["TOPIC_REPLY_BUTTON"].format(
            topic_id=topic_id,
            button_title=pack["post_a_reply"],
            button_label=pack["post_reply"],
            button_icon="fa-reply",
        )
    tools = t["TOPIC_TOOLS"].format(topic_id=topic_id)
    total_label = plural(pack, "post", count)
    pagination = renderer.pagination(
        f"./viewtopic.php?t={topic_id}\x01", count, POSTS_PER_PAGE, start
    )
    parts = [
        renderer._header(
            f"{title}{page_label} - {renderer.board_title}",
            "viewtopic",
            f"{base_url}viewtopic.php?t={topic_id}{start_query}",
            redirect,
            renderer._crumbs(section),
            feeds,
        ),
        t["TOPIC_TITLE"].format(
            topic_id=topic_id, start=start_query, title=title, description=escape(item.description)
        ),
        button,
        tools,
        t["TOPIC_SEARCH"].format(topic_id=topic_id, total=total_label, pagination=pagination),
    ]
    posts = data.thread_posts[thread]
    for number, index in enumerate(posts[start : min(count, start + POSTS_PER_PAGE)]):
        parts.append(_post(renderer, index, number, visible, now))
    parts.append(
        t["TOPIC_ACTION_BOTTOM"].format(
            reply_button=button,
            tools=tools,
            topic_id=topic_id,
            start=start_query,
            periods=renderer.periods,
            total=total_label,
            pagination=pagination,
        )
    )
    parts.append(
        renderer._jumpbox(
            f"./viewforum.php?f={section}\x01", pack["return_to"].format(escape(item.title))
        )
    )
    parts.append(t["TOPIC_STATS"])
    parts.append(renderer._footer(now, thread))
    return "".join(parts)


def _post(renderer: PhpbbRenderer, index: int, number: int, visible: int, now: int) -> str:
    site = renderer.site
    data = site.data
    members = data.members
    pack = renderer.pack
    t = renderer.t
    author = data.post_author[index]
    posted = data.post_time[index]
    content = site.post_content(index)
    edited = content.edited_by(posted, now)
    rank = members.rank[author]
    if rank:
        rank_class = "has-profile-rank"
        rank_html = (
            f'<dd class="profile-rank">{pack["rank_admin" if rank == 1 else "rank_moderator"]}</dd>'
        )
    else:
        rank_class, rank_html = "no-profile-rank", ""
    poster = renderer.username(author)
    html = renderer.body_html(content.body, edited)
    if content.quote is not None:
        html = renderer.quote_html(content.quote, now) + "\n\n" + html
    notice = ""
    if edited:
        body = content.body
        template = pack["edited_one"] if body.edit_count == 1 else pack["edited_many"]
        message = template.format(
            poster, renderer.dates.format(content.edit_at(posted), now), body.edit_count
        )
        reason = (
            t["EDIT_REASON"].format(reason=escape(body.edit_reason)) if body.edit_reason else ""
        )
        notice = t["EDIT_NOTICE"].format(message=message, reason=reason)
    signature = site.content.signature(author)
    signature_html = (
        f'<div id="sig{index + 1}" class="signature">{escape(signature)}</div>' if signature else ""
    )
    return t["POST"].format(
        post_id=index + 1,
        bg="bg2" if number % 2 == 0 else "bg1",
        rank_class=rank_class,
        poster=poster,
        rank=rank_html,
        user_id=members.user_ids[author],
        user_posts=site.member_posts(author, visible),
        joined=renderer.dates.format(members.join[author], now),
        h3_class='class="first"' if number == 0 else "",
        subject=escape(content.title),
        iso=iso_utc(posted),
        date=renderer.dates.format(posted, now),
        content=html,
        notice=notice,
        signature=signature_html,
    )
