"""Read one real capture with its URL and capture time (a helper module for the engine tests)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from tests.parse.parse_helpers import ENGINES, load_manifest


class Capture(NamedTuple):
    """A captured page, where it came from, when, and its manifest entry."""

    html: str
    url: str
    captured_at: datetime
    entry: dict[str, Any]


@cache
def _entries(engine: str) -> dict[str, dict[str, Any]]:
    return {entry["file"]: entry for entry in load_manifest(engine)["files"]}


def capture(engine: str, file: str) -> Capture:
    """The page ``file`` of ``engine``'s captures."""
    entry = _entries(engine)[file]
    html = (ENGINES / engine / file).read_text(encoding="utf-8")
    captured = datetime.fromisoformat(entry["captured_at_utc"].replace("Z", "+00:00"))
    return Capture(html, entry["url"], captured, entry)
