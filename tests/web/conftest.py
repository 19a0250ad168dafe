"""Fixtures of the dashboard tests: the hostile workspace, a live server, Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forumwatch.workspace import Workspace
from tests.web.data import build_workspace

CHROMIUM = Path(os.environ.get("FORUMWATCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def web_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The hostile workspace (built once per test session)."""
    return build_workspace(tmp_path_factory.mktemp("web") / "workspace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server(web_workspace: Workspace) -> Iterator[str]:
    """The dashboard under uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    from forumwatch.web.app import create_app

    app = create_app(web_workspace)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.web.store.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (no browser download).

    Missing Chromium fails the run in CI (CI=true) and skips locally with the reason.
    """
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (make system-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where page screenshots go (FORUMWATCH_SCREENSHOTS, default artifacts/screenshots)."""
    folder = Path(os.environ.get("FORUMWATCH_SCREENSHOTS", REPOSITORY / "artifacts/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
