"""`forumwatch user add|list|remove`: the dashboard's users."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from forumwatch.cli import main_group
from forumwatch.cli.common import console, workspace_of
from forumwatch.errors import ConfigError


@main_group.group("user")
def user_group() -> None:
    """Dashboard users and their roles (viewer, analyst, admin)."""


@user_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["viewer", "analyst", "admin"]),
    default="viewer",
    show_default=True,
    help="viewer: read, pseudonymised; analyst: also reveal handles and generate reports; "
    "admin: also the audit log.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
@click.pass_context
def user_add(context: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add a dashboard user NAME (the password is asked for, never given as an argument)."""
    from datetime import UTC, datetime

    from forumwatch.web.audit import Auditor
    from forumwatch.web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise ConfigError("no password given")
    store = workspace_of(context).open_store()
    try:
        user = add_user(store, name, password, role, datetime.now(UTC))
        Auditor(store, lambda: datetime.now(UTC)).record(
            "cli", "admin", "user_add", {"name": user.name, "role": user.role}
        )
    finally:
        store.close()
    console.print(f"added {user.name} ({user.role})")


@user_group.command("list")
@click.pass_context
def user_list(context: click.Context) -> None:
    """List dashboard users."""
    store = workspace_of(context).open_store()
    try:
        users = store.list_users()
    finally:
        store.close()
    table = Table(title="dashboard users")
    for column in ("name", "role", "created", "last login"):
        table.add_column(column)
    for user in users:
        table.add_row(
            user.name,
            user.role,
            f"{user.created_at:%Y-%m-%d %H:%M}",
            "-" if user.last_login_at is None else f"{user.last_login_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@user_group.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(context: click.Context, name: str) -> None:
    """Remove a dashboard user; their sessions end at once."""
    from datetime import UTC, datetime

    from forumwatch.web.audit import Auditor

    store = workspace_of(context).open_store()
    try:
        store.remove_user(name)
        Auditor(store, lambda: datetime.now(UTC)).record(
            "cli", "admin", "user_remove", {"name": name}
        )
    finally:
        store.close()
    console.print(f"removed {name}")
