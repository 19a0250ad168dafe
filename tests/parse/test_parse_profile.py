"""Site profiles: a custom theme read without code, engine overrides, clear errors, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from forumwatch.cli import _register_commands, main_group
from forumwatch.errors import ConfigError
from forumwatch.models import ThreadPage
from forumwatch.parse import detect_engine
from forumwatch.parse.evaluate import evaluate_directory
from forumwatch.parse.profile import ParseProfile, build_parser, load_profile
from forumwatch.parse.selectors import Pick
from tests.parse.parse_helpers import ENGINES

ROOT = Path(__file__).resolve().parents[2]
TUINCLUB = ROOT / "docs" / "profiles" / "tuinclub.toml"
CUSTOM = ENGINES / "custom-tuinclub"
CAPTURED = datetime(2026, 11, 25, 2, 50, 23, tzinfo=UTC)


def _profile(parse: dict[str, object], **other: object) -> ParseProfile:
    return ParseProfile.from_mapping({"parse": parse, **other}, name="test")


def test_no_engine_reads_the_custom_theme_but_its_profile_does() -> None:
    html = (CUSTOM / "onderwerp-10.html").read_text(encoding="utf-8")
    assert detect_engine(html, "http://127.0.0.1:8103/onderwerp/10") == (None, 0.0)
    parser = build_parser(load_profile(TUINCLUB))
    assert parser.name == "custom"
    assert parser.detect(html, "http://127.0.0.1:8103/onderwerp/10") == 1.0
    evaluation = evaluate_directory(parser, CUSTOM)
    print(evaluation.table())
    assert evaluation.score("posts").expected == 10
    assert all(min(s.precision, s.recall) == 1.0 for s in evaluation.scores.values()), (
        evaluation.differences
    )


def test_profile_overrides_an_engines_selectors_by_name() -> None:
    html = (ENGINES / "phpbb" / "topic-4.html").read_text(encoding="utf-8")
    # A restyled phpBB whose post bodies moved: only that selector changes.
    restyled = html.replace('class="content"', 'class="inhalt"')
    plain = build_parser(_profile({"engine": "phpbb"}))
    page = plain.parse_thread(restyled, "http://127.0.0.1:8081/viewtopic.php?t=4", CAPTURED)
    assert all(post.text == "" for post in page.posts)
    profile = _profile({"engine": "phpbb", "selectors": {"post": {"content": "div.inhalt"}}})
    fixed = build_parser(profile).parse_thread(
        restyled, "http://127.0.0.1:8081/viewtopic.php?t=4", CAPTURED
    )
    assert isinstance(fixed, ThreadPage)
    assert fixed.posts[0].text.startswith("Here is my plan")
    assert (
        profile.board_selectors().post.author
        == build_parser(_profile({"engine": "phpbb"})).selectors.post.author
    )  # type: ignore[attr-defined]


def test_profile_values_of_every_shape() -> None:
    profile = _profile(
        {
            "engine": "custom",
            "timezone": "Europe/Berlin",
            "language": "de",
            "date_formats": ["d.m.Y H:i"],
            "selectors": {
                "page": {
                    "kind_rules": [["thread", "div.post"]],
                    "page_param_is_offset": True,
                    "breadcrumb_id": ["a.crumb", {"attribute": "href", "pattern": r"f=(\d+)"}],
                    "drop_params": ["sid", "s"],
                },
                "post": {"container": "div.post", "content": ".body", "native_id": "span.id"},
            },
        }
    )
    selectors = profile.board_selectors()
    assert selectors.page.page_param_is_offset is True
    assert selectors.page.breadcrumb_id == (Pick("a.crumb"), Pick(None, "href", r"f=(\d+)"))
    assert selectors.page.drop_params == ("sid", "s")
    assert selectors.post.native_id == Pick("span.id")
    parser = build_parser(profile)
    assert parser.timezone == "Europe/Berlin" and parser.date_formats == ("d.m.Y H:i",)


def test_other_tables_of_the_site_profile_are_ignored() -> None:
    profile = _profile({"engine": "smf"}, crawl={"delay_seconds": 5}, login={"engine": "smf"})
    assert profile.engine == "smf"


def _selector(group: str, name: str, value: object, engine: str = "phpbb") -> dict[str, object]:
    return {"parse": {"engine": engine, "selectors": {group: {name: value}}}}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "no \\[parse\\] table"),
        ({"parse": {"engine": "phpbb9"}}, "unknown engine 'phpbb9'"),
        ({"parse": {"engine": "phpbb", "timezone": "Mars/Base"}}, "unknown timezone"),
        ({"parse": {"engine": "phpbb", "colour": "green"}}, "unknown \\[parse\\] keys"),
        ({"parse": {"selectors": {"posts": {}}}}, "unknown selector table 'posts'"),
        (_selector("post", "autor", "a"), "post.autor"),
        (_selector("post", "author", "a[[["), "invalid css"),
        (_selector("post", "native_id", {"pattern": "("}), "invalid regex"),
        (_selector("post", "author", 3), "post.author must be"),
        (_selector("page", "kind_rules", {"forum": "x"}), "'forum' must be one of"),
        (_selector("post", "container", "div", "custom"), "custom profile needs"),
        ({"parse": {"engine": "phpbb", "date_formats": "d.m.Y"}}, None),
    ],
)
def test_mistakes_are_config_errors_naming_the_field(
    document: dict[str, object], message: str | None
) -> None:
    if message is None:
        assert ParseProfile.from_mapping(document, "ok").date_formats == ("d.m.Y",)
        return
    with pytest.raises(ConfigError, match=message):
        ParseProfile.from_mapping(document, "broken")


def test_unreadable_or_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[parse\nengine=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_profile(bad)


def test_cli_profile_test_prints_every_field_of_a_file() -> None:
    _register_commands()
    result = CliRunner().invoke(
        main_group,
        [
            "profile", "test", str(CUSTOM / "onderwerp-10.html"),
            "--profile", str(TUINCLUB), "--url", "http://127.0.0.1:8103/onderwerp/10",
        ],
        obj={},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for expected in (
        "custom",
        "thread",
        "post 101",
        "alice_gardener",
        "posted at (UTC)",
        "spreadsheet",
        "https://up.examplecdn.org/f/7c1e9a.xlsx",
    ):
        assert expected in result.output  # fmt: skip


def test_cli_profile_test_detects_the_engine_and_escapes_markup(tmp_path: Path) -> None:
    _register_commands()
    page = (ENGINES / "xenforo" / "topic-10.html").read_text(encoding="utf-8")
    hostile = tmp_path / "page.html"
    hostile.write_text(page.replace("Same here.", "[bold red]Same here.[/]"), encoding="utf-8")
    result = CliRunner().invoke(
        main_group,
        ["profile", "test", str(hostile), "--url", "http://127.0.0.1:8094/threads/x.10/"],
        obj={},
    )
    assert result.exit_code == 0, result.output
    assert "xenforo" in result.output
    assert "[bold red]Same" in result.output


def test_profile_test_fetches_one_url_text_only() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from forumwatch.clock import SimulatedClock
    from forumwatch.errors import SiteUnreachableError
    from forumwatch.ingest.probe import fetch_one, probe
    from forumwatch.settings import Settings

    page = (ENGINES / "smf" / "topic-10.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html = self.path.startswith("/index.php")
            body = page if html else b"\x89PNG not text"
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if html else "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        loaded = fetch_one(f"{base}/index.php?topic=10.0", Settings(), SimulatedClock(CAPTURED))
        result = probe(loaded, timezone="Europe/Moscow")
        assert (result.engine, result.kind.value) == ("smf", "thread")
        assert isinstance(result.page, ThreadPage) and len(result.page.posts) == 4
        with pytest.raises(SiteUnreachableError, match="not_html"):
            fetch_one(f"{base}/logo.png", Settings(), SimulatedClock(CAPTURED))
    finally:
        server.shutdown()
        server.server_close()


def test_cli_profile_test_reads_relative_dates_against_the_capture_time() -> None:
    _register_commands()
    result = CliRunner().invoke(
        main_group,
        [
            "profile", "test", str(ENGINES / "smf" / "topic-10-p2.html"), "--engine", "smf",
            "--timezone", "Europe/Moscow", "--captured-at", "2026-11-25T02:50:23",
            "--url", "http://127.0.0.1:8091/index.php?topic=10.4",
        ],
        obj={},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2026-11-25 02:33:23+00:00" in result.output  # "Сегодня в 05:33:23", Moscow
