"""Ingest captures made elsewhere: WARC files, HAR files, saved folders (``forumwatch import``)."""

from __future__ import annotations

from forumwatch.ingest.importer import ImportProgress, ImportSummary, import_path

__all__ = ["ImportProgress", "ImportSummary", "import_path"]
