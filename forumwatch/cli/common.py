"""What every command module shares: consoles, the workspace option, progress displays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from forumwatch.crawl.crawler import SiteCrawlSummary
from forumwatch.models import Fetch
from forumwatch.workspace import Workspace, open_workspace

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


class LiveCrawlProgress:
    """Shows pages fetched and posts stored per site while a crawl runs."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}
        self.posts: dict[str, int] = {}

    def _task(self, site: str) -> Any:
        if site not in self.tasks:
            self.tasks[site] = self.progress.add_task(site, total=None, posts=0)
            self.posts[site] = 0
        return self.tasks[site]

    def on_fetch(self, site: str, fetch: Fetch) -> None:
        """Count a fetched page."""
        self.progress.advance(self._task(site))

    def on_stored(self, site: str, new_posts: int, changed_posts: int) -> None:
        """Count stored posts."""
        task = self._task(site)
        self.posts[site] += new_posts
        self.progress.update(task, posts=self.posts[site])


def workspace_of(context: click.Context) -> Workspace:
    """The workspace named by the global --workspace option."""
    path: Path = context.obj["workspace"]
    return open_workspace(path)


def summary_table(summaries: list[SiteCrawlSummary]) -> Table:
    """The table printed at the end of a crawl."""
    table = Table(title="crawl summary")
    for column in (
        "site",
        "status",
        "pages",
        "failed",
        "new posts",
        "changed",
        "threads",
        "errors",
    ):
        table.add_column(
            column, justify="right" if column not in {"site", "status", "errors"} else "left"
        )
    for s in summaries:
        table.add_row(
            s.site,
            s.status + (f" ({s.detail})" if s.detail else ""),
            str(s.pages),
            str(s.failed),
            str(s.new_posts),
            str(s.changed_posts),
            str(s.threads_visited),
            ", ".join(f"{k} x{v}" for k, v in sorted(s.errors.items())) or "-",
        )
    return table


def live_progress() -> Progress:
    """A rich progress display on stderr; silent when stderr is not a terminal (logs, pipes)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[posts]:,} posts"),
        TimeElapsedColumn(),
        console=errors,
        transient=False,
        disable=not errors.is_terminal,
    )
