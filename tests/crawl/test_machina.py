"""A real forum engine: django-machina, seeded through its own models, crawled end to end.

The board runs in its own process (``tests.crawl.machina_site``) on 127.0.0.1; its posts link
to images on a second local server, which must receive no request at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from forumwatch.clock import SimulatedClock
from forumwatch.models import Site
from forumwatch.store import Store
from tests.conftest import T0
from tests.crawl.fault_server import CountingServer
from tests.crawl.helpers import crawl, fast_settings, fetch_log, stored_posts

pytest.importorskip("machina")


@pytest.fixture(scope="module")
def images() -> Iterator[CountingServer]:
    with CountingServer() as server:
        yield server


@pytest.fixture(scope="module")
def machina_board(
    tmp_path_factory: pytest.TempPathFactory, images: CountingServer
) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("machina")
    info = folder / "info.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.crawl.machina_site",
            "--db",
            str(folder / "board.sqlite3"),
            "--info",
            str(info),
            "--image-port",
            str(images.port),
        ],
        cwd=Path(__file__).parents[2],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not info.exists():
            assert process.poll() is None, "the machina board did not start"
            assert time.monotonic() < deadline, "the machina board took too long to start"
            time.sleep(0.1)
        yield json.loads(info.read_text())
    finally:
        process.terminate()
        process.wait(20)


@pytest.mark.slow
def test_every_machina_post_is_stored_with_author_and_time(
    machina_board: dict[str, Any], images: CountingServer, store: Store, tmp_path: Path
) -> None:
    base_url = f"http://127.0.0.1:{machina_board['port']}/"
    site = store.add_site(Site("machina", base_url, engine="machina", timezone="UTC"), T0)
    clock = SimulatedClock(datetime(2020, 7, 1, 12, 0, tzinfo=UTC))
    [summary] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
    assert summary.status == "ok", summary
    stored = stored_posts(store, "machina")
    expected = {
        str(post["id"]): (post["author"], datetime.fromisoformat(post["created"]))
        for post in machina_board["posts"]
    }
    assert {k: (v[0], v[1]) for k, v in stored.items()} == expected
    assert images.requests == []
    assert not any("/photos/" in url for url, _, _ in fetch_log(store, "machina"))
    # A second run finds nothing changed and revisits no thread.
    [again] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
    assert again.status == "ok" and again.new_posts == 0 and again.threads_visited == 0
