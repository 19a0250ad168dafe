"""Engine detection across every real capture: each parser against every engine's pages.

The confusion matrix: a parser scores its own engine's pages high and every other engine's
pages low, and detect_engine() names the right engine for every captured page.
"""

from __future__ import annotations

from functools import cache

import pytest

from forumwatch.parse import detect_engine, get_parser
from tests.parse.captures import capture
from tests.parse.parse_helpers import ENGINES, load_manifest

CAPTURED = ("phpbb", "mybb", "machina", "spirit", "flaskbb", "tinyib")
OWN_MINIMUM = 0.8
OTHER_MAXIMUM = 0.2


@cache
def _scores(pages_of: str, parser: str) -> tuple[float, ...]:
    detector = get_parser(parser)
    return tuple(
        detector.detect(page.html, page.url)
        for page in (capture(pages_of, entry["file"]) for entry in load_manifest(pages_of)["files"])
    )


@pytest.mark.parametrize("pages_of", CAPTURED)
@pytest.mark.parametrize("parser", CAPTURED)
def test_confusion_matrix(pages_of: str, parser: str) -> None:
    scores = _scores(pages_of, parser)
    assert len(scores) >= 29
    if parser == pages_of:
        assert min(scores) >= OWN_MINIMUM
    else:
        assert max(scores) <= OTHER_MAXIMUM


@pytest.mark.parametrize("engine", CAPTURED)
def test_detect_engine_names_the_engine_of_every_captured_page(engine: str) -> None:
    for entry in load_manifest(engine)["files"]:
        page = capture(engine, entry["file"])
        found, confidence = detect_engine(page.html, page.url)
        assert found is not None, entry["file"]
        assert (found.name, confidence >= OWN_MINIMUM) == (engine, True), entry["file"]


@pytest.mark.parametrize("engine", CAPTURED)
@pytest.mark.parametrize(
    "html", ["", "<html><body><p>hello</p></body></html>", "\x00" * 64, "<" * 5000]
)
def test_junk_scores_zero(engine: str, html: str) -> None:
    parser = get_parser(engine)
    assert parser.detect(html, "http://127.0.0.1/") == 0.0
    # An engine's URL shape alone is never enough.
    page = capture(engine, load_manifest(engine)["files"][-1]["file"])
    assert parser.detect(html, page.url) <= OTHER_MAXIMUM


def test_every_capture_directory_is_in_the_matrix() -> None:
    real = {
        path.parent.name
        for path in ENGINES.glob("*/manifest.json")
        if load_manifest(path.parent.name).get("set") != "template-built"
    }
    assert real == set(CAPTURED)
