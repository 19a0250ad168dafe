"""Quality gate: every engine parser against the ground truth of its real captures.

Each directory of tests/fixtures/engines/ holds pages captured from a running engine and a
manifest.json whose ground truth comes from the engine's own database. Every page is parsed and
scored per field (forumwatch.parse.evaluate); tests/fixtures/engines/baseline.json pins the
lowest precision and recall per engine and field, and posts, authors and times must be exact on
every real capture. Re-pin after an improvement with
``python -m forumwatch.parse.evaluate --all tests/fixtures/engines --pin BASELINE``.

Fields pinned below 1.0 show what the pages do not say, not parser errors:
* Spirit topic lists show neither the starter nor the first post; an edited comment shows an
  edit count, but its editor and time only on the history page; its home page lists the top
  categories, not the sub-categories the ground truth also holds;
* FlaskBB lists show only relative times ("7 years ago"); machina and FlaskBB show a topic's
  lock to anonymous visitors in the forum's topic list only, not on the topic page;
* the TinyIB catalog shows neither names nor times nor sticky/locked marks.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from forumwatch.models import ThreadPage
from forumwatch.parse import gate
from forumwatch.parse.evaluate import Evaluation, evaluate_directory, main
from forumwatch.parse.mybb import MybbParser
from tests.parse.parse_helpers import ENGINES

BASELINE_FILE = ENGINES / "baseline.json"
BASELINE = gate.load_baseline(BASELINE_FILE)
DIRECTORIES = gate.parsed_directories(ENGINES)
REAL = [directory for directory in DIRECTORIES if gate.is_real_capture(directory)]
CAPTURED_ENGINES = ("phpbb", "mybb", "machina", "spirit", "flaskbb", "tinyib")


@pytest.fixture(scope="module")
def evaluations() -> dict[str, Evaluation]:
    """Every engine directory with a parser, scored once for the module."""
    return {directory.name: gate.evaluate_engine_directory(directory) for directory in DIRECTORIES}


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda path: path.name)
def test_engine_meets_its_pinned_baseline(
    directory: Path, evaluations: dict[str, Evaluation]
) -> None:
    evaluation = evaluations[directory.name]
    print()
    print(evaluation.table())
    real = gate.is_real_capture(directory)
    pinned = BASELINE.get(directory.name)
    if pinned is None:
        assert not real, f"{directory.name}: real captures without a pinned baseline"
        pytest.skip(f"{directory.name}: no baseline pinned yet (template-built pages)")
    failed = gate.failures(evaluation, pinned, exact=real)
    assert not failed, "\n".join(failed + evaluation.differences[:30])


@pytest.mark.parametrize("directory", REAL, ids=lambda path: path.name)
def test_real_captures_parse_without_problems(
    directory: Path, evaluations: dict[str, Evaluation]
) -> None:
    evaluation = evaluations[directory.name]
    assert evaluation.problems == 0
    assert evaluation.score("posts").expected >= 80


def test_every_captured_engine_is_gated() -> None:
    assert {directory.name for directory in REAL} >= set(CAPTURED_ENGINES)
    assert set(BASELINE) >= set(CAPTURED_ENGINES)
    assert not set(BASELINE) - {directory.name for directory in DIRECTORIES}, "stale baseline"
    for engine in CAPTURED_ENGINES:
        for field in gate.EXACT_FIELDS:
            assert BASELINE[engine][field] == {"precision": 1.0, "recall": 1.0}


def test_summary_table_has_every_engine_and_field(evaluations: dict[str, Evaluation]) -> None:
    table = gate.summary(evaluations)
    header = table.splitlines()[0]
    for engine in CAPTURED_ENGINES:
        assert engine in header
    for field in ("posts", "post_authors", "post_times", "post_text", "post_quotes", "post_links"):
        assert f"| {field} | " in table


class _ShiftedMybb(MybbParser):
    """Reads every post one hour late, as a wrong board timezone would."""

    def parse_thread(self, html: str, url: str, captured_at: datetime) -> ThreadPage:
        page = super().parse_thread(html, url, captured_at)
        posts = tuple(
            dataclasses.replace(post, posted_at=post.posted_at + timedelta(hours=1))
            if post.posted_at
            else post
            for post in page.posts
        )
        return dataclasses.replace(page, posts=posts)


def test_the_gate_fails_a_regression() -> None:
    evaluation = evaluate_directory(_ShiftedMybb(), ENGINES / "mybb")
    failed = gate.failures(evaluation, BASELINE["mybb"])
    assert any("post_times: precision" in line for line in failed)
    assert any("post_times: must be exact" in line for line in failed)


def test_the_gate_fails_a_field_that_is_no_longer_scored() -> None:
    evaluation = evaluate_directory(MybbParser(), ENGINES / "mybb")
    pinned = {**BASELINE["mybb"], "post_colour": {"precision": 1.0, "recall": 1.0}}
    assert gate.failures(evaluation, pinned) == ["mybb post_colour: no longer evaluated"]


def test_command_prints_every_table_and_checks_the_baseline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--all", str(ENGINES), "--baseline", str(BASELINE_FILE)]) == 0
    out = capsys.readouterr().out
    for engine in CAPTURED_ENGINES:
        assert f"{engine}: " in out
    assert "| post_times | 84 | 84 | 84 | 1.000 | 1.000 |" in out
    strict = tmp_path / "strict.json"
    strict.write_text(
        gate.dump_baseline(
            {"spirit": {"listing_thread_authors": {"precision": 1.0, "recall": 1.0}}}
        ),
        encoding="utf-8",
    )
    assert main([str(ENGINES / "spirit"), "--baseline", str(strict)]) == 1
    assert "FAIL spirit listing_thread_authors" in capsys.readouterr().out


def test_pinning_writes_a_baseline_the_scores_meet(
    evaluations: dict[str, Evaluation], tmp_path: Path
) -> None:
    path = tmp_path / "baseline.json"
    assert main(["--all", str(ENGINES), "--pin", str(path)]) == 0
    pinned = gate.load_baseline(path)
    exact = [directory.name for directory in REAL]
    assert gate.check(evaluations, pinned, exact) == []
    assert pinned["mybb"]["posts"] == {"precision": 1.0, "recall": 1.0}
