"""The PDF report is printed by headless Chromium and its first page is not blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from forumwatch.report.data import ReportData
from forumwatch.report.html import render_html
from forumwatch.report.pdf import html_to_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("chromium") is None,
    reason="needs chromium and poppler-utils (make system-deps)",
)


def test_pdf_first_page_is_not_blank(report_data: ReportData, tmp_path: Path) -> None:
    pdf = html_to_pdf(render_html(report_data), tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = page.size
    assert height > width  # a portrait page
    dark = sum(page.histogram()[:200])
    assert dark / (width * height) > 0.01, "page 1 is (nearly) blank"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Headline numbers" in text
    assert "Findings" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout
    assert int(pages.decode().split("Pages:")[1].split()[0]) >= 3
