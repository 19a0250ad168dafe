"""Re-enrich every stored post: after a lexicon, request phrase, host family or place change.

Posts stream from the store in id batches (flat memory); each batch is enriched and written
back in one transaction that adjusts the rollups by what changed (unchanged posts are not
written). At the end the rollups are rebuilt from raw rows, so they equal a recomputation even
for a store written by an older forumwatch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from forumwatch.enrich.links import classify_links
from forumwatch.enrich.pipeline import Enricher
from forumwatch.store.base import Store


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """What a rebuild did."""

    posts: int
    changed: int
    rollup_rows: int


def rebuild_enrichment(
    store: Store,
    enricher: Enricher,
    on_progress: Callable[[int], None] | None = None,
    batch: int = 500,
) -> RebuildResult:
    """Re-enrich every stored post with ``enricher``; ``on_progress`` gets posts done so far."""
    done = changed = 0
    for posts in store.posts_for_enrichment(batch):
        quoted = [
            {native_id: classify_links(urls) for native_id, urls in stored.quoted_links.items()}
            for stored in posts
        ]
        enriched = enricher.enrich_many([stored.post for stored in posts], quoted)
        items = [
            (stored.id, enrichment) for stored, enrichment in zip(posts, enriched, strict=True)
        ]
        changed += store.replace_enrichment(items)
        done += len(posts)
        if on_progress is not None:
            on_progress(done)
    rows = store.rebuild_rollups()
    return RebuildResult(done, changed, rows)
