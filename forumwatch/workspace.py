"""A workspace: one folder holding a deployment's settings, store, archive and reports.

```
workspace/
  forumwatch.toml   settings ([settings] table), optional
  forumwatch.db     the SQLite store (unless store_url points elsewhere)
  warc/             the archive
  reports/          generated reports
  lexicons/         analysts' watch-term lexicons (*.toml), optional
  requests/         extra re-upload / dead-link phrases (*.toml), optional
  hosts.toml        host families, optional
  places.toml       gazetteer rules (ambiguous names, extra names), optional
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from forumwatch.crawl.warc import WarcArchive
from forumwatch.errors import WorkspaceError
from forumwatch.privacy import Pseudonymiser, load_or_create_key
from forumwatch.settings import Settings, load_settings
from forumwatch.store import Store, open_store

if TYPE_CHECKING:
    from forumwatch.enrich import Enricher

SETTINGS_FILE = "forumwatch.toml"
DATABASE_FILE = "forumwatch.db"
MARKER = SETTINGS_FILE

_TEMPLATE = """# forumwatch workspace settings; `forumwatch settings` lists them all.
[settings]
"""


@dataclass(frozen=True)
class Workspace:
    """An initialised workspace folder and its effective settings."""

    path: Path
    settings: Settings

    @property
    def store_url(self) -> str:
        """The store's URL: the setting, or the SQLite file inside the workspace."""
        return self.settings.store_url or f"sqlite:///{self.path / DATABASE_FILE}"

    @property
    def warc_dir(self) -> Path:
        """Where WARC files are written."""
        return self.path / self.settings.warc_dir

    @property
    def reports_dir(self) -> Path:
        """Where reports are written."""
        return self.path / "reports"

    def archive(self, prefix: str) -> WarcArchive:
        """A WARC writer into the workspace's archive folder, as the settings say."""
        return WarcArchive(
            self.warc_dir,
            prefix=prefix,
            max_bytes=self.settings.warc_max_bytes,
            compression_level=self.settings.warc_compression_level,
        )

    def pseudonymiser(self, redact: bool = False) -> Pseudonymiser:
        """Keyed pseudonyms of handles under this workspace's secret key."""
        return Pseudonymiser(load_or_create_key(self.path), redact=redact)

    def open_store(self) -> Store:
        """Open (and migrate) the workspace's store."""
        return open_store(self.store_url)

    def enricher(self) -> Enricher:
        """The enrichment chain with this workspace's lexicons, phrases, hosts and places."""
        from forumwatch.enrich import Enricher

        return Enricher.for_workspace(self.path)


def init_workspace(path: Path, overrides: Mapping[str, object] | None = None) -> Workspace:
    """Create (or reuse) a workspace folder, write its settings file and create the store."""
    path = path.resolve()
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path} exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    settings_file = path / SETTINGS_FILE
    if not settings_file.exists():
        settings_file.write_text(_TEMPLATE, encoding="utf-8")
    workspace = open_workspace(path, overrides)
    workspace.warc_dir.mkdir(parents=True, exist_ok=True)
    workspace.reports_dir.mkdir(parents=True, exist_ok=True)
    workspace.open_store().close()
    return workspace


def open_workspace(path: Path, overrides: Mapping[str, object] | None = None) -> Workspace:
    """Open an initialised workspace.

    Raises:
        WorkspaceError: the folder is missing or was never initialised.
    """
    path = path.resolve()
    if not (path / MARKER).is_file():
        raise WorkspaceError(
            f"{path} is not a forumwatch workspace (run `forumwatch init {path}` first)"
        )
    settings = load_settings(path / SETTINGS_FILE, overrides=overrides)
    return Workspace(path, settings)
