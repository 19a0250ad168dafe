"""No handle from the store appears in a report or export made without --reveal; with
--reveal they do (so the check below can fail)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from forumwatch.privacy import REDACTED, Pseudonymiser, Revealer
from forumwatch.report.build import build_report
from forumwatch.report.data import ReportData
from forumwatch.report.exports import EXPORT_FORMATS, EXPORT_KINDS, ExportRequest, export
from forumwatch.report.html import render_html
from forumwatch.report.markdown import render_markdown
from forumwatch.report.pdf import html_to_pdf
from tests.report.conftest import KEY, NOW, World7, whole_period

APRIL = (date(2020, 4, 1), date(2020, 4, 30))


def _found(handles: set[str], text: str) -> set[str]:
    """Handles present in ``text`` as whole words (any case)."""
    folded = text.casefold()
    found = set()
    for handle in handles:
        name = handle.casefold()
        if name in folded and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", folded):
            found.add(handle)
    return found


def _pdf_text(data: ReportData, folder: Path) -> str:
    if shutil.which("chromium") is None or shutil.which("pdftotext") is None:
        pytest.skip("needs chromium and poppler-utils (make system-deps)")
    pdf = html_to_pdf(render_html(data), folder / "report.pdf")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()


def _exports(world7: World7, pseudonymiser: Pseudonymiser, **options: object) -> dict[str, str]:
    out = {}
    for kind in EXPORT_KINDS:
        for fmt in EXPORT_FORMATS:
            request = ExportRequest(
                kind,
                fmt,
                start=APRIL[0],
                end=APRIL[1],
                watch_list=world7.watch_list(),
                **options,  # type: ignore[arg-type]
            )
            buffer = io.BytesIO()
            export(world7.store, request, pseudonymiser, buffer, NOW)
            if fmt == "parquet":
                buffer.seek(0)
                rows = pq.read_table(buffer).to_pylist()
                out[f"{kind}.{fmt}"] = json.dumps(rows, default=str, ensure_ascii=False)
            else:
                out[f"{kind}.{fmt}"] = buffer.getvalue().decode("utf-8")
    return out


def test_no_handle_in_any_output_without_reveal(
    world7: World7, report_data: ReportData, tmp_path: Path
) -> None:
    handles = world7.handles()
    assert len(handles) > 400
    outputs = {
        "html": render_html(report_data),
        "md": render_markdown(report_data),
        "pdf": _pdf_text(report_data, tmp_path),
        **_exports(world7, Pseudonymiser(KEY)),
    }
    for name, text in outputs.items():
        assert len(text) > 200, name
        leaked = _found(handles, text)
        assert not leaked, (name, sorted(leaked)[:10])
    assert "member-" in outputs["html"] and "member-" in outputs["posts.csv"]


def test_redacted_outputs_show_no_pseudonyms(world7: World7) -> None:
    data = build_report(
        world7.store, whole_period(world7, redact=True), Pseudonymiser(KEY, redact=True), NOW
    )
    html = render_html(data)
    assert REDACTED in html and "member-" not in html
    assert not _found(world7.handles(), html)
    posts = _exports(world7, Pseudonymiser(KEY, redact=True), redact=True)["posts.csv"]
    assert REDACTED in posts and "member-" not in posts


def test_revealed_outputs_show_handles(world7: World7, tmp_path: Path) -> None:
    handles = world7.handles()
    data = build_report(world7.store, whole_period(world7, reveal=True), Revealer(), NOW)
    html, markdown = render_html(data), render_markdown(data)
    watched = world7.event("watchlisted_activity_after_date")["handle"]
    assert watched in html
    assert "handles revealed" in html and "handles revealed" in markdown
    assert len(_found(handles, html)) >= 5
    assert _found(handles, _pdf_text(data, tmp_path))
    for name, text in _exports(world7, Revealer(), reveal=True).items():
        if name.startswith(("posts", "links")):
            assert len(_found(handles, text)) > 20, name
