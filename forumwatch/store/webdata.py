"""Reads and writes behind the dashboard, portable across backends.

Users, server-side sessions and the audit log (migration 7) are the only rows the dashboard
writes. The reads are what its pages show that the analysis does not compute: a thread page
by page with quotes and links, a section's threads, a post's place in its thread, and where
the rollups end. Every read is bounded by an index and a page size. Mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.store import schema
from forumwatch.store.rollups import POSTS

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class StoredUser:
    """A dashboard user: name, role and the argon2 hash of the password."""

    id: int
    name: str
    role: str
    password_hash: str
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live dashboard session with its user (looked up by the token's hash)."""

    token_hash: str
    user_id: int
    user_name: str
    role: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log; ``detail`` is JSON text."""

    at: datetime
    user_name: str
    role: str
    action: str
    outcome: str = "ok"
    detail: str = "{}"
    client: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread with where it sits and how many posts are stored of it."""

    id: int
    site_id: int
    site_name: str
    section_id: int | None
    section_title: str | None
    native_id: str
    title: str
    url: str
    author_handle: str | None
    first_post_at: datetime | None
    last_post_at: datetime | None
    stored_posts: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """A quote inside a stored post."""

    depth: int
    author: str | None
    text: str


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link written in a stored post: the raw URL and its host (never fetched)."""

    raw_url: str
    host: str
    media_class: str


@dataclass(frozen=True, slots=True)
class ThreadPost:
    """One stored post as the thread reader shows it."""

    id: int
    native_id: str
    position: int | None
    author_handle: str | None
    posted_at: datetime | None
    title: str
    text: str
    language: str | None
    version: int
    captured_at: datetime
    quotes: tuple[QuoteRow, ...] = ()
    links: tuple[LinkRow, ...] = ()


def _user(row: Any) -> StoredUser:
    return StoredUser(
        int(row.id), row.name, row.role, row.password_hash, row.created_at, row.last_login_at
    )


class WebQueries:
    """Dashboard reads and its few writes over ``engine`` (mixed into SQLStore)."""

    engine: Engine

    # -- users -------------------------------------------------------------------------------
    def add_user(self, name: str, password_hash: str, role: str, now: datetime) -> StoredUser:
        """Store a dashboard user.

        Raises:
            ConfigError: the name is taken.
        """
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(schema.web_users).values(
                        name=name, password_hash=password_hash, role=role, created_at=now
                    )
                )
        except IntegrityError as error:
            raise ConfigError(f"a user named {name!r} already exists") from error
        found = self.get_user(name)
        assert found is not None
        return found

    def get_user(self, name: str) -> StoredUser | None:
        """The named user, or None."""
        users = schema.web_users
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.name == name)).first()
        return None if row is None else _user(row)

    def list_users(self) -> list[StoredUser]:
        """Every dashboard user, by name."""
        users = schema.web_users
        with self.engine.connect() as connection:
            rows = connection.execute(select(users).order_by(users.c.name)).all()
        return [_user(row) for row in rows]

    def remove_user(self, name: str) -> None:
        """Delete a user and end their sessions at once.

        Raises:
            NotFoundError: no such user.
        """
        users, sessions = schema.web_users, schema.web_sessions
        with self.engine.begin() as connection:
            found = connection.execute(select(users.c.id).where(users.c.name == name)).first()
            if found is None:
                raise NotFoundError(f"no user named {name!r}")
            connection.execute(delete(sessions).where(sessions.c.user_id == found[0]))
            connection.execute(delete(users).where(users.c.id == found[0]))

    def update_user_login(self, user_id: int, now: datetime, password_hash: str | None) -> None:
        """Record a successful login (and a re-hashed password when the parameters changed)."""
        values: dict[str, Any] = {"last_login_at": now}
        if password_hash is not None:
            values["password_hash"] = password_hash
        with self.engine.begin() as connection:
            connection.execute(
                update(schema.web_users).where(schema.web_users.c.id == user_id).values(**values)
            )

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, token_hash: str, user_id: int, csrf_token: str, now: datetime) -> None:
        """Open a session for a user (the token itself is never stored)."""
        with self.engine.begin() as connection:
            connection.execute(
                insert(schema.web_sessions).values(
                    token_hash=token_hash,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                )
            )

    def get_session(self, token_hash: str) -> WebSession | None:
        """The session with this token hash and its user, or None."""
        sessions, users = schema.web_sessions, schema.web_users
        query = (
            select(sessions, users.c.name, users.c.role)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.token_hash == token_hash)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return WebSession(
            row.token_hash,
            int(row.user_id),
            row.name,
            row.role,
            row.csrf_token,
            row.created_at,
            row.last_seen_at,
        )

    def touch_session(self, token_hash: str, now: datetime) -> None:
        """Move a session's last activity to ``now`` (the idle timeout counts from it)."""
        sessions = schema.web_sessions
        with self.engine.begin() as connection:
            connection.execute(
                update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen_at=now)
            )

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        sessions = schema.web_sessions
        with self.engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def delete_stale_sessions(self, idle_before: datetime, created_before: datetime) -> int:
        """End sessions idle since ``idle_before`` or opened before ``created_before``."""
        sessions = schema.web_sessions
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(sessions).where(
                    or_(
                        sessions.c.last_seen_at < idle_before,
                        sessions.c.created_at < created_before,
                    )
                )
            )
        return int(result.rowcount or 0)

    # -- audit log ---------------------------------------------------------------------------
    def record_audit(self, entry: AuditEntry) -> None:
        """Append one entry to the audit log."""
        with self.engine.begin() as connection:
            connection.execute(
                insert(schema.audit_log).values(
                    at=entry.at,
                    user_name=entry.user_name[:100],
                    role=entry.role[:20],
                    action=entry.action[:40],
                    outcome=entry.outcome[:20],
                    detail=entry.detail,
                    client=entry.client[:100],
                )
            )

    def audit_entries(
        self,
        limit: int = 100,
        offset: int = 0,
        user_name: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally of one user or action."""
        log = schema.audit_log
        query = select(log).order_by(log.c.at.desc(), log.c.id.desc())
        if user_name is not None:
            query = query.where(log.c.user_name == user_name)
        if action is not None:
            query = query.where(log.c.action == action)
        query = query.limit(max(1, min(limit, 1000))).offset(max(0, offset))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            AuditEntry(
                r.at, r.user_name, r.role, r.action, r.outcome, r.detail, r.client, int(r.id)
            )
            for r in rows
        ]

    # -- threads -----------------------------------------------------------------------------
    def _thread_query(self) -> Any:
        threads, sites, sections = schema.threads, schema.sites, schema.sections
        stored = (
            select(func.count())
            .where(schema.posts.c.thread_id == threads.c.id)
            .scalar_subquery()
            .label("stored_posts")
        )
        return select(
            threads,
            sites.c.name.label("site_name"),
            sections.c.title.label("section_title"),
            stored,
        ).select_from(
            threads.join(sites, sites.c.id == threads.c.site_id).outerjoin(
                sections, sections.c.id == threads.c.section_id
            )
        )

    def _summaries(self, rows: Sequence[Any]) -> list[ThreadSummary]:
        tags: dict[int, list[str]] = defaultdict(list)
        ids = [int(r.id) for r in rows]
        if ids:
            table = schema.thread_tags
            with self.engine.connect() as connection:
                for thread_id, tag in connection.execute(
                    select(table.c.thread_id, table.c.tag)
                    .where(table.c.thread_id.in_(ids))
                    .order_by(table.c.tag)
                ):
                    tags[int(thread_id)].append(tag)
        return [
            ThreadSummary(
                id=int(r.id),
                site_id=int(r.site_id),
                site_name=r.site_name,
                section_id=None if r.section_id is None else int(r.section_id),
                section_title=r.section_title,
                native_id=r.native_id,
                title=r.title,
                url=r.url,
                author_handle=r.author_handle,
                first_post_at=r.first_post_at,
                last_post_at=r.last_post_at,
                stored_posts=int(r.stored_posts or 0),
                tags=tuple(tags.get(int(r.id), ())),
            )
            for r in rows
        ]

    def thread_summary(self, thread_id: int) -> ThreadSummary:
        """One thread with its site, section and stored post count.

        Raises:
            NotFoundError: no such thread.
        """
        query = self._thread_query().where(schema.threads.c.id == thread_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise NotFoundError(f"no thread {thread_id}")
        return self._summaries([row])[0]

    def section_threads(
        self, section_id: int, limit: int = 50, offset: int = 0
    ) -> list[ThreadSummary]:
        """A section's threads, latest post first."""
        threads = schema.threads
        query = (
            self._thread_query()
            .where(threads.c.section_id == section_id)
            .order_by(threads.c.last_post_at.desc(), threads.c.id.desc())
            .limit(max(1, min(limit, MAX_PAGE)))
            .offset(max(0, offset))
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return self._summaries(rows)

    def thread_posts(self, thread_id: int, limit: int = 20, offset: int = 0) -> list[ThreadPost]:
        """One page of a thread's stored posts, oldest first, with their quotes and links."""
        posts, authors = schema.posts, schema.authors
        query = (
            select(posts, authors.c.handle)
            .select_from(posts.outerjoin(authors, authors.c.id == posts.c.author_id))
            .where(posts.c.thread_id == thread_id)
            .order_by(posts.c.posted_at.asc().nulls_last(), posts.c.id)
            .limit(max(1, min(limit, MAX_PAGE)))
            .offset(max(0, offset))
        )
        quotes, links, urls = schema.quotes, schema.links, schema.urls
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            ids = [int(r.id) for r in rows]
            quoted: dict[int, list[QuoteRow]] = defaultdict(list)
            linked: dict[int, list[LinkRow]] = defaultdict(list)
            if ids:
                for q in connection.execute(
                    select(quotes).where(quotes.c.post_id.in_(ids)).order_by(quotes.c.position)
                ):
                    quoted[int(q.post_id)].append(QuoteRow(int(q.depth), q.author, q.text))
                for link in connection.execute(
                    select(links.c.post_id, links.c.raw_url, urls.c.host, urls.c.media_class)
                    .select_from(links.join(urls, urls.c.id == links.c.url_id))
                    .where(links.c.post_id.in_(ids))
                    .order_by(links.c.post_id, links.c.position)
                ):
                    linked[int(link.post_id)].append(
                        LinkRow(link.raw_url, link.host, link.media_class)
                    )
        return [
            ThreadPost(
                id=int(r.id),
                native_id=r.native_id,
                position=r.position,
                author_handle=r.handle,
                posted_at=r.posted_at,
                title=r.title,
                text=r.text,
                language=r.language,
                version=int(r.version),
                captured_at=r.captured_at,
                quotes=tuple(quoted.get(int(r.id), ())),
                links=tuple(linked.get(int(r.id), ())),
            )
            for r in rows
        ]

    def post_location(self, post_id: int) -> tuple[int, int]:
        """(thread id, number of posts before it in the thread's reading order).

        Raises:
            NotFoundError: no such post.
        """
        posts = schema.posts
        with self.engine.connect() as connection:
            row = connection.execute(
                select(posts.c.thread_id, posts.c.posted_at, posts.c.position).where(
                    posts.c.id == post_id
                )
            ).first()
            if row is None:
                raise NotFoundError(f"no post {post_id}")
            before = select(func.count()).where(posts.c.thread_id == row.thread_id)
            if row.posted_at is None:
                # Undated posts come last, in id order.
                before = before.where(
                    or_(
                        posts.c.posted_at.is_not(None),
                        and_(posts.c.posted_at.is_(None), posts.c.id < post_id),
                    )
                )
            else:
                before = before.where(
                    or_(
                        posts.c.posted_at < row.posted_at,
                        and_(posts.c.posted_at == row.posted_at, posts.c.id < post_id),
                    )
                )
            count = int(connection.execute(before).scalar() or 0)
        return int(row.thread_id), count

    # -- where the data ends -----------------------------------------------------------------
    def last_post_day(self) -> date | None:
        """The last day with a stored post, from the rollups (cheap at any size)."""
        table = schema.daily_counts
        with self.engine.connect() as connection:
            value = connection.execute(
                select(func.max(table.c.day)).where(
                    and_(table.c.metric == POSTS, table.c.key == "")
                )
            ).scalar()
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value)[:10])
