"""Fixtures for the simulator tests: worlds are built once per session (they are immutable)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.sim import World, WorldConfig

END = datetime(2020, 6, 30, 20, 0, tzinfo=UTC)
"""A moment after the last generated post (evening of the monitoring end)."""


@pytest.fixture(scope="session")
def small_world() -> World:
    """The default demo world (seed 7, size small)."""
    return World(WorldConfig(seed=7, size="small"))


@pytest.fixture(scope="session")
def tiny_world() -> World:
    """A tiny world for quick structural checks."""
    return World(WorldConfig(seed=3, size="tiny"))
