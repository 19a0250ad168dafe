"""`forumwatch crawl --worker`: one crawl worker of a shared (PostgreSQL) store.

Attached to the ``crawl`` command (see :mod:`forumwatch.cli.crawl`); the loop itself is
:mod:`forumwatch.crawl.worker`.
"""

from __future__ import annotations

from forumwatch.cli.common import console, summary_table
from forumwatch.clock import Clock
from forumwatch.workspace import Workspace


def run_worker_command(
    workspace: Workspace,
    clock: Clock,
    worker_id: str | None,
    lease_seconds: float,
    every: str | None,
    poll_seconds: float,
    exit_when_idle: bool,
) -> None:
    """Run a worker until interrupted (or idle, with ``exit_when_idle``); print what it did."""
    from forumwatch.crawl.schedule import parse_interval
    from forumwatch.crawl.worker import WorkerOptions, default_worker_id, run_worker
    from forumwatch.errors import ConfigError

    if lease_seconds <= 0:
        raise ConfigError("--lease must be more than zero seconds")
    options = WorkerOptions(
        worker_id=worker_id or default_worker_id(),
        lease_seconds=lease_seconds,
        poll_seconds=max(0.05, poll_seconds),
        exit_when_idle=exit_when_idle,
    )
    if every:
        options = WorkerOptions(
            options.worker_id,
            options.lease_seconds,
            parse_interval(every),
            options.poll_seconds,
            options.exit_when_idle,
        )
    console.print(f"worker {options.worker_id}: store {_redacted(workspace.store_url)}")
    summaries = run_worker(workspace, options, clock)
    if summaries:
        console.print(summary_table(summaries))


def _redacted(url: str) -> str:
    """The store URL without a password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"
