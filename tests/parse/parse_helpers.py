"""Fixture locations for the parser tests (a helper module, imported by the tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ENGINES = Path(__file__).resolve().parents[1] / "fixtures" / "engines"
PHPBB = ENGINES / "phpbb"


def load_manifest(engine: str) -> dict[str, Any]:
    """The ground-truth manifest of one engine's captures."""
    return json.loads((ENGINES / engine / "manifest.json").read_text(encoding="utf-8"))
