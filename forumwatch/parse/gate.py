"""The parser quality gate: every engine's captures scored against a pinned baseline.

``tests/fixtures/engines/<engine>/`` holds real captures with ground truth (see
:mod:`forumwatch.parse.evaluate`); ``tests/fixtures/engines/baseline.json`` pins, per engine and
field, the lowest precision and recall the parsers may reach. The test suite fails below it, and
posts, authors and times must be exact on every engine. From the command line::

    python -m forumwatch.parse.evaluate --all tests/fixtures/engines
    python -m forumwatch.parse.evaluate --all tests/fixtures/engines --baseline BASELINE.json
    python -m forumwatch.parse.evaluate --all tests/fixtures/engines --pin BASELINE.json
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from forumwatch.errors import ConfigError
from forumwatch.parse.evaluate import Evaluation, evaluate_directory

EXACT_FIELDS = ("posts", "post_authors", "post_times")
"""Fields that must be exact (precision and recall 1.0) on every engine's captures."""

Baseline = dict[str, dict[str, dict[str, float]]]
"""engine -> field -> {"precision": lowest allowed, "recall": lowest allowed}."""


def engine_directories(root: Path) -> list[Path]:
    """Fixture directories under ``root`` (those holding a ``manifest.json``), by name."""
    return sorted(path.parent for path in root.glob("*/manifest.json"))


def evaluate_engine_directory(directory: Path, engine: str | None = None) -> Evaluation:
    """Score the parser of the manifest's engine (or ``engine``) on one fixture directory.

    The parser is configured with the board's timezone when the manifest names a valid one.

    Raises:
        ConfigError: the engine is unknown.
    """
    from forumwatch.parse.registry import get_parser

    manifest = manifest_of(directory)
    board = manifest.get("board") or {}
    name = engine or str(manifest.get("engine"))
    try:
        parser = get_parser(name, timezone=str(board.get("timezone") or "UTC"))
    except ConfigError:
        parser = get_parser(name)
    return evaluate_directory(parser, directory)


def manifest_of(directory: Path) -> dict[str, Any]:
    """The manifest of one fixture directory."""
    data: dict[str, Any] = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return data


def is_real_capture(directory: Path) -> bool:
    """True for captures of a running engine (not pages built from templates)."""
    return manifest_of(directory).get("set") != "template-built"


def parsed_directories(root: Path) -> list[Path]:
    """Fixture directories under ``root`` whose engine has a registered parser."""
    from forumwatch.parse.registry import ENGINES

    return [
        directory
        for directory in engine_directories(root)
        if str(manifest_of(directory).get("engine")) in ENGINES
    ]


def evaluate_all(root: Path) -> dict[str, Evaluation]:
    """Score every fixture directory under ``root`` that has a parser, by directory name."""
    return {
        directory.name: evaluate_engine_directory(directory)
        for directory in parsed_directories(root)
    }


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file (engine -> field -> minimum precision and recall)."""
    data: Baseline = json.loads(path.read_text(encoding="utf-8"))
    return data


def pin(evaluations: Mapping[str, Evaluation]) -> Baseline:
    """The baseline that the given scores meet exactly (rounded down to 3 decimals)."""
    return {
        engine: {
            name: {
                "precision": _floor(score.precision),
                "recall": _floor(score.recall),
            }
            for name, score in sorted(evaluation.scores.items())
        }
        for engine, evaluation in sorted(evaluations.items())
    }


def dump_baseline(baseline: Baseline) -> str:
    """A baseline as JSON text with one line per engine and field (reviewable diffs)."""
    engines = []
    for engine, fields in sorted(baseline.items()):
        lines = [
            f"    {json.dumps(name)}: {json.dumps(minimum, sort_keys=True)}"
            for name, minimum in sorted(fields.items())
        ]
        engines.append(f"  {json.dumps(engine)}: {{\n" + ",\n".join(lines) + "\n  }")
    return "{\n" + ",\n".join(engines) + "\n}\n"


def failures(
    evaluation: Evaluation, pinned: Mapping[str, Mapping[str, float]], *, exact: bool = True
) -> list[str]:
    """What falls below the pinned numbers, or is no longer scored at all ([] when none).

    With ``exact`` (real captures), :data:`EXACT_FIELDS` must also be 1.0.
    """
    found: list[str] = []
    for name, minimum in sorted(pinned.items()):
        score = evaluation.scores.get(name)
        if score is None:
            found.append(f"{evaluation.engine} {name}: no longer evaluated")
            continue
        for measure in ("precision", "recall"):
            value = getattr(score, measure)
            if value + 1e-9 < float(minimum.get(measure, 0.0)):
                found.append(
                    f"{evaluation.engine} {name}: {measure} {value:.3f} "
                    f"< baseline {minimum[measure]:.3f}"
                )
    for name in EXACT_FIELDS if exact else ():
        score = evaluation.scores.get(name)
        if score is None or score.expected == 0:
            found.append(f"{evaluation.engine} {name}: nothing to score")
        elif min(score.precision, score.recall) < 1.0:
            found.append(f"{evaluation.engine} {name}: must be exact, is {_summary(score)}")
    return found


def check(
    evaluations: Mapping[str, Evaluation],
    baseline: Baseline,
    exact: Collection[str] | None = None,
) -> list[str]:
    """Failures of every engine against ``baseline``.

    ``exact`` names the engines with real captures (default: all): they are held to exact
    posts, authors and times, and fail without a baseline; pages built from templates are
    gated only once a baseline is pinned for them.
    """
    found: list[str] = []
    for engine, evaluation in sorted(evaluations.items()):
        pinned = baseline.get(engine)
        if pinned is None:
            if exact is None or engine in exact:
                found.append(f"{engine}: no baseline pinned")
            continue
        found.extend(failures(evaluation, pinned, exact=exact is None or engine in exact))
    found.extend(f"{engine}: baseline without captures" for engine in baseline.keys() - evaluations)
    return found


def tables(evaluations: Mapping[str, Evaluation]) -> str:
    """One Markdown table per engine, then a summary of precision/recall per engine and field."""
    parts = [evaluation.table() for _, evaluation in sorted(evaluations.items())]
    parts.append(summary(evaluations))
    return "\n\n".join(parts)


def summary(evaluations: Mapping[str, Evaluation]) -> str:
    """A Markdown table: fields as rows, engines as columns, "precision / recall" cells."""
    engines = sorted(evaluations)
    fields = sorted({name for evaluation in evaluations.values() for name in evaluation.scores})
    lines = [
        "| field | " + " | ".join(engines) + " |",
        "|---|" + "---|" * len(engines),
    ]
    for name in fields:
        cells = []
        for engine in engines:
            score = evaluations[engine].scores.get(name)
            cells.append("-" if score is None or not score.expected else _summary(score))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _summary(score: Any) -> str:
    return f"{score.precision:.2f} / {score.recall:.2f}"


def _floor(value: float) -> float:
    return math.floor(value * 1000 + 1e-9) / 1000
