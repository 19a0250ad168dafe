"""`forumwatch migrate SOURCE-URL TARGET-URL`: move a store to another backend, checked."""

from __future__ import annotations

import click
from rich.table import Table

from forumwatch.cli import main_group
from forumwatch.cli.common import console, errors


@main_group.command("migrate")
@click.argument("source_url")
@click.argument("target_url")
@click.option(
    "--batch", type=int, default=5_000, show_default=True, help="Rows copied per transaction."
)
def migrate_command(source_url: str, target_url: str, batch: int) -> None:
    """Copy the store at SOURCE-URL (e.g. sqlite:///ws/forumwatch.db) into the empty store at
    TARGET-URL (e.g. postgresql://user@host/forumwatch), then compare them table by table.

    Interrupted? Run the same command again: it continues where it stopped. Stop crawl workers
    first; then point the workspaces' store_url setting at TARGET-URL.
    """
    from forumwatch.store.migrate import migrate_store

    last_table = ""

    def progress(table: str, rows: int) -> None:
        nonlocal last_table
        if table != last_table:
            last_table = table
            console.print(f"copying {table} ...")
        if rows % (batch * 20) < batch:
            console.print(f"  {table}: {rows:,} rows")

    report = migrate_store(source_url, target_url, max(1, batch), progress)
    table = Table(title="migrate: " + ("resumed copy" if report.resumed else "copy"))
    table.add_column("table")
    table.add_column("source rows", justify="right")
    table.add_column("target rows", justify="right")
    table.add_column("digest")
    for check in report.tables:
        table.add_row(
            check.name,
            f"{check.source_rows:,}",
            f"{check.target_rows:,}",
            "same" if check.ok else "DIFFERENT",
        )
    console.print(table)
    same_posts = report.source_post_digest == report.target_post_digest
    console.print(f"post digest: {'same' if same_posts else 'DIFFERENT'}")
    if not report.ok:
        errors.print("error: the target does not match the source")
        raise SystemExit(1)
    console.print(f"done: {report.copied_rows:,} rows copied in this run; the stores match")
