"""Exports round-trip (row counts equal the store's, Parquet readable) and stream in batches
with flat memory; the command line writes reports and exports into the workspace."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from forumwatch.cli import _register_commands, main_group
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.exports import ExportRequest, export
from forumwatch.store import Store
from tests.report.conftest import KEY, NOW, World7


class _Sink(io.RawIOBase):
    """A binary file that keeps nothing (so only the exporter's memory is measured)."""

    def __init__(self) -> None:
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        size = len(data)  # type: ignore[arg-type]
        self.written += size
        return size


def _export(store: Store, request: ExportRequest) -> bytes:
    buffer = io.BytesIO()
    export(store, request, Pseudonymiser(KEY), buffer, NOW)
    return buffer.getvalue()


def test_exports_round_trip(world7: World7) -> None:
    counts = world7.store.counts()
    posts_csv = _export(world7.store, ExportRequest("posts", "csv"))
    rows = list(csv.DictReader(io.StringIO(posts_csv.decode())))
    assert len(rows) == counts.posts
    assert all(row["author"].startswith("member-") for row in rows)
    posts_jsonl = _export(world7.store, ExportRequest("posts", "jsonl")).decode().splitlines()
    assert len(posts_jsonl) == counts.posts
    assert json.loads(posts_jsonl[0])["post_id"] == int(rows[0]["post_id"])
    table = pq.read_table(io.BytesIO(_export(world7.store, ExportRequest("posts", "parquet"))))
    assert table.num_rows == counts.posts
    assert table.column_names[:3] == ["post_id", "site", "section"]
    assert sorted(table.column("post_id").to_pylist()) == sorted(int(r["post_id"]) for r in rows)

    links = _export(world7.store, ExportRequest("links", "jsonl")).decode().splitlines()
    assert len(links) == counts.links
    first = json.loads(links[0])
    assert {"raw_url", "registrable_domain", "media_class", "first_post"} <= set(first)
    links_table = pq.read_table(
        io.BytesIO(_export(world7.store, ExportRequest("links", "parquet")))
    )
    assert links_table.num_rows == counts.links

    april = ExportRequest("posts", "csv", ("harbour",), date(2020, 4, 1), date(2020, 4, 30))
    subset = list(csv.DictReader(io.StringIO(_export(world7.store, april).decode())))
    assert subset and {row["site"] for row in subset} == {"harbour"}
    assert all(row["posted_at"].startswith("2020-04") for row in subset)

    series = list(
        csv.DictReader(io.StringIO(_export(world7.store, ExportRequest("series", "csv")).decode()))
    )
    names = {row["series"] for row in series}
    assert "posts: harbour" in names and any(n.startswith("link") for n in names)
    events = _export(world7.store, ExportRequest("events", "jsonl", start=date(2020, 4, 1)))
    kinds = {json.loads(line)["type"] for line in events.decode().splitlines()}
    assert {"host_down", "site_unavailable", "host_migration"} <= kinds


def _peak(store: Store, request: ExportRequest) -> tuple[int, int]:
    sink = _Sink()
    tracemalloc.start()
    try:
        rows = export(store, request, Pseudonymiser(KEY), sink, NOW)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return rows, peak


def test_exports_stream_with_flat_memory(world7: World7) -> None:
    month = ExportRequest("posts", "csv", start=date(2020, 4, 1), end=date(2020, 4, 30), batch=500)
    every = ExportRequest("posts", "csv", batch=500)
    small_rows, small_peak = _peak(world7.store, month)
    all_rows, all_peak = _peak(world7.store, every)
    assert all_rows > 10 * small_rows
    # Ten times the rows, about the same memory: one batch at a time.
    assert all_peak < 2 * small_peak + 2_000_000, (small_peak, all_peak)
    parquet_rows, parquet_peak = _peak(world7.store, ExportRequest("posts", "parquet", batch=500))
    assert parquet_rows == all_rows and parquet_peak < 40_000_000


def test_command_line_report_and_export(world7: World7, tmp_path: Path) -> None:
    _register_commands()
    workspace = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(main_group, ["init", str(workspace)]).exit_code == 0
    url = world7.store.url
    settings = workspace / "forumwatch.toml"
    settings.write_text(settings.read_text() + f'store_url = "{url}"\n')
    result = runner.invoke(
        main_group,
        ["-w", str(workspace), "report", "--from", "2020-05-25", "--to", "2020-05-31"],
    )
    assert result.exit_code == 0, result.output
    written = workspace / "reports" / "report-20200525-20200531.html"
    assert written.is_file() and str(written) in result.output.replace("\n", "")
    assert "Host down" in written.read_text()
    markdown = runner.invoke(
        main_group,
        ["-w", str(workspace), "report", "--format", "md", "--sites", "harbour", "--redact"],
    )
    assert markdown.exit_code == 0, markdown.output
    assert list((workspace / "reports").glob("report-*-harbour.md"))
    exported = runner.invoke(
        main_group,
        ["-w", str(workspace), "export", "links", "--from", "2020-05-01", "--to", "2020-05-02"],
    )
    assert exported.exit_code == 0
    assert exported.output.startswith("post_id,position,site")
    revealed = runner.invoke(
        main_group, ["-w", str(workspace), "export", "events", "--reveal", "--format", "jsonl"]
    )
    assert revealed.exit_code == 0
    both = runner.invoke(main_group, ["-w", str(workspace), "report", "--reveal", "--redact"])
    assert both.exit_code == 2
