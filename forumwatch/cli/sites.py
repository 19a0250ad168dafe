"""`forumwatch site add|list|show|update|remove`: the sites a workspace monitors."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from forumwatch.cli import main_group
from forumwatch.cli.common import console, workspace_of
from forumwatch.clock import SystemClock


@main_group.group("site")
def site_group() -> None:
    """Add, list, show, update and remove monitored sites."""


def _read_profile(path: Path | None) -> str:
    from forumwatch.crawl.profile import load_profile

    return load_profile(path).text if path is not None else ""


@site_group.command("add")
@click.argument("url")
@click.option("--name", help="Short unique name (default: from the host).")
@click.option("--engine", default="auto", show_default=True, help="Parser name, or auto.")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Site profile (TOML: [crawl], [login], [parse]); stored with the site.",
)
@click.option("--timezone", default="UTC", show_default=True, help="The board's timezone.")
@click.option("--language", help="The site's main language (ISO 639-1).")
@click.option("--proxy", help="This site's proxy, e.g. socks5h://127.0.0.1:9050.")
@click.pass_context
def site_add(
    context: click.Context,
    url: str,
    name: str | None,
    engine: str,
    profile_path: Path | None,
    timezone: str,
    language: str | None,
    proxy: str | None,
) -> None:
    """Add the site at URL to the workspace."""
    from forumwatch.crawl.service import add_site

    workspace = workspace_of(context)
    profile_text = _read_profile(profile_path)
    store = workspace.open_store()
    try:
        site = add_site(
            store,
            url,
            SystemClock().now(),
            name=name,
            engine=engine,
            profile_text=profile_text,
            timezone=timezone,
            language=language,
            proxy=proxy,
        )
    finally:
        store.close()
    console.print(f"added site {site.name}: {site.base_url}", markup=False)


@site_group.command("list")
@click.pass_context
def site_list(context: click.Context) -> None:
    """List the sites with their last crawl and when they are next due."""
    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        rows = []
        for site in store.list_sites():
            assert site.id is not None
            rows.append((site, store.site_state(site.id)))
    finally:
        store.close()
    table = Table(title=f"{len(rows)} sites")
    for column in ("name", "url", "engine", "status", "last crawl", "next due", "profile"):
        table.add_column(column)
    for site, state in rows:
        status = state.status + (" (defunct)" if site.defunct else "")
        if state.pass_started_at is not None and state.status != "crawling":
            status += ", pass open"
        table.add_row(
            site.name,
            site.base_url,
            site.engine,
            status,
            f"{state.last_crawl_started_at:%Y-%m-%d %H:%M}" if state.last_crawl_started_at else "-",
            f"{state.next_crawl_at:%Y-%m-%d %H:%M}" if state.next_crawl_at else "-",
            "yes" if site.profile_toml.strip() else "-",
        )
    console.print(table)


@site_group.command("show")
@click.argument("name")
@click.pass_context
def site_show(context: click.Context, name: str) -> None:
    """Show a site's settings, last status and profile."""
    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        site = store.get_site(name)
        assert site.id is not None
        state = store.site_state(site.id)
    finally:
        store.close()
    console.print(f"name: {site.name}\nurl: {site.base_url}\nengine: {site.engine}", markup=False)
    console.print(f"status: {state.status}" + (f" ({state.detail})" if state.detail else ""))
    console.print("profile:\n" + (site.profile_toml.strip() or "(defaults)"), markup=False)


@site_group.command("update")
@click.argument("name")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Replace the site's profile with this TOML file.",
)
@click.option("--engine", help="Parser name, or auto.")
@click.option("--proxy", help="This site's proxy ('' for the default).")
@click.option("--defunct/--active", default=None, help="Mark the site gone (or back).")
@click.pass_context
def site_update(
    context: click.Context,
    name: str,
    profile_path: Path | None,
    engine: str | None,
    proxy: str | None,
    defunct: bool | None,
) -> None:
    """Change a site's profile, engine, proxy or defunct flag."""
    from dataclasses import replace

    from forumwatch.crawl.service import set_site_profile

    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        if profile_path is not None:
            set_site_profile(store, name, _read_profile(profile_path))
        site = store.get_site(name)
        changes: dict[str, object] = {}
        if engine is not None:
            changes["engine"] = engine
        if proxy is not None:
            changes["proxy"] = proxy or None
        if defunct is not None:
            changes["defunct"] = defunct
        if changes:
            store.update_site(replace(site, **changes))  # type: ignore[arg-type]
    finally:
        store.close()
    console.print(f"updated site {name}", markup=False)


@site_group.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def site_remove(context: click.Context, name: str, yes: bool) -> None:
    """Remove a site and everything stored about it (the WARC files stay)."""
    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        store.get_site(name)
        if not yes:
            click.confirm(
                f"remove site {name} and all its posts, threads and fetch log?", abort=True
            )
        store.remove_site(name)
    finally:
        store.close()
    console.print(f"removed site {name}", markup=False)
