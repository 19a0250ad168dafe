"""`forumwatch user add|list|remove` and `forumwatch serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from forumwatch.workspace import init_workspace
from tests.web.conftest import _free_port


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forumwatch", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_user_add_list_remove(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    folder = str(workspace.path)
    added = _run(
        "-w",
        folder,
        "user",
        "add",
        "ada",
        "--role",
        "analyst",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert added.returncode == 0, added.stderr
    short = _run("-w", folder, "user", "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least" in short.stderr
    listed = _run("-w", folder, "user", "list")
    assert "ada" in listed.stdout and "analyst" in listed.stdout
    assert "a-long-password" not in listed.stdout
    assert _run("-w", folder, "user", "remove", "ada").returncode == 0
    assert _run("-w", folder, "user", "remove", "ada").returncode == 1
    store = workspace.open_store()
    try:
        assert store.list_users() == []
        actions = [e.action for e in store.audit_entries(user_name="cli")]
    finally:
        store.close()
    assert actions == ["user_remove", "user_add"]


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "forumwatch",
            "-w",
            str(workspace.path),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("serve did not start")
                time.sleep(0.2)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert login.status_code == 200
        assert "default-src 'self'" in login.headers["content-security-policy"]
        assert "server" not in login.headers
    finally:
        process.terminate()
        process.wait(timeout=10)
