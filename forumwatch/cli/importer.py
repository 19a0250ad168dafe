"""``forumwatch import``: WARC files, HAR files and saved folders through the parsers."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from forumwatch.cli import main_group
from forumwatch.cli.common import console, errors, workspace_of


class _ImportProgress:
    """A progress bar on stderr (a counter when the total is not known in advance)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("import", total=None, stored=0)
        self.stored = 0

    def on_start(self, total: int | None) -> None:
        """Set the bar's total."""
        self.progress.update(self.task, total=total)

    def on_capture(self, source: str, outcome: str) -> None:
        """Advance by one capture."""
        if outcome == "stored":
            self.stored += 1
        self.progress.update(self.task, advance=1, stored=self.stored)


@main_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--site", "site_name", help="Store every page under this site (created if new).")
@click.option("--engine", help="Parse with this engine instead of detecting it.")
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Parse with this site profile (TOML with a [parse] table).",
)
@click.pass_context
def import_command(
    context: click.Context,
    path: Path,
    site_name: str | None,
    engine: str | None,
    profile_file: Path | None,
) -> None:
    """Import PATH: a WARC file, a HAR file, or a folder of saved pages (wget, HTTrack)."""
    from forumwatch.ingest import import_path
    from forumwatch.parse.profile import load_profile

    workspace = workspace_of(context)
    profile = load_profile(profile_file) if profile_file else None
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stored]:,} pages with new posts"),
        TimeElapsedColumn(),
        console=errors,
        disable=not errors.is_terminal,
    ) as progress:
        summary = import_path(
            workspace, path, site_name, engine, profile, progress=_ImportProgress(progress)
        )
    table = Table(title=f"import of {path.name}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in (
        ("captures read", summary.captures),
        ("pages imported", summary.pages),
        ("new posts", summary.new_posts),
        ("changed posts", summary.changed_posts),
        ("parse problems", summary.problems),
        ("skipped", summary.skipped_total),
    ):
        table.add_row(name, f"{value:,}")
    for reason, count in sorted(summary.skipped.items()):
        table.add_row(Text(f"  skipped: {reason}"), f"{count:,}")
    table.add_row("sites", Text(", ".join(sorted(summary.sites)) or "-"))
    console.print(table)
