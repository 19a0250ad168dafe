"""`forumwatch series`, `forumwatch events` and `forumwatch alert add|list|remove|test|run`."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, date, datetime

import click
from rich.table import Table

from forumwatch.analyse.catalog import SERIES_NAMES, SeriesRequest, named_series
from forumwatch.analyse.series import Granularity, Scope, to_csv_rows
from forumwatch.cli import main_group
from forumwatch.cli.common import console, errors, workspace_of
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.pipeline import EnrichmentFiles
from forumwatch.errors import ConfigError
from forumwatch.workspace import Workspace


def _families(workspace: Workspace) -> HostFamilies:
    return HostFamilies.load(EnrichmentFiles.in_folder(workspace.path).hosts)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from error


@main_group.command("series")
@click.argument("name", type=click.Choice(SERIES_NAMES))
@click.option("--site", help="A site name.")
@click.option("--section", help="A section of --site, by native id or title.")
@click.option("--language", help="Sections in this language (ISO 639-1).")
@click.option("--thread", help="A thread of --site, by native id (posts only).")
@click.option("--lexicon", help="Watch-term lexicon (keyword, keyword-share).")
@click.option("--term", help="One term of --lexicon.")
@click.option("--host", help="Host (host-links) or host family (family-links, complaints).")
@click.option("--tag", help="Thread tag (tag-share, threads).")
@click.option("--network", default="clearnet", show_default=True, help="link-index network.")
@click.option("--media", default="image", show_default=True, help="link-index media class.")
@click.option("--ext", "extensions", multiple=True, help="link-index extension (repeatable).")
@click.option("--from", "start", help="First day (YYYY-MM-DD); default 90 days before --to.")
@click.option("--to", "end", help="Last day (YYYY-MM-DD); default the last stored post's day.")
@click.option(
    "--by",
    "granularity",
    type=click.Choice([g.value for g in Granularity]),
    default="day",
    show_default=True,
)
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to standard output.")
@click.pass_context
def series_command(
    context: click.Context,
    name: str,
    site: str | None,
    section: str | None,
    language: str | None,
    thread: str | None,
    lexicon: str | None,
    term: str | None,
    host: str | None,
    tag: str | None,
    network: str,
    media: str,
    extensions: tuple[str, ...],
    start: str | None,
    end: str | None,
    granularity: str,
    as_csv: bool,
) -> None:
    """Print one series (posts, members, keyword, link-index, host-links, tag-share ...)."""
    workspace = workspace_of(context)
    request = SeriesRequest(
        name=name,
        scope=Scope(site=site, section=section, language=language, thread=thread),
        start=_day(start, "--from"),
        end=_day(end, "--to"),
        granularity=Granularity(granularity),
        lexicon=lexicon,
        term=term,
        host=host,
        tag=tag,
        network=network,
        media=media,
        extensions=extensions or None,
        families=_families(workspace) if name == "family-links" else None,
        max_gap_days=workspace.settings.max_gap_days,
    )
    store = workspace.open_store()
    try:
        series = named_series(store, request)
    finally:
        store.close()
    if as_csv:
        csv.writer(sys.stdout).writerows(to_csv_rows([series]))
        return
    table = Table(title=series.name, caption=series.definition)
    for column in ("from", "value", "state", "unavailable days"):
        table.add_column(column, justify="right" if column != "state" else "left")
    for point in series.points:
        value = "-" if point.value is None else f"{point.value:,.4g}"
        table.add_row(str(point.day), value, str(point.state), str(point.unavailable_days))
    console.print(table)
    console.print(f"total: {series.total():,.4g} {series.unit}")


@main_group.command("events")
@click.option("--from", "start", help="First day (YYYY-MM-DD); default 90 days before --to.")
@click.option("--to", "end", help="Last day (YYYY-MM-DD); default the last stored post's day.")
@click.option(
    "--watch",
    "watch",
    multiple=True,
    help="SITE:HANDLE:YYYY-MM-DD (SITE may be *): report the member's posts after the date.",
)
@click.option("--json", "as_json", is_flag=True, help="Write the events as JSON lines.")
@click.pass_context
def events_command(
    context: click.Context,
    start: str | None,
    end: str | None,
    watch: tuple[str, ...],
    as_json: bool,
) -> None:
    """Detect what changed, when and why: outages, spikes, waves, host downtime, returns."""
    from forumwatch.analyse.detect import DetectionSettings
    from forumwatch.analyse.events import detect_events

    watch_list = []
    for entry in watch:
        parts = entry.rsplit(":", 1)
        site_handle = parts[0].split(":", 1)
        if len(parts) != 2 or len(site_handle) != 2:
            raise click.UsageError(f"--watch {entry!r}: expected SITE:HANDLE:YYYY-MM-DD")
        after = _day(parts[1], "--watch")
        assert after is not None
        watch_list.append((site_handle[0], site_handle[1], after))
    workspace = workspace_of(context)
    families = _families(workspace)
    store = workspace.open_store()
    try:
        last = store.counts().last_post_at
        to_day = _day(end, "--to") or (last.date() if last else datetime.now(UTC).date())
        from_day = _day(start, "--from") or date.fromordinal(to_day.toordinal() - 89)
        settings = DetectionSettings(
            max_gap_days=workspace.settings.max_gap_days,
            dormant_days=workspace.settings.dormant_days,
        )
        events = detect_events(store, from_day, to_day, families, settings, watch_list)
    finally:
        store.close()
    if as_json:
        for event in events:
            print(
                json.dumps(
                    {
                        "type": event.type.value,
                        "site": event.site,
                        "section": event.section,
                        "host": event.host,
                        "start": event.start.isoformat(),
                        "end": None if event.end is None else event.end.isoformat(),
                        "magnitude": event.magnitude,
                        "reason": None if event.reason is None else event.reason.value,
                        "confidence": event.confidence,
                        "summary": event.summary,
                        "evidence": event.evidence,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        return
    table = Table(title=f"events {from_day}..{to_day}")
    for column in ("start", "end", "type", "where", "reason", "summary"):
        table.add_column(column)
    for event in events:
        where = "/".join(x for x in (event.site, event.section, event.host) if x) or "-"
        table.add_row(
            str(event.start),
            str(event.end or "-"),
            event.type.value,
            where,
            event.reason.value if event.reason else "-",
            event.summary,
        )
    console.print(table)


@main_group.group("alert")
def alert_group() -> None:
    """Watch rules that notify by webhook and e-mail when matched after a crawl."""


@alert_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["term", "handle", "host", "event"]), required=True)
@click.option("--pattern", required=True, help="Lexicon/term, handle, host/family or event type.")
@click.option("--site", help="Only this site.")
@click.option("--webhook", help="URL to POST matches to (JSON).")
@click.option("--email", help="Address to e-mail matches to (SMTP settings).")
@click.pass_context
def alert_add(
    context: click.Context,
    name: str,
    kind: str,
    pattern: str,
    site: str | None,
    webhook: str | None,
    email: str | None,
) -> None:
    """Add a watch rule; it sees what is stored from now on."""
    from forumwatch.analyse.alerts import add_rule

    store = workspace_of(context).open_store()
    try:
        rule = add_rule(store, name, kind, pattern, datetime.now(UTC), site, webhook, email)
    finally:
        store.close()
    console.print(f"watch rule {rule.name!r} added ({rule.kind} {rule.pattern!r})")


@alert_group.command("list")
@click.pass_context
def alert_list(context: click.Context) -> None:
    """List the watch rules."""
    from forumwatch.analyse.alerts import list_rules

    store = workspace_of(context).open_store()
    try:
        rules = list_rules(store)
    finally:
        store.close()
    table = Table(title="watch rules")
    for column in ("name", "kind", "pattern", "webhook", "email", "checked up to post"):
        table.add_column(column)
    for rule in rules:
        table.add_row(
            rule.name,
            rule.kind,
            rule.pattern,
            rule.webhook_url or "-",
            rule.email or "-",
            str(rule.last_post_id),
        )
    console.print(table)


@alert_group.command("remove")
@click.argument("name")
@click.pass_context
def alert_remove(context: click.Context, name: str) -> None:
    """Delete a watch rule."""
    from forumwatch.analyse.alerts import remove_rule

    store = workspace_of(context).open_store()
    try:
        remove_rule(store, name)
    finally:
        store.close()
    console.print(f"watch rule {name!r} removed")


@alert_group.command("test")
@click.argument("name")
@click.pass_context
def alert_test(context: click.Context, name: str) -> None:
    """Send a test notification for a rule."""
    from forumwatch.analyse.alerts import send_test_notification

    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        run = send_test_notification(store, name, workspace.settings)
    finally:
        store.close()
    for line in run.deliveries:
        console.print(line)
    for line in run.failures:
        errors.print(line, markup=False)
    if run.failures:
        sys.exit(1)


@alert_group.command("run")
@click.pass_context
def alert_run(context: click.Context) -> None:
    """Check the rules now (a crawl does this after every run)."""
    from forumwatch.analyse.alerts import run_alerts

    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        run = run_alerts(
            store,
            datetime.now(UTC),
            workspace.pseudonymiser(),
            workspace.settings,
            _families(workspace),
        )
    finally:
        store.close()
    console.print(f"{run.rules} rule(s), {run.matches} new match(es), {run.notified} notified")
    for line in run.failures:
        errors.print(line, markup=False)
