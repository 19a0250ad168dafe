"""Enrichment: what the text of a post tells beyond itself (links, language, terms ...)."""

from __future__ import annotations

from forumwatch.enrich.pipeline import Enricher

__all__ = ["Enricher"]
