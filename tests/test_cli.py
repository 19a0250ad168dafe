"""The command line's contract: one-line errors, non-zero exit codes, no tracebacks."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forumwatch", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "FORUMWATCH_REQUEST_TIMEOUT_SECONDS": "2",
            "FORUMWATCH_CONNECT_TIMEOUT_SECONDS": "2",
            "FORUMWATCH_CRAWL_RETRIES": "1",
            "FORUMWATCH_CRAWL_BACKOFF_SECONDS": "0.01",
        },
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_init_then_stats(tmp_path: Path) -> None:
    workspace = tmp_path / "work"
    assert run("init", str(workspace)).returncode == 0
    assert (workspace / "forumwatch.toml").is_file() and (workspace / "forumwatch.db").is_file()
    stats = run("-w", str(workspace), "stats")
    assert stats.returncode == 0 and "posts" in stats.stdout
    optimized = run("-w", str(workspace), "optimize")
    assert optimized.returncode == 0 and "optimized" in optimized.stdout


def test_missing_workspace_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("-w", str(tmp_path / "nowhere"), "stats")
    assert_one_line_error(result, "not a forumwatch workspace")


@pytest.mark.parametrize("url", ["not a url", "ftp://127.0.0.1/", "http://", "http://bad host/"])
def test_malformed_url_is_a_one_line_error(tmp_path: Path, url: str) -> None:
    run("init", str(tmp_path))
    assert_one_line_error(run("-w", str(tmp_path), "crawl", url), "URL")


def test_unreachable_site_is_a_one_line_error(tmp_path: Path) -> None:
    run("init", str(tmp_path))
    result = run("-w", str(tmp_path), "crawl", f"http://127.0.0.1:{free_port()}/")
    assert_one_line_error(result, "could not reach")


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("init", "demo", "crawl", "stats", "verify", "site", "report", "serve"):
        assert command in result.stdout


def test_demo_size_that_is_neither_a_preset_nor_a_number_is_a_one_line_error(
    tmp_path: Path,
) -> None:
    result = run("demo", "--workspace-dir", str(tmp_path / "demo"), "--size", "12x")
    assert_one_line_error(result, "unknown world size")
    assert not (tmp_path / "demo").exists()
