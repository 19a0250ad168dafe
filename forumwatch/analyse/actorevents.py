"""Actor events: dormant members back (grouped per site and day), handles shared between
sites, and watch-listed members active after their date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from forumwatch.analyse import actors
from forumwatch.analyse.detect import Context
from forumwatch.analyse.events import Event, EventType, Reason


def actor_events(ctx: Context, watch_list: Sequence[tuple[str, str, date]]) -> list[Event]:
    """Dormant members back (grouped per site and day), shared handles, watch-list activity."""
    events: list[Event] = []
    grouped: dict[tuple[str, date], list[actors.DormantReturn]] = defaultdict(list)
    for found in actors.dormant_returns(ctx.store, ctx.start, ctx.end, ctx.settings.dormant_days):
        grouped[(found.site, found.returned)].append(found)
    for (site, day), members in sorted(grouped.items()):
        events.append(
            Event(
                EventType.DORMANT_RETURN,
                site,
                None,
                None,
                day,
                day,
                float(len(members)),
                Reason.DORMANCY,
                {
                    "magnitude": "members",
                    "members": [
                        {
                            "handle": m.handle,
                            "last_active": m.last_active.isoformat(),
                            "gap_days": m.gap_days,
                        }
                        for m in members
                    ],
                },
                1.0,
                f"members:{site}",
                f"{len(members)} member(s) of {site} posted on {day} after at least "
                f"{min(m.gap_days for m in members)} days of silence.",
            )
        )
    # Members are read once, light (handles and first days), for shared handles and the
    # watch list alike.
    names = ctx.store.author_names()
    first_days = {(ctx.sites[a.site_id], a.handle): a.first_day for a in names}
    for shared in actors.shared_handles(ctx.store, ctx.settings.handle_match, names=names):
        firsts = [
            first_days[(site, handle)]
            for site, handle, _ in shared.members
            if (site, handle) in first_days
        ]
        known = [f for f in firsts if f is not None]
        since = max(known) if known else ctx.start
        defunct = [site for site, _, gone in shared.members if gone]
        events.append(
            Event(
                EventType.SHARED_HANDLE,
                None,
                None,
                None,
                since,
                None,
                float(len(shared.members)),
                Reason.SAME_HANDLE,
                {
                    "magnitude": "sites",
                    "key": shared.key,
                    "match": shared.match,
                    "score": shared.score,
                    "members": [
                        {"site": s, "handle": h, "defunct": d} for s, h, d in shared.members
                    ],
                    "defunct_sites": defunct,
                },
                shared.score,
                "handles",
                f"The handle {shared.key!r} is used on {', '.join(shared.sites)}.",
            )
        )
    for hit in actors.watchlist_activity(ctx.store, watch_list, names):
        first = hit.first_post_after
        events.append(
            Event(
                EventType.WATCHLIST_ACTIVITY,
                hit.site,
                None,
                None,
                first.date() if first is not None else hit.after,
                hit.last_post.date() if hit.last_post is not None else None,
                float(hit.posts_after),
                Reason.WATCH_LIST,
                {"magnitude": "posts", "handle": hit.handle, "after": hit.after.isoformat()},
                1.0,
                f"member:{hit.site}",
                f"Watch-listed {hit.handle} posted {hit.posts_after} time(s) on {hit.site} "
                f"after {hit.after}.",
            )
        )
    return events
