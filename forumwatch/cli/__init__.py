"""The command line: thin click commands, each calling one library function.

Commands live in modules of this package by area and attach themselves to :data:`main_group`.
Errors that forumwatch raises on purpose become one line on stderr and exit code 1; usage
errors exit with 2 (click's convention). No traceback reaches the user for either.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from forumwatch import __version__
from forumwatch.cli.common import errors
from forumwatch.errors import ForumwatchError


@click.group()
@click.version_option(__version__, prog_name="forumwatch")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    envvar="FORUMWATCH_WORKSPACE",
    show_default=True,
    help="The workspace folder (settings, store, archive, reports).",
)
@click.pass_context
def main_group(context: click.Context, workspace: Path) -> None:
    """forumwatch: text-only monitoring and trend analysis of forums and other sites."""
    context.ensure_object(dict)
    context.obj["workspace"] = workspace


def _register_commands() -> None:
    # Importing a command module attaches its commands to main_group.
    from forumwatch.cli import (  # noqa: F401
        analysis,
        core,
        crawl,
        enrich,
        importer,
        migrate,
        profile,
        report,
        sites,
        users,
        web,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command line, turning forumwatch errors into one-line messages."""
    _register_commands()
    try:
        main_group.main(args=argv, prog_name="forumwatch", standalone_mode=False)
    except click.exceptions.Abort:
        errors.print("aborted")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ForumwatchError as error:
        # One line whatever the terminal width: scripts and logs read it as one.
        errors.print(f"error: {error}", markup=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
