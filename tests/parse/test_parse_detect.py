"""Engine detection and the parser registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from forumwatch.errors import ConfigError
from forumwatch.parse import detect_engine, engine_names, get_parser
from forumwatch.parse.phpbb import PhpbbParser
from tests.parse.parse_helpers import ENGINES, PHPBB

OTHER_ENGINES = ("mybb", "machina", "spirit", "flaskbb", "tinyib")


def _pages(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.html"))


@pytest.mark.parametrize("page", _pages(PHPBB), ids=lambda p: p.name)
def test_phpbb_captures_are_detected_with_high_confidence(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert get_parser("phpbb").detect(html, "http://127.0.0.1:8081/") >= 0.9
    parser, confidence = detect_engine(html, "http://127.0.0.1:8081/")
    assert isinstance(parser, PhpbbParser)
    assert confidence >= 0.9


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_other_engines_get_low_phpbb_confidence(engine: str) -> None:
    parser = get_parser("phpbb")
    pages = _pages(ENGINES / engine)
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8", errors="replace")
        assert parser.detect(html, "http://127.0.0.1:8086/") <= 0.2, page.name
        found, _ = detect_engine(html, "http://127.0.0.1:8086/")
        assert found is None or found.name == engine, page.name


def test_detection_without_the_style_still_works() -> None:
    """A custom theme without prosilver or the phpBB body id is still recognised by its URLs."""
    html = (PHPBB / "topic-4.html").read_text(encoding="utf-8")
    stripped = html.replace('id="phpbb"', "").replace("prosilver", "custom")
    assert 0.5 <= get_parser("phpbb").detect(stripped, "http://x/viewtopic.php?t=4") < 1.0


@pytest.mark.parametrize("html", ["", "\x00\xff" * 100, "<html><body>hello</body></html>"])
def test_detection_of_junk_is_zero(html: str) -> None:
    assert get_parser("phpbb").detect(html, "http://x/") == 0.0
    assert detect_engine(html, "http://x/") == (None, 0.0)


def test_registry() -> None:
    assert "phpbb" in engine_names()
    parser = get_parser("phpbb", timezone="Europe/Berlin", date_formats=("D M d, Y H:i",))
    assert parser.name == "phpbb"
    assert parser.timezone == "Europe/Berlin"
    assert parser.date_formats == ("D M d, Y H:i",)


def test_unknown_engine_or_timezone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="phpbb"):
        get_parser("vbulletin9")
    with pytest.raises(ConfigError):
        get_parser("phpbb", timezone="Nowhere/Town")
