"""Site leases for crawl workers, on both backends: one holder at a time, expiry, takeover."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from forumwatch.models import Site
from forumwatch.store import Store, open_store
from tests.conftest import T0


def _sites(store: Store, count: int) -> list[Site]:
    return [
        store.add_site(Site(f"site{n}", f"http://127.0.0.1:{n + 1}/"), T0) for n in range(count)
    ]


def test_a_leased_site_is_not_leased_again_until_released(store: Store) -> None:
    [site] = _sites(store, 1)
    leased = store.lease_site("w1", T0, 60)
    assert leased is not None and leased.id == site.id
    assert store.lease_site("w2", T0 + timedelta(seconds=30), 60) is None
    assert site.id is not None
    store.release_site(site.id, "w1", T0 + timedelta(seconds=40))
    again = store.lease_site("w2", T0 + timedelta(seconds=41), 60)
    assert again is not None and again.id == site.id
    log = store.lease_log()
    assert [(lease.worker_id, lease.released_at) for lease in log] == [
        ("w1", T0 + timedelta(seconds=40)),
        ("w2", None),
    ]


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(store: Store) -> None:
    [site] = _sites(store, 1)
    assert site.id is not None
    assert store.lease_site("w1", T0, 60) is not None
    assert store.renew_lease(site.id, "w1", T0 + timedelta(seconds=50), 60)
    # Renewed until T0+110 s: not free at T0+100 s, free at T0+110 s.
    assert store.lease_site("w2", T0 + timedelta(seconds=100), 60) is None
    taken = store.lease_site("w2", T0 + timedelta(seconds=110), 60)
    assert taken is not None
    assert not store.renew_lease(site.id, "w1", T0 + timedelta(seconds=111), 60)
    store.release_site(site.id, "w1", T0 + timedelta(seconds=112))  # no effect: not the holder
    assert store.lease_site("w3", T0 + timedelta(seconds=113), 60) is None
    first, second = store.lease_log()
    assert first.released_at is None and first.ended_at == T0 + timedelta(seconds=110)
    assert second.leased_at >= first.ended_at


def test_only_due_live_sites_are_leased_longest_waiting_first(store: Store) -> None:
    early, late, gone = _sites(store, 3)
    assert early.id and late.id and gone.id
    store.update_site(Site(gone.name, gone.base_url, defunct=True))
    store.set_crawl_schedule(early.id, T0 + timedelta(hours=1), 0)
    store.set_crawl_schedule(late.id, T0 + timedelta(hours=2), 0)
    assert store.lease_site("w1", T0, 60) is None
    first = store.lease_site("w1", T0, 60, due_at=T0 + timedelta(hours=3))
    second = store.lease_site("w2", T0, 60, due_at=T0 + timedelta(hours=3))
    assert first is not None and second is not None
    assert (first.name, second.name) == (early.name, late.name)
    assert store.lease_site("w3", T0, 60, due_at=T0 + timedelta(hours=3)) is None


def test_concurrent_workers_each_get_a_different_site(store_url: str) -> None:
    setup = open_store(store_url)
    _sites(setup, 8)
    setup.close()
    stores = [open_store(store_url) for _ in range(8)]
    try:
        with ThreadPoolExecutor(8) as pool:
            leased = list(
                pool.map(lambda n: stores[n].lease_site(f"w{n}", T0, 60), range(len(stores)))
            )
    finally:
        for opened in stores:
            opened.close()
    names = [site.name for site in leased if site is not None]
    assert len(names) == len(set(names))
    if store_url.startswith("postgresql"):
        # SKIP LOCKED: nobody waits for or loses to another; every worker gets a site.
        assert len(names) == 8
    else:
        assert names


@pytest.mark.parametrize("names", [["site1"], ["site0", "site2"]])
def test_a_worker_can_be_limited_to_some_sites(store: Store, names: list[str]) -> None:
    _sites(store, 3)
    leased = store.lease_site("w1", T0, 60, site_names=names)
    assert leased is not None and leased.name == names[0]
