"""Quality gate: the phpBB parser against the ground truth of real phpBB 3.3 captures.

Every capture in tests/fixtures/engines/phpbb/ is parsed and scored field by field with
forumwatch.parse.evaluate. Posts, authors and times must be exact; every other field is pinned
at its baseline so that a regression fails. The same captures are also re-rendered as a
Russian-UI board in Moscow time, a Europe/Berlin board with another format, and an older phpBB
without <time> elements (see phpbb_variants.py): the parser must read those just as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from forumwatch.parse import get_parser
from forumwatch.parse.evaluate import Evaluation, evaluate_directory, evaluate_manifest
from tests.parse.parse_helpers import PHPBB
from tests.parse.phpbb_variants import berlin, no_time_elements, russian

EXACT = ("posts", "post_authors", "post_times")

# Pinned per-field precision and recall (both must stay at or above these).
BASELINE = {
    "posts": 1.0,
    "post_authors": 1.0,
    "post_times": 1.0,
    "post_text": 1.0,
    "post_titles": 1.0,
    "post_quotes": 1.0,
    "post_links": 1.0,
    "post_edits": 1.0,
    "thread_title": 1.0,
    "thread_section": 1.0,
    "thread_pagination": 1.0,
    "thread_locked": 1.0,
    "listing_section": 1.0,
    "listing_parent": 1.0,
    "listing_pagination": 1.0,
    "listing_threads": 1.0,
    "listing_thread_titles": 1.0,
    "listing_thread_authors": 1.0,
    "listing_thread_replies": 1.0,
    "listing_thread_last_post": 1.0,
    "listing_thread_first_post": 1.0,
    "listing_thread_flags": 1.0,
    "listing_subsections": 1.0,
    "index_sections": 1.0,
    "index_counts": 1.0,
    "index_last_post": 1.0,
}


def _check(evaluation: Evaluation, fields: dict[str, float]) -> None:
    print()
    print(evaluation.table())
    failures = [
        f"{name}: precision {score.precision:.3f}, recall {score.recall:.3f} < {fields[name]}"
        for name, score in evaluation.scores.items()
        if name in fields and min(score.precision, score.recall) < fields[name]
    ]
    missing = [name for name in fields if name not in evaluation.scores]
    assert not missing, f"fields not evaluated: {missing}"
    assert not failures, "\n".join(failures + evaluation.differences[:20])


def test_phpbb_captures_meet_the_baseline() -> None:
    evaluation = evaluate_directory(get_parser("phpbb"), PHPBB)
    assert evaluation.files == 31
    assert evaluation.score("posts").expected == 84
    _check(evaluation, BASELINE)


def test_phpbb_captures_parse_without_problems() -> None:
    evaluation = evaluate_directory(get_parser("phpbb"), PHPBB)
    assert evaluation.problems == 0


def _variant(
    manifest: dict[str, Any], rewrite: Callable[[str, datetime], str], **config: Any
) -> Evaluation:
    captured = {
        entry["file"]: datetime.fromisoformat(entry["captured_at_utc"].replace("Z", "+00:00"))
        for entry in manifest["files"]
    }

    def read_page(name: str) -> str:
        return rewrite((PHPBB / name).read_text(encoding="utf-8"), captured[name])

    return evaluate_manifest(get_parser("phpbb", **config), manifest, read_page)


def test_russian_ui_board_in_moscow_time(phpbb_manifest: dict[str, Any]) -> None:
    evaluation = _variant(
        phpbb_manifest,
        russian,
        timezone="Europe/Moscow",
        date_formats=("d M Y, H:i",),
        language="ru",
    )
    _check(evaluation, BASELINE)
    assert evaluation.problems == 0


def test_berlin_board_with_weekday_format(phpbb_manifest: dict[str, Any]) -> None:
    evaluation = _variant(
        phpbb_manifest, berlin, timezone="Europe/Berlin", date_formats=("D M d, Y H:i",)
    )
    _check(evaluation, BASELINE)
    assert evaluation.problems == 0


@pytest.mark.parametrize("formats", [("D M d, Y g:i a",), ()], ids=["format", "no-format"])
def test_old_phpbb_without_time_elements(
    phpbb_manifest: dict[str, Any], formats: tuple[str, ...]
) -> None:
    evaluation = _variant(phpbb_manifest, no_time_elements, date_formats=formats)
    _check(evaluation, dict.fromkeys((*EXACT, "post_edits", "post_text"), 1.0))


def test_wrong_timezone_is_caught_by_the_gate(phpbb_manifest: dict[str, Any]) -> None:
    """The gate can fail: reading Berlin times as UTC moves every absolute time."""
    evaluation = _variant(phpbb_manifest, berlin, date_formats=("D M d, Y H:i",))
    assert evaluation.score("post_times").recall < 0.5
