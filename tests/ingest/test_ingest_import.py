"""``forumwatch import``: WARC files, wget and HTTrack folders and HAR files into the store."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.verify import verify_archive
from forumwatch.crawl.warc import WarcArchive
from forumwatch.errors import ConfigError
from forumwatch.ingest import import_path
from forumwatch.models import Site
from forumwatch.parse.profile import load_profile
from forumwatch.store import schema
from forumwatch.store.sql import SQLStore
from forumwatch.workspace import Workspace, init_workspace
from tests.conftest import dump_tables
from tests.parse.parse_helpers import ENGINES

CAPTURED = datetime(2026, 11, 25, 2, 50, 23, tzinfo=UTC)
CLOCK = SimulatedClock(CAPTURED)
ROOT = Path(__file__).resolve().parents[2]


def _entries(engine: str) -> list[dict[str, str]]:
    manifest = json.loads((ENGINES / engine / "manifest.json").read_text(encoding="utf-8"))
    return [e for e in manifest["files"] if e["kind"] in ("topic", "forum", "index")]


def _page(engine: str, name: str) -> bytes:
    return (ENGINES / engine / name).read_bytes()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def _provenance(workspace: Workspace) -> list[tuple[str, str, str, int]]:
    """(post native id, fetch URL, WARC file, offset) of every stored post."""
    store = workspace.open_store()
    try:
        assert isinstance(store, SQLStore)
        posts, fetches = schema.posts, schema.fetches
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(posts.c.native_id, fetches.c.url, fetches.c.warc_file, fetches.c.warc_offset)
                .join(fetches, posts.c.fetch_id == fetches.c.id)
                .order_by(posts.c.native_id)
            ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        store.close()


def _state(workspace: Workspace) -> dict[str, list[tuple[object, ...]]]:
    store = workspace.open_store()
    try:
        return dump_tables(store)
    finally:
        store.close()


def _verified(workspace: Workspace) -> int:
    store = workspace.open_store()
    try:
        report = verify_archive(store, workspace.warc_dir)
    finally:
        store.close()
    assert report.ok, report.mismatches
    return report.checked


def _write_warc(folder: Path, engine: str) -> Path:
    archive = WarcArchive(folder, prefix="elsewhere")
    html = [("Content-Type", "text/html; charset=utf-8")]
    for entry in _entries(engine):
        body = _page(engine, entry["file"])
        archive.write(entry["url"], CAPTURED, "GET", [], 200, "OK", html, body)
    png = [("Content-Type", "image/png")]
    archive.write("http://127.0.0.1:8091/logo.png", CAPTURED, "GET", [], 200, "OK", png, b"PNG")
    gone = b"<html><body>gone</body></html>"
    archive.write("http://127.0.0.1:8091/gone.html", CAPTURED, "GET", [], 404, "No", html, gone)
    archive.close()
    [path] = folder.glob("*.warc.gz")
    return path


def test_warc_import_keeps_the_original_records_and_is_idempotent(
    workspace: Workspace, tmp_path: Path
) -> None:
    warc = _write_warc(tmp_path / "elsewhere", "smf")
    summary = import_path(workspace, warc, clock=CLOCK)
    assert summary.pages == 6
    assert summary.new_posts == 10
    assert summary.skipped == {"not HTML": 1, "HTTP 404": 1}
    assert summary.sites == {"127-0-0-1-8091"}
    stored = _provenance(workspace)
    assert len(stored) == 10
    assert {row[2] for row in stored} == {warc.name}  # the original file name ...
    assert (workspace.warc_dir / warc.name).read_bytes() == warc.read_bytes()  # ... copied as is
    assert _verified(workspace) == 6
    before = _state(workspace)
    again = import_path(workspace, warc, clock=CLOCK)
    assert (again.pages, again.new_posts, again.changed_posts) == (6, 0, 0)
    assert _state(workspace) == before


def test_wget_folder_maps_paths_back_to_urls(workspace: Workspace, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    host = mirror / "127.0.0.1:8096"
    host.mkdir(parents=True)
    for entry in _entries("fluxbb"):
        path_and_query = entry["url"].split("127.0.0.1:8096/", 1)[1]
        name = path_and_query + (".html" if "?" in path_and_query else "")
        (host / name).write_bytes(_page("fluxbb", entry["file"]))
    (host / "style").mkdir()
    (host / "style" / "Air.css").write_text("body { color: green }", encoding="utf-8")
    (host / "robots.txt").write_text("User-agent: *", encoding="utf-8")
    profile = ROOT / "docs" / "profiles" / "fluxbb-german.toml"
    summary = import_path(workspace, mirror, profile=load_profile(profile), clock=CLOCK)
    assert summary.pages == 6
    assert summary.new_posts == 10
    urls = {row[1] for row in _provenance(workspace)}
    assert urls == {
        "http://127.0.0.1:8096/viewtopic.php?id=10",
        "http://127.0.0.1:8096/viewtopic.php?id=10&p=2",
        "http://127.0.0.1:8096/viewtopic.php?id=12",
    }
    assert _verified(workspace) == 6
    before = _state(workspace)
    again = import_path(workspace, mirror, profile=load_profile(profile), clock=CLOCK)
    assert again.new_posts == 0
    assert _state(workspace) == before


def test_httrack_folder_reads_the_mirrored_from_comment(
    workspace: Workspace, tmp_path: Path
) -> None:
    mirror = tmp_path / "httrack" / "127.0.0.1_8094"
    mirror.mkdir(parents=True)
    (mirror.parent / "hts-log.txt").write_text("HTTrack log", encoding="utf-8")
    for number, entry in enumerate(_entries("xenforo")):
        location = entry["url"].removeprefix("http://")
        comment = (
            f"<!-- Mirrored from {location} by HTTrack Website Copier/3.x "
            "[XR&CO'2014], Wed, 25 Nov 2026 02:50:23 GMT -->\n"
        )
        page = _page("xenforo", entry["file"]).decode("utf-8")
        (mirror / f"page{number}.html").write_text(comment + page, encoding="utf-8")
    summary = import_path(workspace, mirror.parent, site_name="garden-xf", clock=CLOCK)
    assert summary.pages == 6 and summary.new_posts == 10
    assert summary.sites == {"garden-xf"}
    rows = _provenance(workspace)
    assert ("101", "http://127.0.0.1:8094/threads/my-tomato-planting-calendar-for-2020.10/") in {
        (row[0], row[1]) for row in rows
    }
    assert all(row[2].startswith("import-") for row in rows)  # archived into the workspace
    assert _verified(workspace) == 6


def test_har_imports_html_and_discourse_json_only(workspace: Workspace, tmp_path: Path) -> None:
    entries = []
    for entry in _entries("discourse"):
        json_body = entry["file"].endswith(".json")
        entries.append({
            "startedDateTime": "2026-11-25T02:50:23.000Z",
            "request": {"method": "GET", "url": entry["url"]},
            "response": {
                "status": 200, "statusText": "OK",
                "headers": [{"name": "Content-Type",
                             "value": "application/json" if json_body else "text/html"}],
                "content": {"mimeType": "application/json" if json_body else "text/html",
                            "text": _page("discourse", entry["file"]).decode("utf-8")},
            },
        })  # fmt: skip
    entries.append({
        "startedDateTime": "2026-11-25T02:50:24.000Z",
        "request": {"method": "GET", "url": "http://127.0.0.1:8098/uploads/photo.jpg"},
        "response": {"status": 200, "headers": [], "content": {
            "mimeType": "image/jpeg", "encoding": "base64",
            "text": base64.b64encode(b"\xff\xd8").decode()}},
    })  # fmt: skip
    entries.append({
        "startedDateTime": "2026-11-25T02:50:24.000Z",
        "request": {"method": "GET", "url": "http://127.0.0.1:8098/site.json"},
        "response": {"status": 200, "headers": [], "content": {
            "mimeType": "application/json", "text": '{"categories": []}'}},
    })  # fmt: skip
    har = tmp_path / "session.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    summary = import_path(workspace, har, clock=CLOCK)
    assert summary.pages == 12
    assert summary.skipped_total == 2
    # The HTML and the JSON of the same topics are the same posts, stored once.
    assert summary.new_posts == 10
    assert _verified(workspace) == 12
    before = _state(workspace)
    assert import_path(workspace, har, clock=CLOCK).new_posts == 0
    assert _state(workspace) == before


def test_not_a_capture_is_a_config_error(workspace: Workspace, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a WARC"):
        import_path(workspace, other)
    with pytest.raises(ConfigError, match="no such file"):
        import_path(workspace, tmp_path / "missing.warc.gz")
    bad_har = tmp_path / "bad.har"
    bad_har.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="HAR"):
        import_path(workspace, bad_har)
    with pytest.raises(ConfigError, match="unknown engine"):
        import_path(workspace, tmp_path, engine="nonesuch")


def test_pages_without_url_or_engine_are_skipped(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "page.html").write_bytes(_page("smf", "topic-10.html"))
    (folder / "unknown.html").write_text("<html><body><p>hello</p></body></html>", encoding="utf-8")
    summary = import_path(workspace, folder, clock=CLOCK)
    assert summary.pages == 0
    assert summary.skipped == {"URL unknown": 2}
    # Under a known site, a file's path becomes its URL there; a page that no engine claims
    # is read by the engine its site's other pages were detected as (here: with problems).
    store = workspace.open_store()
    try:
        store.add_site(Site("harbour", "http://127.0.0.1:8091/"), CAPTURED)
    finally:
        store.close()
    summary = import_path(workspace, folder, site_name="harbour", clock=CLOCK)
    assert summary.pages == 2 and summary.new_posts == 4 and summary.problems > 0
    assert summary.skipped_total == 0
    assert {row[1] for row in _provenance(workspace)} == {"http://127.0.0.1:8091/page.html"}


def test_cli_import_prints_a_summary(workspace: Workspace, tmp_path: Path) -> None:
    from forumwatch.cli import _register_commands, main_group

    _register_commands()
    warc = _write_warc(tmp_path / "elsewhere", "vbulletin4")
    result = CliRunner().invoke(
        main_group, ["--workspace", str(workspace.path), "import", str(warc)], obj={}
    )
    assert result.exit_code == 0, result.output
    assert "pages imported" in result.output and "new posts" in result.output
    assert "skipped" in result.output and "127-0-0-1-8092" in result.output
