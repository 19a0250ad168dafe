"""The dashboard's store reads and writes on both backends: users, sessions, audit log, the
thread reader's pages with quotes and links, a post's place in its thread."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.models import (
    Author,
    IndexPage,
    Link,
    MediaClass,
    Network,
    Post,
    PostEnrichment,
    Quote,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.store import IngestItem, Store
from forumwatch.store.webdata import AuditEntry
from forumwatch.web.auth import Sessions, add_user, token_hash
from tests.conftest import T0

BASE = "http://127.0.0.1:9/"


def _fill(store: Store, site: Site) -> None:
    assert site.id is not None
    section = Section("1", "Gardening <b>", BASE + "f1")
    store.ingest([IngestItem(site.id, IndexPage(BASE, "board", (section,)), T0)])
    thread = Thread("t1", "Tomatoes", BASE + "t1", "1", ("[Guide]",))
    url = "https://files.example.net/a/b.jpg"
    link = Link(
        url,
        url,
        "files.example.net",
        "example.net",
        Network.CLEARNET,
        "jpg",
        MediaClass.IMAGE,
        "b.jpg",
    )
    posts = [
        Post(str(n), "t1", Author(f"member{n % 2}"), T0 + timedelta(hours=n), f"post {n}")
        for n in range(1, 6)
    ]
    # An undated post comes last in reading order.
    posts.append(Post("9", "t1", Author("member0"), None, "undated"))
    posts[1] = Post(
        "2",
        "t1",
        Author("member0"),
        T0 + timedelta(hours=2),
        "with a quote and a link",
        quotes=(Quote(1, "member1", "post 1"),),
        links=(url,),
    )
    enrichment = {"2": PostEnrichment(links=(link,), language="en")}
    store.ingest(
        [
            IngestItem(
                site.id, ThreadPage(thread.url, thread, tuple(posts)), T0, enrichment=enrichment
            )
        ]
    )


def test_thread_pages_quotes_links_and_post_location(store: Store, site: Site) -> None:
    _fill(store, site)
    thread_id = store.thread_id(site.id or 0, "t1")
    summary = store.thread_summary(thread_id)
    assert (summary.title, summary.site_name, summary.stored_posts) == ("Tomatoes", "harbour", 6)
    assert summary.section_title == "Gardening <b>" and summary.tags == ("[Guide]",)
    first = store.thread_posts(thread_id, limit=3)
    assert [p.native_id for p in first] == ["1", "2", "3"]
    assert first[1].quotes[0].author == "member1"
    assert first[1].links[0].raw_url == "https://files.example.net/a/b.jpg"
    assert first[1].links[0].host == "files.example.net"
    rest = store.thread_posts(thread_id, limit=3, offset=3)
    assert [p.native_id for p in rest] == ["4", "5", "9"]
    ids = {p.native_id: p.id for p in first + rest}
    assert store.post_location(ids["4"]) == (thread_id, 3)
    assert store.post_location(ids["9"]) == (thread_id, 5)
    assert store.post_location(ids["1"]) == (thread_id, 0)
    section_id = summary.section_id
    assert section_id is not None
    assert [t.id for t in store.section_threads(section_id)] == [thread_id]
    assert store.last_post_day() == (T0 + timedelta(hours=5)).date()
    with pytest.raises(NotFoundError):
        store.thread_summary(thread_id + 100)
    with pytest.raises(NotFoundError):
        store.post_location(10_000)


def test_users_sessions_and_audit(store: Store) -> None:
    user = add_user(store, "ada", "a-long-password", "analyst", T0)
    assert user.password_hash.startswith("$argon2id$")
    assert "a-long-password" not in user.password_hash
    with pytest.raises(ConfigError):
        add_user(store, "ada", "a-long-password", "viewer", T0)
    with pytest.raises(ConfigError):
        add_user(store, "bob", "short", "viewer", T0)
    with pytest.raises(ConfigError):
        add_user(store, "bob", "a-long-password", "superuser", T0)
    with pytest.raises(ConfigError):
        add_user(store, "<bob>", "a-long-password", "viewer", T0)
    sessions = Sessions(store, timedelta(minutes=30), timedelta(hours=12))
    assert sessions.login("ada", "wrong-password", T0) is None
    assert sessions.login("nobody", "a-long-password", T0) is None
    opened = sessions.login("ada", "a-long-password", T0)
    assert opened is not None
    token, _ = opened
    stored = store.get_session(token_hash(token))
    assert stored is not None and stored.token_hash != token
    viewer = sessions.current(token, T0 + timedelta(minutes=20))
    assert viewer is not None and viewer.role == "analyst" and viewer.can("viewer")
    assert not viewer.can("admin")
    assert sessions.current(token, T0 + timedelta(minutes=45)) is not None
    assert sessions.current(token, T0 + timedelta(minutes=80)) is None
    assert store.get_session(token_hash(token)) is None
    again = sessions.login("ada", "a-long-password", T0)
    assert again is not None
    assert sessions.current(again[0], T0 + timedelta(hours=13)) is None
    third = sessions.login("ada", "a-long-password", T0)
    assert third is not None
    store.remove_user("ada")
    assert sessions.current(third[0], T0) is None
    with pytest.raises(NotFoundError):
        store.remove_user("ada")
    for minute in range(3):
        store.record_audit(
            AuditEntry(T0 + timedelta(minutes=minute), "ada", "analyst", "search", "ok", "{}")
        )
    store.record_audit(AuditEntry(T0, "vera", "viewer", "reveal", "denied", '{"thread": 1}'))
    newest = store.audit_entries(2)
    assert [e.at for e in newest] == [T0 + timedelta(minutes=2), T0 + timedelta(minutes=1)]
    assert [e.user_name for e in store.audit_entries(user_name="vera")] == ["vera"]
    assert len(store.audit_entries(action="search")) == 3
