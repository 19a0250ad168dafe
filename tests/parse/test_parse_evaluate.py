"""The evaluation module scores what a parser got right, and notices what it got wrong."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from forumwatch.errors import ConfigError
from forumwatch.models import ThreadPage
from forumwatch.parse.evaluate import FieldScore, evaluate_directory, evaluate_manifest, main
from forumwatch.parse.phpbb import PHPBB_SELECTORS, PhpbbParser
from forumwatch.parse.selectors import validate
from tests.parse.parse_helpers import PHPBB


class _SloppyParser(PhpbbParser):
    """Drops each page's first post and shifts the others' times by an hour."""

    def parse_thread(self, html: str, url: str, captured_at: datetime) -> ThreadPage:
        page = super().parse_thread(html, url, captured_at)
        posts = tuple(
            dataclasses.replace(post, posted_at=post.posted_at + timedelta(hours=1))
            if post.posted_at
            else post
            for post in page.posts[1:]
        )
        return dataclasses.replace(page, posts=posts)


def test_scores_count_misses_and_wrong_values() -> None:
    evaluation = evaluate_directory(_SloppyParser(), PHPBB)
    posts = evaluation.score("posts")
    assert posts.expected == 84
    assert posts.found == 84 - 22
    assert posts.precision == 1.0
    assert posts.recall == pytest.approx(62 / 84)
    times = evaluation.score("post_times")
    assert times.matched == 0
    assert times.precision == 0.0
    assert evaluation.differences


def test_time_tolerance() -> None:
    strict = evaluate_directory(_SloppyParser(), PHPBB, time_tolerance=timedelta(hours=1))
    assert strict.score("post_times").precision == 1.0


def test_bare_urls_in_the_text_are_not_false_links(phpbb_manifest: dict[str, Any]) -> None:
    evaluation = evaluate_manifest(
        PhpbbParser(), phpbb_manifest, lambda name: (PHPBB / name).read_text(encoding="utf-8")
    )
    links = evaluation.score("post_links")
    assert (links.expected, links.found, links.matched) == (19, 19, 19)


def test_field_score_edges() -> None:
    assert FieldScore("x").precision == 1.0
    assert FieldScore("x").recall == 1.0
    assert FieldScore("x", expected=3).precision == 0.0


def test_table_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(PHPBB)]) == 0
    out = capsys.readouterr().out
    assert "| post_times | 84 | 84 | 84 | 1.000 | 1.000 |" in out
    assert main([]) == 2


def test_invalid_selectors_are_config_errors() -> None:
    broken = dataclasses.replace(
        PHPBB_SELECTORS, post=dataclasses.replace(PHPBB_SELECTORS.post, content="div[[")
    )
    with pytest.raises(ConfigError, match="div"):
        validate(broken)
    bad_pattern = dataclasses.replace(
        PHPBB_SELECTORS,
        page=dataclasses.replace(
            PHPBB_SELECTORS.page, kind_url_rules=((PHPBB_SELECTORS.page.kind_url_rules[0][0], "("),)
        ),
    )
    with pytest.raises(ConfigError):
        validate(bad_pattern)
