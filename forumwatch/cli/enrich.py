"""`forumwatch enrich --rebuild`: re-enrich every stored post after a data-file change."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from forumwatch.cli import main_group
from forumwatch.cli.common import console, errors, workspace_of
from forumwatch.enrich.rebuild import rebuild_enrichment


@main_group.command("enrich")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Re-enrich every stored post (after editing lexicons/, requests/, hosts.toml or "
    "places.toml) and rebuild the rollups.",
)
@click.option("--batch", default=500, show_default=True, help="Posts per transaction.")
@click.pass_context
def enrich_command(context: click.Context, rebuild: bool, batch: int) -> None:
    """Enrichment of stored posts: links, language, watch terms, requests, crypto, places."""
    if not rebuild:
        raise click.UsageError("nothing to do: pass --rebuild to re-enrich the stored posts")
    workspace = workspace_of(context)
    enricher = workspace.enricher()
    store = workspace.open_store()
    try:
        total = store.counts().posts
        with Progress(
            TextColumn("[bold]re-enriching"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=errors,
            disable=not errors.is_terminal,
        ) as progress:
            task = progress.add_task("posts", total=total)
            result = rebuild_enrichment(
                store,
                enricher,
                on_progress=lambda done: progress.update(task, completed=done),
                batch=batch,
            )
    finally:
        store.close()
    console.print(
        f"re-enriched {result.posts:,} posts: {result.changed:,} changed; "
        f"rollups rebuilt ({result.rollup_rows:,} rows)"
    )
