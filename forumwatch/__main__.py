"""``python -m forumwatch`` runs the command line."""

from __future__ import annotations

from forumwatch.cli import main

main()
