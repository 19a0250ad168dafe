"""Fixtures for the parser tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.parse.parse_helpers import load_manifest


@pytest.fixture(scope="session")
def phpbb_manifest() -> dict[str, Any]:
    """The phpBB manifest."""
    return load_manifest("phpbb")
