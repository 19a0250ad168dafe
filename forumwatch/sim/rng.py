"""A small, fast, deterministic pseudo-random generator for writing post content.

Seeding a Mersenne Twister costs about 5 microseconds, more than writing a short post, and every
post gets its own generator (so its text does not depend on generation order). This 64-bit linear
congruential generator (top 53 bits used) seeds for free and is plenty for choosing words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

_MASK = (1 << 64) - 1
_SCALE = 1.0 / (1 << 53)
T = TypeVar("T")


class FastRandom:
    """Deterministic generator with the few methods the text writer needs."""

    __slots__ = ("_state",)

    def __init__(self, seed: int) -> None:
        state = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK
        state ^= state >> 29
        self._state = (state * 0xBF58476D1CE4E5B9) & _MASK

    def random(self) -> float:
        """A float in [0, 1)."""
        self._state = state = (self._state * 6364136223846793005 + 1442695040888963407) & _MASK
        return (state >> 11) * _SCALE

    def randrange(self, start: int, stop: int | None = None) -> int:
        """An int in ``[start, stop)`` (or ``[0, start)`` with one argument)."""
        if stop is None:
            start, stop = 0, start
        self._state = state = (self._state * 6364136223846793005 + 1442695040888963407) & _MASK
        return start + int((state >> 11) * _SCALE * (stop - start))

    def choice(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        self._state = state = (self._state * 6364136223846793005 + 1442695040888963407) & _MASK
        return items[int((state >> 11) * _SCALE * len(items))]
