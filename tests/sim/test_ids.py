"""Identifiers: onion v3 names, Bitcoin addresses, config validation."""

from __future__ import annotations

import pytest

from forumwatch.errors import ConfigError
from forumwatch.sim import WorldConfig, parse_size
from forumwatch.sim.ids import (
    bitcoin_bech32_address,
    bitcoin_p2pkh_address,
    is_valid_base58check,
    is_valid_bech32,
    is_valid_onion_v3,
    onion_v3_host,
)
from forumwatch.sim.rng import FastRandom


def test_onion_hosts_are_valid_v3_names_and_depend_on_seed() -> None:
    host = onion_v3_host(7, "harbour")
    assert host.endswith(".onion") and len(host) == 62
    assert is_valid_onion_v3(host)
    assert host != onion_v3_host(8, "harbour") != onion_v3_host(7, "lantern")
    broken = ("b" if host[0] != "b" else "c") + host[1:]
    assert not is_valid_onion_v3(broken)


def test_bitcoin_addresses_have_valid_checksums() -> None:
    legacy = bitcoin_p2pkh_address(7, "harbour")
    assert legacy.startswith("1") and is_valid_base58check(legacy)
    assert not is_valid_base58check(legacy[:-1] + ("2" if legacy[-1] != "2" else "3"))
    segwit = bitcoin_bech32_address(7, "lantern")
    assert segwit.startswith("bc1q") and len(segwit) == 42 and is_valid_bech32(segwit)
    assert not is_valid_bech32(segwit[:-1] + ("q" if segwit[-1] != "q" else "p"))


def test_known_bech32_vector_validates() -> None:
    assert is_valid_bech32("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")


def test_sizes_and_bad_configs() -> None:
    assert WorldConfig(size="small").total_posts == 25_000
    assert parse_size("50_000") == 50_000
    with pytest.raises(ConfigError):
        WorldConfig(size="huge")
    with pytest.raises(ConfigError):
        parse_size("lots")


def test_fast_random_is_deterministic_and_in_range() -> None:
    first, second = FastRandom(42), FastRandom(42)
    values = [first.random() for _ in range(1000)]
    assert values == [second.random() for _ in range(1000)]
    assert all(0.0 <= value < 1.0 for value in values)
    assert 0.45 < sum(values) / len(values) < 0.55
    assert {FastRandom(seed).randrange(3, 6) for seed in range(200)} == {3, 4, 5}
