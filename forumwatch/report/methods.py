"""The methods appendix: every figure's definition, how events are found, what is never done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forumwatch.analyse import activity, hosts, keywords, linkindex, tags

if TYPE_CHECKING:
    from forumwatch.report.data import ReportData

DAY_STATES = (
    "Every series knows three kinds of day, from the crawl's own fetch log: observed (the "
    "site was fetched successfully; 0 then means no posts), unavailable (every fetch that day "
    "failed: no value is shown, never a misleading 0; shaded red in the charts) and "
    "unmonitored (before the first crawl or between crawls too far apart to tell; shaded "
    "grey: the posts shown there were found later, by backfill)."
)
EVENTS = (
    "Events are changes of level found on each series (site and section activity, every "
    "watch lexicon, the link index, each host's links) by a likelihood test of one level "
    "against two, then explained by what else the data holds, in this order: the site itself "
    "was unavailable; a site in the section's language was down meanwhile (sister site); a "
    "host's collapse is followed by dead-link complaints naming it (host down) or matched by "
    "other hosts rising (migration); several hosts rose at once (link wave); a lexicon's terms "
    "rose (keyword wave). Site outages come from the fetch log; tag shares are tested month by "
    "month; dormant members, shared handles and watch-listed members from the members' posts."
)
QUOTES = (
    "Quotes are short excerpts (about 200 characters) of posts chosen to illustrate a finding. "
    "Handles in them (the author's, and any named in the text or thread title) are replaced by "
    "pseudonyms or [redacted]; web addresses are defanged (hxxps://host[.]example/...) so that "
    "nothing in this report is a link."
)
NEVER = (
    "forumwatch indexes the text of the sites' own HTML pages only. A URL in a post is data: it "
    "is recorded (host, file name, extension, when first seen) and never requested; images, "
    "video and archives are never downloaded or displayed. The file class of a link comes "
    "from its extension alone."
)


def definitions(data: ReportData) -> list[tuple[str, str]]:
    """(name, definition) of every figure and method the report uses."""
    period = "day"
    out = [
        ("Days: observed, unavailable, unmonitored", DAY_STATES),
        ("Posts per day", activity.POSTS_PER_DAY_DEFINITION),
        (
            "Active members",
            activity.MEMBERS_DEFINITION.format(period="period", scope="the sites in scope"),
        ),
        ("New members", activity.NEW_MEMBERS_DEFINITION.format(period="period")),
        (
            "Keyword mentions",
            keywords.MENTIONS_DEFINITION.format(
                period=period, what="a watch lexicon", scope="the sites in scope"
            ),
        ),
        (
            "Keyword share",
            keywords.SHARE_DEFINITION.format(
                period="week", what="a watch lexicon", scope="all sites"
            ),
        ),
        (
            "Link index",
            data.link_index.definition
            if data.link_index is not None
            else linkindex.INDEX_DEFINITION.format(
                network="clearnet",
                media="image",
                extensions="",
                period="month",
                scope="the sites in scope",
            ),
        ),
        (
            "Re-shares",
            linkindex.RESHARE_DEFINITION.format(
                network="clearnet",
                media="image",
                extensions="",
                period="month",
                scope="the sites in scope",
            ),
        ),
        (
            "Links per host",
            hosts.HOST_DEFINITION.format(
                what="a host (registrable domain)", period="week", scope="the sites in scope"
            ),
        ),
        (
            "Re-upload requests and dead-link reports",
            hosts.COMPLAINT_DEFINITION.format(
                period=period,
                kind="re-upload request or dead-link report",
                family="(each host family)",
                scope="the sites in scope",
            ),
        ),
        (
            "Tag share",
            tags.SHARE_DEFINITION.format(period="month", tag="(each tag)", scope="one section"),
        ),
        (
            "Language sections",
            "Posts per week in sections grouped by language: a section's declared language, "
            "else the language most of its posts are written in (identified per post).",
        ),
        ("Events and findings", EVENTS),
        ("Quotes", QUOTES),
        ("Handles", data.handles_note[0].upper() + data.handles_note[1:] + "."),
        ("What forumwatch never does", NEVER),
    ]
    return out
