"""The analysis tests read the shared replayed world (tests/conftest.py ``replayed``)."""

from __future__ import annotations

from tests.conftest import MONITORING_START, Replayed

__all__ = ["MONITORING_START", "Replayed"]
