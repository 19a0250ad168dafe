"""Watch rules notify by webhook and e-mail, once per match, against local servers only."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from forumwatch.analyse.alerts import add_rule, remove_rule, run_alerts, send_test_notification
from forumwatch.cli import main
from forumwatch.enrich import Enricher
from forumwatch.errors import ConfigError
from forumwatch.models import Author, Fetch, PageKind, Post, Site, Thread, ThreadPage
from forumwatch.privacy import Pseudonymiser
from forumwatch.settings import Settings
from forumwatch.store import IngestItem, Store
from forumwatch.workspace import init_workspace
from tests.conftest import T0

BASE = "http://127.0.0.1:9/"
NOW = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)
NAMES = Pseudonymiser(b"alert-test-key-0123456789")


@dataclass
class Inbox:
    """What the local receivers got."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    mails: list[Any] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, str, Settings]]:
    """A webhook receiver and an SMTP server on 127.0.0.1; yields (inbox, webhook URL, settings)."""
    box = Inbox()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            box.posts.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            box.mails.append(message_from_bytes(envelope.content))
            return "250 OK"

    http = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    smtp_port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings = replace(Settings(), smtp_host="127.0.0.1", smtp_port=smtp_port)
    try:
        yield box, f"http://127.0.0.1:{http.server_address[1]}/hook", settings
    finally:
        controller.stop()
        http.shutdown()
        http.server_close()


def store_posts(store: Store, site: Site, *posts: Post, hours: int = 0) -> None:
    assert site.id is not None
    url = BASE + "viewtopic.php?t=1"
    page = ThreadPage(url, Thread("1", "Garden", url, "1"), posts=posts)
    enrichment = Enricher(places=False).enrich_page(page)
    store.ingest([IngestItem(site.id, page, T0 + timedelta(hours=hours), enrichment=enrichment)])


def test_rules_notify_each_match_once(
    store: Store, site: Site, inbox: tuple[Inbox, str, Settings]
) -> None:
    box, hook, settings = inbox
    assert site.id is not None
    store_posts(store, site, Post("1", "1", Author("alice"), NOW, "Before any rule: lockdown"))
    add_rule(store, "covid", "term", "covid", NOW, webhook_url=hook, email="desk@example.org")
    add_rule(store, "alice", "handle", "Alice", NOW, webhook_url=hook)
    add_rule(store, "snap", "host", "snapcellar.net", NOW, email="desk@example.org")
    add_rule(store, "outages", "event", "site_unavailable", NOW, webhook_url=hook)
    store_posts(
        store,
        site,
        Post(
            "2",
            "1",
            Author("alice"),
            NOW,
            "Day 3 of lockdown, photos at https://snapcellar.net/i/x/garden.jpg",
            links=("https://snapcellar.net/i/x/garden.jpg",),
        ),
        Post("3", "1", Author("bob"), NOW, "Nice tomatoes"),
        hours=1,
    )
    for day in (1, 2):
        at = NOW - timedelta(days=day)
        store.record_fetch(
            site.id, Fetch(site.name, BASE, at, at, PageKind.INDEX, error_class="timeout")
        )
    run = run_alerts(store, NOW, NAMES, settings)
    assert (run.rules, run.matches, run.notified, run.failures) == (4, 4, 4, [])
    by_rule = {p["rule"]: p for p in box.posts}
    assert set(by_rule) == {"covid", "alice", "outages"}
    assert by_rule["covid"]["matches"][0]["post"] == "2"  # not post 1, stored before the rule
    assert by_rule["covid"]["matches"][0]["member"].startswith("member-")  # pseudonymised
    assert by_rule["alice"]["matches"][0]["member"] == "alice"  # the analyst's own pattern
    assert by_rule["outages"]["matches"][0]["type"] == "site_unavailable"
    assert sorted(m["Subject"].split(":")[0] for m in box.mails) == [
        "[forumwatch] covid",
        "[forumwatch] snap",
    ]
    again = run_alerts(store, NOW, NAMES, settings)
    assert (again.matches, again.notified) == (0, 0)
    assert len(box.posts) == 3 and len(box.mails) == 2
    store_posts(store, site, Post("4", "1", Author("carol"), NOW, "Quarantine again"), hours=2)
    later = run_alerts(store, NOW + timedelta(hours=1), NAMES, settings)
    assert (later.matches, later.notified) == (1, 1)
    assert box.posts[-1]["matches"][0]["post"] == "4"


def test_failed_delivery_is_reported_not_raised(store: Store, site: Site) -> None:
    add_rule(store, "dead", "handle", "alice", NOW, webhook_url=f"http://127.0.0.1:{free_port()}/")
    store_posts(store, site, Post("1", "1", Author("alice"), NOW, "hello"))
    run = run_alerts(store, NOW, NAMES, Settings())
    assert run.notified == 1 and run.failures and "webhook failed" in run.failures[0]


def test_test_and_remove(store: Store, inbox: tuple[Inbox, str, Settings]) -> None:
    box, hook, settings = inbox
    add_rule(store, "t", "term", "covid", NOW, webhook_url=hook)
    send_test_notification(store, "t", settings)
    assert box.posts[0]["matches"][0]["key"] == "test"
    remove_rule(store, "t")
    assert store.alert_rules() == []
    with pytest.raises(ConfigError):
        add_rule(store, "x", "event", "no_such_event", NOW, webhook_url=hook)
    with pytest.raises(ConfigError):
        add_rule(store, "x", "term", "covid", NOW)  # nowhere to notify


def test_alert_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = init_workspace(tmp_path / "ws")
    folder = str(workspace.path)
    main(
        [
            "-w",
            folder,
            "alert",
            "add",
            "covid",
            "--kind",
            "term",
            "--pattern",
            "covid",
            "--webhook",
            "http://127.0.0.1:9/x",
        ]
    )
    main(["-w", folder, "alert", "list"])
    assert "covid" in capsys.readouterr().out
    main(["-w", folder, "alert", "run"])
    assert "1 rule(s), 0 new match(es)" in capsys.readouterr().out
    main(["-w", folder, "alert", "remove", "covid"])
    main(["-w", folder, "alert", "list"])
    assert "covid" not in capsys.readouterr().out.split("watch rules", 1)[1]
