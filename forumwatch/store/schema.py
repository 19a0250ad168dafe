"""The store's tables, declared once with SQLAlchemy Core, portable across backends.

Times are stored as naive UTC (see :class:`UTCDateTime`); days as dates in UTC. Native ids
(the site's own identifiers) are text, since imageboards and paste sites do not use integers.
Which migration creates which table is recorded in :mod:`forumwatch.store.migrations`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# SQLite ignores BIGINT for rowid aliasing; INTEGER PRIMARY KEY is what makes ids fast there.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (the same on every backend)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", IdType, primary_key=True, autoincrement=True)


schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("base_url", Text, nullable=False),
    Column("engine", String(50), nullable=False, default="auto"),
    Column("language", String(10)),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("proxy", Text),
    Column("defunct", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    # The last crawl's outcome, shown by `site list` and the dashboard.
    Column("status", String(40), nullable=False, default="new"),
    Column("status_detail", Text),
    Column("last_crawl_started_at", UTCDateTime),
    Column("last_crawl_finished_at", UTCDateTime),
    # Start of the last run that went through the whole site: the incremental cut-off.
    Column("last_complete_crawl_at", UTCDateTime),
    # Added by migration 3 (crawler): the site's TOML profile ([crawl], [login], [parse]), kept
    # with the site so workers elsewhere crawl it alike; never holds a password.
    Column("profile_toml", Text, nullable=False, default="", server_default=""),
    # Start of the crawl pass whose frontier is in crawl_frontier (None: no pass open).
    Column("pass_started_at", UTCDateTime),
    # The scheduler's plan: when the site is next due, and how many runs in a row found it down.
    Column("next_crawl_at", UTCDateTime),
    Column("unavailable_runs", Integer, nullable=False, default=0, server_default="0"),
    # Added by migration 4 (server mode): the crawl worker holding the site, and until when.
    # A lease that is not renewed expires, and another worker takes the site over.
    Column("lease_owner", String(200)),
    Column("lease_expires_at", UTCDateTime),
)

sections = Table(
    "sections",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("native_id", String(200), nullable=False),
    Column("parent_native_id", String(200)),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("language", String(10)),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    # What the board index showed of this section when a complete crawl pass began: while
    # the index shows the same, the section's listing need not be read again.
    Column("crawled_last_post_at", UTCDateTime),
    Column("crawled_post_count", Integer),
    UniqueConstraint("site_id", "native_id", name="uq_sections_site_native"),
)

threads = Table(
    "threads",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("section_id", IdType, ForeignKey("sections.id")),
    Column("native_id", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("author_handle", Text),
    Column("replies", Integer),
    Column("first_post_at", UTCDateTime),
    Column("last_post_at", UTCDateTime),
    Column("sticky", Boolean, nullable=False, default=False),
    Column("locked", Boolean, nullable=False, default=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    # Crawl progress: what the crawler had stored when it last finished this thread.
    Column("crawled_replies", Integer),
    Column("crawled_last_post_at", UTCDateTime),
    Column("crawled_at", UTCDateTime),
    UniqueConstraint("site_id", "native_id", name="uq_threads_site_native"),
)
Index("ix_threads_section", threads.c.section_id)

thread_tags = Table(
    "thread_tags",
    metadata,
    Column("thread_id", IdType, ForeignKey("threads.id"), primary_key=True),
    Column("tag", String(200), primary_key=True),
)
Index("ix_thread_tags_tag", thread_tags.c.tag)

authors = Table(
    "authors",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("handle", Text, nullable=False),
    Column("native_id", String(200)),
    Column("profile_url", Text),
    Column("first_post_at", UTCDateTime),
    Column("last_post_at", UTCDateTime),
    Column("post_count", Integer, nullable=False, default=0),
    UniqueConstraint("site_id", "handle", name="uq_authors_site_handle"),
)

fetches = Table(
    "fetches",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("status", Integer),
    Column("error_class", String(60)),
    Column("content_type", String(200)),
    Column("bytes_received", BigInteger, nullable=False, default=0),
    Column("sha256", String(64)),
    Column("warc_file", Text),
    Column("warc_offset", BigInteger),
    Column("warc_length", BigInteger),
)
Index("ix_fetches_site_started", fetches.c.site_id, fetches.c.started_at)
Index("ix_fetches_warc", fetches.c.warc_file, fetches.c.warc_offset)

posts = Table(
    "posts",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    # Denormalised from the thread so per-section series need no join; kept in step on moves.
    Column("section_id", IdType, ForeignKey("sections.id")),
    Column("thread_id", IdType, ForeignKey("threads.id"), nullable=False),
    Column("native_id", String(200), nullable=False),
    Column("author_id", IdType, ForeignKey("authors.id")),
    Column("posted_at", UTCDateTime),
    Column("position", Integer),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("edited_by", Text),
    Column("edited_at", UTCDateTime),
    Column("edit_reason", Text),
    Column("language", String(10)),
    # Provenance: the fetch (hence WARC record and SHA-256) this version was parsed from.
    Column("fetch_id", IdType, ForeignKey("fetches.id")),
    Column("captured_at", UTCDateTime, nullable=False),
    UniqueConstraint("site_id", "native_id", name="uq_posts_site_native"),
)
Index("ix_posts_thread_posted", posts.c.thread_id, posts.c.posted_at)
Index("ix_posts_site_posted", posts.c.site_id, posts.c.posted_at)
Index("ix_posts_author_posted", posts.c.author_id, posts.c.posted_at)

post_versions = Table(
    "post_versions",
    metadata,
    _id(),
    Column("post_id", IdType, ForeignKey("posts.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("quotes_json", Text, nullable=False),
    Column("links_json", Text, nullable=False),
    Column("edited_at", UTCDateTime),
    Column("fetch_id", IdType, ForeignKey("fetches.id")),
    Column("captured_at", UTCDateTime, nullable=False),
    Column("superseded_at", UTCDateTime, nullable=False),
    UniqueConstraint("post_id", "version", name="uq_post_versions_post_version"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("post_id", IdType, ForeignKey("posts.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("depth", Integer, nullable=False),
    Column("author", Text),
    Column("quoted_post_native_id", String(200)),
    Column("text", Text, nullable=False),
)

urls = Table(
    "urls",
    metadata,
    _id(),
    Column("normalised_url", Text, nullable=False, unique=True),
    Column("host", Text, nullable=False),
    Column("registrable_domain", Text, nullable=False),
    Column("network", String(20), nullable=False),
    Column("extension", String(20)),
    Column("media_class", String(20), nullable=False),
    Column("file_name", Text),
    # 3: valid v3 onion name, 2: legacy v2, 0: malformed onion name, NULL: not an onion.
    Column("onion_version", Integer),
    # First sighting by post time (not capture time): a backfill dates links correctly.
    Column("first_seen_at", UTCDateTime),
    Column("first_post_id", IdType),
    Column("share_count", Integer, nullable=False, default=0),
)
Index("ix_urls_host", urls.c.host)
Index("ix_urls_first_seen", urls.c.first_seen_at)

links = Table(
    "links",
    metadata,
    Column("post_id", IdType, ForeignKey("posts.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("url_id", IdType, ForeignKey("urls.id"), nullable=False),
    Column("raw_url", Text, nullable=False),
)
Index("ix_links_url", links.c.url_id)

post_annotations = Table(
    "post_annotations",
    metadata,
    Column("post_id", IdType, ForeignKey("posts.id"), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("value", String(300), primary_key=True),
    Column("detail", String(300), primary_key=True),
)
Index("ix_post_annotations_kind_value", post_annotations.c.kind, post_annotations.c.value)

parse_problems = Table(
    "parse_problems",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("fetch_id", IdType, ForeignKey("fetches.id")),
    Column("url", Text, nullable=False),
    Column("field", String(100), nullable=False),
    Column("message", Text, nullable=False),
    Column("snippet", Text, nullable=False, default=""),
    Column("post_native_id", String(200)),
    Column("recorded_at", UTCDateTime, nullable=False),
    # The same page ingested twice must not record its problems twice.
    UniqueConstraint(
        "site_id", "url", "field", "message", "post_native_id", name="uq_parse_problems_identity"
    ),
)
Index("ix_parse_problems_site", parse_problems.c.site_id)

# The crawl frontier (migration 3): every URL of the open crawl pass of a site, pending or
# finished, so a killed crawl resumes where it stopped. A pass is cleared when it ends.
crawl_frontier = Table(
    "crawl_frontier",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("state", String(10), nullable=False, default="pending"),
    # The thread as its listing showed it (JSON), for thread entries.
    Column("thread_json", Text),
    Column("error_class", String(60)),
    Column("discovered_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    UniqueConstraint("site_id", "url", name="uq_crawl_frontier_site_url"),
)
Index("ix_crawl_frontier_site_state", crawl_frontier.c.site_id, crawl_frontier.c.state)

# Server mode (migration 4): every lease a crawl worker took, for audits and overlap checks.
crawl_leases = Table(
    "crawl_leases",
    metadata,
    _id(),
    Column("site_id", IdType, ForeignKey("sites.id"), nullable=False),
    Column("worker_id", String(200), nullable=False),
    Column("leased_at", UTCDateTime, nullable=False),
    # Moved on by every renewal; a dead worker's lease ends here.
    Column("expires_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime),
)
Index("ix_crawl_leases_site", crawl_leases.c.site_id, crawl_leases.c.leased_at)

# The WARC files each crawl worker wrote, and where (migration 4): workers on several
# machines each keep their own archive folder.
warc_files = Table(
    "warc_files",
    metadata,
    Column("name", String(300), primary_key=True),
    Column("worker_id", String(200), nullable=False),
    Column("host", String(255), nullable=False),
    Column("path", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Rollups maintained at ingest: one row per metric, site, section, key and UTC day, so a
# series query reads tens of rows whatever the corpus size. section_id 0 and key '' mean
# "not split by this dimension".
daily_counts = Table(
    "daily_counts",
    metadata,
    Column("metric", String(60), primary_key=True),
    Column("site_id", IdType, primary_key=True, autoincrement=False),
    Column("section_id", IdType, primary_key=True, autoincrement=False),
    Column("key", String(300), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("value", BigInteger, nullable=False),
)
# Added by migration 5: series of one key (a term, a host, a link class) read in a few rows,
# however many other keys, sections and sites the metric holds.
Index("ix_daily_counts_key", daily_counts.c.metric, daily_counts.c.key, daily_counts.c.day)

# Analysis rollups (migration 5). Members active per period are distinct counts, which do not
# add up across days; this table holds each member's post count per period and scope, so the
# ``members_*`` rollups in daily_counts change exactly when a count goes from 0 to 1 or back.
# section_id 0 with key '' is the whole site; key a language code is the site's posts in it.
member_periods = Table(
    "member_periods",
    metadata,
    Column("author_id", IdType, primary_key=True, autoincrement=False),
    Column("grain", String(1), primary_key=True),
    Column("section_id", IdType, primary_key=True, autoincrement=False),
    Column("key", String(20), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("site_id", IdType, nullable=False),
    Column("posts", Integer, nullable=False),
)
Index(
    "ix_member_periods_site",
    member_periods.c.site_id,
    member_periods.c.grain,
    member_periods.c.section_id,
    member_periods.c.key,
    member_periods.c.period,
)

# Watch rules (migration 5): a term, handle, host or event type that notifies when matched.
alert_rules = Table(
    "alert_rules",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("pattern", Text, nullable=False),
    Column("site_id", IdType, ForeignKey("sites.id")),
    Column("webhook_url", Text),
    Column("email", Text),
    Column("created_at", UTCDateTime, nullable=False),
    # Posts with ids up to this one were already checked against the rule.
    Column("last_post_id", BigInteger, nullable=False, default=0),
)

# Every match that was notified, once: (rule, match) is unique.
alert_notifications = Table(
    "alert_notifications",
    metadata,
    _id(),
    Column("rule_id", IdType, ForeignKey("alert_rules.id"), nullable=False),
    Column("match_key", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("matched_at", UTCDateTime, nullable=False),
    Column("delivered", Text, nullable=False, default=""),
    UniqueConstraint("rule_id", "match_key", name="uq_alert_notifications_rule_match"),
)

# The dashboard (migration 7): its users (argon2 password hashes, never passwords), their
# server-side sessions (the cookie holds a random token; only its SHA-256 is stored, so a
# copy of the database opens no session), and the audit log of logins, searches, reveals
# and exports.
web_users = Table(
    "web_users",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", IdType, ForeignKey("web_users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)
Index("ix_web_sessions_user", web_sessions.c.user_id)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", UTCDateTime, nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("role", String(20), nullable=False, default=""),
    Column("action", String(40), nullable=False),
    Column("outcome", String(20), nullable=False, default="ok"),
    # What was searched, revealed or exported, as JSON.
    Column("detail", Text, nullable=False, default="{}"),
    Column("client", String(100), nullable=False, default=""),
)
Index("ix_audit_log_at", audit_log.c.at)
Index("ix_audit_log_user_at", audit_log.c.user_name, audit_log.c.at)
