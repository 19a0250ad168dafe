"""The simulated forum world used by ``forumwatch demo``, tests and benchmarks.

A deterministic world of three phpBB 3.3 boards built from one :class:`WorldConfig`, with planted
events (a keyword wave, a host going down, a sister site's outage ...) recorded in its truth, and
served over HTTP on 127.0.0.1::

    world = World(WorldConfig(seed=7, size="small"))
    clock = SimulatedClock(datetime(2020, 3, 1, tzinfo=UTC))
    with SimServer(world, clock) as server:
        server.base_url("harbour")   # http://127.0.0.1:PORT/
    world.truth()                    # what was planted, with exact counts
"""

from __future__ import annotations

from forumwatch.sim.config import SIZE_PRESETS, EventConfig, WorldConfig, parse_size
from forumwatch.sim.content import PostRecord
from forumwatch.sim.process import SimProcess
from forumwatch.sim.server import SimServer, SimServerError
from forumwatch.sim.world import POSTS_PER_PAGE, TOPICS_PER_PAGE, SiteWorld, World

__all__ = [
    "POSTS_PER_PAGE",
    "SIZE_PRESETS",
    "TOPICS_PER_PAGE",
    "EventConfig",
    "PostRecord",
    "SimProcess",
    "SimServer",
    "SimServerError",
    "SiteWorld",
    "World",
    "WorldConfig",
    "parse_size",
]
