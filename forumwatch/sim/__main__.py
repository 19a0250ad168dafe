"""Command line of the simulator: ``python -m forumwatch.sim serve|truth|bench``.

``serve`` runs the simulated sites in this process until SIGTERM/SIGINT and writes their ports to
``--ports-file`` (JSON) once they listen; the clock is moved with ``POST /_sim/clock?at=ISO`` on any
site port.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import click

from forumwatch.clock import SimulatedClock, as_utc
from forumwatch.sim.bench import measure_iter_posts, measure_serving
from forumwatch.sim.config import WorldConfig, parse_size
from forumwatch.sim.server import SimServer
from forumwatch.sim.world import World


def _world(seed: int, size: str) -> World:
    return World(WorldConfig(seed=seed, size=parse_size(size)))


@click.group()
def main() -> None:
    """The simulated forum world of forumwatch."""


@main.command()
@click.option("--seed", default=7, show_default=True, help="World seed.")
@click.option("--size", default="small", show_default=True, help="Preset or number of posts.")
@click.option("--ports-file", type=click.Path(path_type=Path), help="Write the ports here (JSON).")
@click.option("--hang-seconds", default=5.0, show_default=True, help="Hold of a hanging outage.")
@click.option("--at", "start", default=None, help="Initial simulated time (ISO 8601).")
@click.option("--base-port", default=0, help="Serve the sites on consecutive ports from here.")
def serve(
    seed: int,
    size: str,
    ports_file: Path | None,
    hang_seconds: float,
    start: str | None,
    base_port: int,
) -> None:
    """Serve the simulated sites on 127.0.0.1 until interrupted."""
    world = _world(seed, size)
    if start:
        moment = as_utc(datetime.fromisoformat(start.replace("Z", "+00:00")))
    else:
        first = world.config.monitoring_start
        moment = datetime(first.year, first.month, first.day, tzinfo=UTC)
    clock = SimulatedClock(moment)
    ports = (
        {name: base_port + offset for offset, name in enumerate(world.site_names)}
        if base_port
        else None
    )
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with SimServer(world, clock, hang_seconds=hang_seconds, ports=ports) as server:
        info = {
            "pid": os.getpid(),
            "seed": seed,
            "size": size,
            "clock": clock.now().isoformat(),
            "sites": {
                name: {
                    "port": server.port_for(name),
                    "base_url": server.base_url(name),
                    "onion_host": server.onion_host(name),
                }
                for name in server.site_names
            },
        }
        text = json.dumps(info, indent=1)
        if ports_file is not None:
            partial = ports_file.with_name(ports_file.name + ".partial")
            partial.write_text(text, "utf-8")
            partial.replace(ports_file)
        click.echo(text)
        while not stop.wait(0.5):
            pass


@main.command()
@click.option("--seed", default=7, show_default=True)
@click.option("--size", default="small", show_default=True)
@click.argument("path", type=click.Path(path_type=Path))
def truth(seed: int, size: str, path: Path) -> None:
    """Write the planted truth of a world as JSON."""
    _world(seed, size).write_truth(path)
    click.echo(str(path))


@main.command()
@click.option("--seed", default=7, show_default=True)
@click.option("--size", default="small", show_default=True)
@click.option("--seconds", default=5.0, show_default=True)
def bench(seed: int, size: str, seconds: float) -> None:
    """Measure pages/s served over HTTP and posts/s from iter_posts."""
    world = _world(seed, size)
    click.echo(json.dumps({"serving": measure_serving(world, seconds=seconds)}, indent=1))
    click.echo(json.dumps({"iter_posts": measure_iter_posts(_world(seed, size))}, indent=1))


if __name__ == "__main__":
    main()
