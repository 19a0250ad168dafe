"""Parsers: turn archived pages into sections, threads and posts.

``get_parser("phpbb", timezone="Europe/Berlin")`` gives a configured parser;
``detect_engine(html, url)`` guesses the engine of a page. Every ``parse_*`` method returns a
result with its :class:`~forumwatch.models.ParseProblem` list instead of raising on bad input.
"""

from __future__ import annotations

from forumwatch.parse.base import EngineParser
from forumwatch.parse.board import BoardParser
from forumwatch.parse.dates import DateReader, parse_date
from forumwatch.parse.phpbb import PhpbbParser
from forumwatch.parse.registry import detect_engine, engine_names, get_parser

__all__ = [
    "BoardParser",
    "DateReader",
    "EngineParser",
    "PhpbbParser",
    "detect_engine",
    "engine_names",
    "get_parser",
    "parse_date",
]
