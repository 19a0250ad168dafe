"""`forumwatch serve`: the dashboard under uvicorn (loopback by default)."""

from __future__ import annotations

import click

from forumwatch.cli import main_group
from forumwatch.cli.common import console, workspace_of


@main_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port to listen on.")
@click.pass_context
def serve_command(context: click.Context, host: str, port: int) -> None:
    """Serve the web dashboard (login required; add users with `forumwatch user add`).

    It listens on loopback by default: put it behind a TLS reverse proxy to reach it from other
    machines (session cookies are marked Secure when the request arrives over HTTPS).
    """
    import uvicorn

    from forumwatch.web.app import create_app

    workspace = workspace_of(context)
    app = create_app(workspace)
    if not app.state.web.store.list_users():
        console.print(
            "no dashboard users yet: add one with `forumwatch user add NAME --role admin`"
        )
    console.print(f"forumwatch dashboard on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
