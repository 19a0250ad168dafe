"""The change detectors: exact dates on clear steps, nothing on noise, bumps, outliers."""

from __future__ import annotations

import random

import pytest

from forumwatch.analyse.anomalies import (
    ShiftSettings,
    change_interval,
    dispersion,
    level_shifts,
    outliers,
)


def poisson(rng: random.Random, mean: float) -> int:
    count, product, limit = 0, rng.random(), pow(2.718281828459045, -mean)
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def noise(seed: int, means: list[float]) -> list[float | None]:
    rng = random.Random(seed)
    return [float(poisson(rng, mean)) for mean in means]


def test_a_step_is_dated_to_the_day() -> None:
    values = noise(1, [6.0] * 200 + [1.0] * 100)
    [shift] = level_shifts(values)
    assert shift.at == 200 and not shift.up
    assert shift.ratio < 0.3


def test_a_short_bump_is_found_with_both_ends() -> None:
    values = noise(2, [3.0] * 150 + [8.0] * 14 + [3.0] * 150)
    shifts = level_shifts(values)
    assert [s.up for s in shifts] == [True, False]
    assert abs(shifts[0].at - 150) <= 2 and abs(shifts[1].at - 164) <= 2
    low, high = change_interval(values, shifts[0], 0)
    assert low <= 150 <= high


def test_missing_days_are_skipped_not_zero() -> None:
    values = noise(3, [5.0] * 300)
    for day in range(100, 114):
        values[day] = None  # the site was down: no value, not a collapse
    assert level_shifts(values) == []


@pytest.mark.parametrize("mean", [0.5, 3.0, 40.0, 400.0])
def test_stationary_noise_gives_no_event(mean: float) -> None:
    found = sum(len(level_shifts(noise(seed, [mean] * 365))) for seed in range(20))
    assert found == 0  # 20 simulated years without a change


def test_a_slow_drift_is_not_an_event() -> None:
    values = noise(4, [30.0 * (0.75 + 0.25 * day / 365) for day in range(365)])
    assert level_shifts(values) == []


def test_thresholds_are_settings() -> None:
    values = noise(5, [10.0] * 100 + [13.0] * 100)
    assert level_shifts(values) == []
    assert level_shifts(values, ShiftSettings(min_ratio=1.2))


def test_dispersion_and_outliers() -> None:
    assert dispersion(noise(6, [20.0] * 300)) < 1.5
    values = noise(7, [10.0] * 60)
    values[45] = 80.0
    assert [index for index, _ in outliers(values)] == [45]
