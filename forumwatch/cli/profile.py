"""``forumwatch profile test``: what the parsers extract from one page, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from forumwatch.cli import main_group
from forumwatch.cli.common import console
from forumwatch.clock import SystemClock
from forumwatch.errors import WorkspaceError
from forumwatch.models import IndexPage, ListingPage, ParsedPage, Post, ThreadPage
from forumwatch.settings import Settings
from forumwatch.workspace import open_workspace

MAX_TEXT = 600
"""Characters of a post's text shown."""


@main_group.group("profile")
def profile_group() -> None:
    """Site profiles: adapt a parser to a custom-themed site."""


@profile_group.command("test")
@click.argument("source")
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A site profile (TOML with a [parse] table).",
)
@click.option("--engine", help="Parse with this engine instead of detecting it.")
@click.option("--url", help="The URL a saved FILE was fetched from (for links and page kinds).")
@click.option("--timezone", default="UTC", show_default=True, help="The board's timezone.")
@click.option(
    "--captured-at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    help="When a saved FILE was captured, UTC (default: its modification time).",
)
@click.pass_context
def profile_test_command(
    context: click.Context,
    source: str,
    profile_file: Path | None,
    engine: str | None,
    url: str | None,
    timezone: str,
    captured_at: datetime | None,
) -> None:
    """Show what forumwatch extracts from SOURCE (a saved file, or a URL fetched once)."""
    from forumwatch.crawl.profile import load_profile as load_crawl_profile
    from forumwatch.ingest.probe import fetch_one, load_file, probe
    from forumwatch.parse.profile import load_profile

    profile = load_profile(profile_file) if profile_file else None
    if captured_at is not None:
        captured_at = captured_at.replace(tzinfo=UTC)
    clock = SystemClock()
    path = Path(source)
    if path.is_file():
        loaded = load_file(path, url, captured_at)
    else:
        crawl_profile = load_crawl_profile(profile_file) if profile_file else None
        loaded = fetch_one(source, _settings(context), clock, crawl_profile)
    result = probe(loaded, profile, engine, profile.timezone if profile else timezone)
    summary = Table(title="page", show_header=False)
    summary.add_column("field")
    summary.add_column("value")
    summary.add_row("url", Text(loaded.url))
    summary.add_row("engine", Text(result.engine or "none recognised"))
    summary.add_row("confidence", f"{result.confidence:.2f}")
    summary.add_row("kind", str(result.kind))
    console.print(summary)
    if result.page is not None:
        for table in page_tables(result.page):
            console.print(table)


def _settings(context: click.Context) -> Settings:
    """The workspace's settings (its proxy) when there is a workspace, else the defaults."""
    try:
        return open_workspace(context.obj["workspace"]).settings
    except WorkspaceError:
        return Settings()


def page_tables(page: ParsedPage) -> list[Table]:
    """Rich tables of a parsed page, every value shown as plain text (never as markup)."""
    tables: list[Table] = []
    if isinstance(page, IndexPage):
        columns = ("id", "title", "parent", "threads", "posts", "last post")
        tables.append(_rows("sections", columns, [
            (s.native_id, s.title, s.parent_native_id, s.thread_count, s.post_count, s.last_post_at)
            for s in page.sections
        ]))  # fmt: skip
    elif isinstance(page, ListingPage):
        section = page.section
        tables.append(_rows("section", ("id", "title", "parent", "page", "pages"), [
            (section.native_id if section else None, section.title if section else None,
             section.parent_native_id if section else None, page.pagination.page,
             page.pagination.pages)
        ]))  # fmt: skip
        tables.append(_rows("threads", ("id", "title", "tags", "author", "replies", "first post",
                                        "last post", "sticky", "locked"), [
            (t.native_id, t.title, ", ".join(t.tags), t.author, t.replies, t.first_post_at,
             t.last_post_at, t.sticky, t.locked)
            for t in page.threads
        ]))  # fmt: skip
        if page.subsections:
            tables.append(_rows("sub-sections", ("id", "title"), [
                (s.native_id, s.title) for s in page.subsections
            ]))  # fmt: skip
    elif isinstance(page, ThreadPage):
        t = page.thread
        tables.append(_rows("thread", ("id", "title", "tags", "section", "locked", "page",
                                       "pages"), [
            (t.native_id, t.title, ", ".join(t.tags), t.section_native_id, t.locked,
             page.pagination.page, page.pagination.pages)
        ]))  # fmt: skip
        for post in page.posts:
            tables.append(_post_table(post))
    if page.problems:
        tables.append(_rows("problems", ("field", "message", "post", "snippet"), [
            (p.field, p.message, p.post_native_id, p.snippet) for p in page.problems
        ]))  # fmt: skip
    return tables


def _post_table(post: Post) -> Table:
    """One post, field by field."""
    table = Table(title=f"post {post.native_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    quotes = "\n".join(
        f"{'>' * q.depth} {q.author or '?'} (post {q.post_native_id or '?'}): {_short(q.text)}"
        for q in post.quotes
    )
    edit = post.edit
    for name, value in (
        ("author", post.author.handle if post.author else None),
        ("posted at (UTC)", post.posted_at),
        ("title", post.title),
        ("text", _short(post.text)),
        ("quotes", quotes),
        ("links", "\n".join(post.links)),
        ("edit", f"{edit.by or '?'}, {edit.at or '?'}, {edit.reason or ''}" if edit else None),
        ("position", post.position),
    ):
        table.add_row(name, Text("" if value is None else str(value)))
    return table


def _rows(title: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> Table:
    table = Table(title=f"{title} ({len(rows)})")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if value is None else str(value)) for value in row))
    return table


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_TEXT else flat[: MAX_TEXT - 1] + "…"
