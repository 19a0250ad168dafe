"""The report as PDF, printed locally by headless Chromium from the HTML report.

Chromium runs with a throw-away profile, no network services (no component updates, sync or
background fetches) and reads the report from a local file; the report itself has no script
and no external resource, and its Content-Security-Policy forbids loading any.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from forumwatch.errors import ReportError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
TIMEOUT_SECONDS = 120


def find_chromium() -> str:
    """The Chromium executable (``FORUMWATCH_CHROMIUM``, else the first on PATH).

    Raises:
        ReportError: none is installed.
    """
    configured = os.environ.get("FORUMWATCH_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError(
        "PDF reports need Chromium (apt-get install chromium); HTML and Markdown work without"
    )


def html_to_pdf(html: str, target: Path) -> Path:
    """Print an HTML document to ``target`` as PDF (A4, backgrounds kept) and return it.

    Raises:
        ReportError: Chromium is missing, fails, or writes no PDF.
    """
    chromium = find_chromium()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="forumwatch-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        output = Path(folder) / "report.pdf"
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={output}",
            page.as_uri(),
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ReportError(f"Chromium could not print the report: {error}") from error
        if not output.is_file() or output.stat().st_size == 0:
            detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ReportError(f"Chromium wrote no PDF (exit {completed.returncode}): {detail}")
        shutil.move(str(output), target)
    return target
