"""Findings name every planted event of the simulated world, in plain sentences."""

from __future__ import annotations

from datetime import date

from forumwatch.privacy import Pseudonymiser
from forumwatch.report.data import ReportData
from forumwatch.report.findings import long_date
from forumwatch.report.markdown import render_markdown
from forumwatch.report.masking import defang_host
from tests.report.conftest import KEY, World7


def _one(data: ReportData, *needles: str) -> str:
    """The one finding whose title and text hold every needle (fails listing them all)."""
    texts = [f"{f.title}: {f.text}" for f in data.findings]
    found = [t for t in texts if all(n in t for n in needles)]
    assert found, (needles, texts)
    return found[0]


def test_findings_name_every_planted_event(world7: World7, report_data: ReportData) -> None:
    pseudonym = Pseudonymiser(KEY).handle
    kinds = {e["type"] for e in world7.truth["events"]}
    assert len(kinds) == 10

    wave = world7.event("keyword_wave")
    _one(data := report_data, "Keyword wave: covid", "peaked around", "March 2020", "faded by")
    assert date.fromisoformat(wave["peak"]).strftime("%B") in _one(data, "'covid'")

    spike = world7.event("image_link_spike")
    _one(data, "clearnet image files", "rose from", "March 2020", "times the usual level")
    assert spike["start"].startswith("2020-03")

    down = world7.event("host_down")
    text = _one(
        data,
        f"Links to {defang_host(down['host'])} fell",
        "re-upload requests",
        "dead-link reports",
        f"{defang_host(down['replacement']['host'])} rose",
        "May 2020",
    )
    assert "links a week" in text

    merge = world7.event("host_merge")
    _one(
        data,
        "Links moved from",
        *(defang_host(host) for host in merge["sources"]),
        defang_host(merge["target"]),
        "April 2020",
    )

    outage = world7.event("site_outage")
    _one(
        data,
        f"{outage['site']} could not be reached from "
        f"{long_date(date.fromisoformat(outage['start']))} to "
        f"{long_date(date.fromisoformat(outage['end']))}",
    )

    sister = world7.event("sister_site_outage")
    _one(
        data,
        f"{sister['site']} could not be reached from "
        f"{long_date(date.fromisoformat(sister['start']))} to "
        f"{long_date(date.fromisoformat(sister['end']))}",
    )
    _one(
        data,
        f"Posts in {sister['spiking_site']}/{sister['spiking_section_title']} rose",
        f"while {sister['site']}, a Russian-language site, was unreachable",
    )

    dormant = world7.event("dormant_return")
    _one(
        data,
        f"members of {dormant['site']}",
        f"posted again on {long_date(date.fromisoformat(dormant['return_date']))}",
        *(pseudonym(m["handle"]) for m in dormant["members"]),
    )

    shared = world7.event("shared_handle")
    _one(data, pseudonym(shared["handle"]), "the same handle on", *shared["sites"])

    watch = world7.event("watchlisted_activity_after_date")
    _one(
        data,
        f"Watch-listed member {pseudonym(watch['handle'])} posted {watch['posts_after']} times",
        f"on {watch['site']} after {long_date(date.fromisoformat(watch['after']))}",
    )

    tag = world7.event("tag_share")
    _one(
        data,
        f"In {tag['site']}/{tag['section_title']}, the share of new threads tagged "
        f"'{tag['tag'].strip('[]')}' rose",
    )

    # The same sentences reach the Markdown report.
    markdown = render_markdown(data)
    assert "Keyword wave: covid" in markdown
    assert defang_host(down["host"]).replace("[", "\\[").replace("]", "\\]") in markdown


def test_findings_quote_short_posts_with_defanged_urls(report_data: ReportData) -> None:
    quoted = [q for f in report_data.findings for q in f.quotes]
    assert len(quoted) >= 10
    for quote in quoted:
        assert len(quote.text) <= 200
        assert "http://" not in quote.text and "https://" not in quote.text
        assert quote.author.startswith("member-")
    host_down = next(f for f in report_data.findings if f.title.startswith("Host down"))
    assert host_down.quotes, "the re-upload requests that name the host are quoted"


def test_headlines_compare_with_the_previous_period(report_data: ReportData) -> None:
    by_label = {h.label: h for h in report_data.headlines}
    posts = by_label["Posts"]
    assert posts.value and posts.previous and posts.change is not None
    assert sum(site.posts_in_period for site in report_data.sites) == posts.value
    assert by_label["Site-days unavailable"].value == 14 + 3
    keyword = next(h for h in report_data.headlines if "covid" in h.label)
    assert keyword.share and keyword.value is not None and keyword.value > 0.05
