"""Actors: handle normalisation and scores, dormant returns, shared handles, watch lists."""

from __future__ import annotations

from datetime import date

import pytest

from forumwatch.analyse import actors
from forumwatch.store.base import Store
from tests.analyse.conftest import Replayed


@pytest.mark.parametrize(
    ("handle", "normalised"),
    [
        ("Wild_Otter", "wildotter"),
        ("w1ld-0tter", "wildotter"),
        ("WILD.OTTER99", "wildotter"),
        ("tom39", "tom"),
        ("Zoë", "zoe"),
        ("1337", "1337"),
        ("4ngel_", "angel"),
    ],
)
def test_handles_are_normalised(handle: str, normalised: str) -> None:
    assert actors.normalise_handle(handle) == normalised


def test_similarity_scores() -> None:
    assert actors.handle_similarity("wild_otter", "W1ld.0tter") == 1.0
    assert actors.handle_similarity("wild_otter", "wild_oter") > 0.9
    assert actors.handle_similarity("wild_otter", "quiet_heron") < 0.5


def test_planted_actors_are_found(replayed: Replayed) -> None:
    store: Store = replayed.store
    dormant = replayed.event("dormant_return")
    found = actors.dormant_returns(store, date(2020, 1, 1), date(2020, 6, 30), 365, "harbour")
    assert {(r.handle, r.returned.isoformat()) for r in found} == {
        (m["handle"], m["returned"][:10]) for m in dormant["members"]
    }
    assert all(r.gap_days >= 365 for r in found)
    shared = replayed.event("shared_handle")
    exact = actors.shared_handles(store, "exact")
    assert [s.sites for s in exact if s.key == shared["handle"]] == [sorted(shared["sites"])]
    fuzzy = actors.shared_handles(store, "fuzzy", 0.9)
    assert any(s.key == "wildotter" for s in fuzzy)
    watch = replayed.event("watchlisted_activity_after_date")
    [hit] = actors.watchlist_activity(
        store, [("*", watch["handle"], date.fromisoformat(watch["after"]))]
    )
    assert hit.posts_after == watch["posts_after"]
    assert hit.first_post_after is not None
    assert hit.first_post_after.isoformat()[:16] == watch["first_post_after"][:16]
    matches = actors.handle_matches(store, "W1ld-0tter")
    assert {a.site for a, score in matches if score == 1.0} >= set(shared["sites"])
    summary = {(a.site, a.handle): a for a in actors.actors(store, "harbour")}
    assert summary[("harbour", watch["handle"])].posts == watch["posts_total"]
