"""The small simulated world replayed into a store once per test session (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from forumwatch.enrich import Enricher
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.world import World
from forumwatch.store import Store, open_store

MONITORING_START = date(2020, 2, 1)
"""The replay's first crawl: it backfills 2019 and January, then crawls daily to 30 June."""


@dataclass
class Replayed:
    """A replayed world: its store, the world and its planted truth."""

    store: Store
    world: World
    truth: dict[str, Any]

    def event(self, kind: str) -> dict[str, Any]:
        """The planted event of a type."""
        return next(e for e in self.truth["events"] if e["type"] == kind)


@pytest.fixture(scope="session")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replayed]:
    """The small world (about 25,000 posts) monitored daily from February to June 2020."""
    world = World(WorldConfig(seed=7, size="small"))
    path = tmp_path_factory.mktemp("replay") / "store.db"
    store = open_store(f"sqlite:///{path}")
    replay_world(world, store, Enricher(), start=MONITORING_START)
    yield Replayed(store, world, world.truth())
    store.close()
