"""Enrichment throughput: posts/s of the whole chain on one core, and each enricher's share.

The posts are the simulated world's (multilingual chatter, links, defanged URLs, requests,
crypto, places). The figure is single-process, so it is the per-core rate. Same-run baselines:
the chain without places, and language detection alone (the cost floor of the chain).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import Options, Result
from forumwatch.enrich import Enricher
from forumwatch.enrich.crypto import find_crypto
from forumwatch.enrich.links import extract_links
from forumwatch.enrich.tokens import TextView
from forumwatch.models import Post
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.world import World

TARGET = 20_000.0


def _rate(posts: list[Post], function: Callable[[Post], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for post in posts:
            function(post)
        best = min(best, time.perf_counter() - started)
    return len(posts) / best


def _seconds(items: list[object], function: Callable[[object], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return best


def run(options: Options) -> list[Result]:
    """Measure the chain; the target is >= 20k posts/s per core."""
    size = 5_000 if options.quick else 25_000
    world = World(WorldConfig(seed=7, size=size))
    posts = [record.post for record in world.iter_posts()]
    enricher = Enricher()
    for post in posts[:2000]:
        enricher.enrich(post)  # warm caches as a long crawl would
    chain = _rate(posts, enricher.enrich)
    no_places = Enricher(places=False)
    without_places = _rate(posts, no_places.enrich)
    language_only = _rate(posts, lambda post: enricher.language.detect(post.text))

    # Each enricher's share of the chain's time, measured separately on the same posts.
    prepared = [extract_links(post.links, post.text) for post in posts]
    views: list[object] = [TextView.of(prose) for _, prose in prepared]
    texts: list[object] = [prose for _, prose in prepared]
    shares = {
        "links": _seconds(list(posts), lambda p: extract_links(p.links, p.text)),  # type: ignore[attr-defined]
        "tokens": _seconds(texts, TextView.of),  # type: ignore[arg-type]
        "language": _seconds(texts, enricher.language.detect),  # type: ignore[arg-type]
        "terms": _seconds(views, enricher.terms.find),  # type: ignore[arg-type]
        "requests": _seconds(views, enricher.requests.find),  # type: ignore[arg-type]
        "crypto": _seconds(views, find_crypto),  # type: ignore[arg-type]
        "places": _seconds(views, enricher.places.find),  # type: ignore[arg-type,union-attr]
    }
    total = sum(shares.values())
    note = ", ".join(f"{name} {100 * seconds / total:.0f}%" for name, seconds in shares.items())
    return [
        Result(
            "enrich",
            f"whole chain, posts/s per core ({len(posts):,} sim posts)",
            chain,
            "posts/s",
            target=">= 20,000",
            met=chain >= TARGET,
            baseline=language_only,
            baseline_name="language detection alone",
            note="shares: " + note,
        ),
        Result(
            "enrich",
            "chain without places, posts/s",
            without_places,
            "posts/s",
            baseline=chain,
            baseline_name="whole chain",
        ),
    ]


if __name__ == "__main__":
    for result in run(Options()):
        print(result)
