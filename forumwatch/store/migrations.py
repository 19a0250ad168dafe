"""Schema migrations: a small ordered registry, applied once each and recorded.

Each migration names the tables it creates (from :mod:`forumwatch.store.schema`) and may run
further portable steps. The version reached is stored in ``schema_migrations``; a store written
by a newer forumwatch is refused rather than silently misread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, Table, inspect, select, text
from sqlalchemy.schema import CreateIndex

from forumwatch.errors import SchemaVersionError
from forumwatch.store import schema


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history."""

    version: int
    name: str
    creates: Sequence[Table] = ()
    steps: Sequence[Callable[[Connection], None]] = field(default_factory=tuple)


def add_column(connection: Connection, table: Table, column: Column[object]) -> None:
    """Add ``column`` (declared on ``table`` in schema.py) to an existing table, portably."""
    existing = {c["name"] for c in inspect(connection).get_columns(table.name)}
    if column.name in existing:
        return
    column_type = column.type.compile(dialect=connection.dialect)
    connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {column_type}'))


def _add_enrichment_columns(connection: Connection) -> None:
    """Migration 2: whether an onion URL's name is valid (v3), legacy (v2) or malformed."""
    add_column(connection, schema.urls, schema.urls.c.onion_version)


def _add_crawler_columns(connection: Connection) -> None:
    """Migration 3: the sites columns the crawler needs, filled for existing rows."""
    for column in (
        schema.sites.c.profile_toml,
        schema.sites.c.pass_started_at,
        schema.sites.c.next_crawl_at,
        schema.sites.c.unavailable_runs,
    ):
        add_column(connection, schema.sites, column)
    connection.execute(
        schema.sites.update().where(schema.sites.c.profile_toml.is_(None)).values(profile_toml="")
    )
    connection.execute(
        schema.sites.update()
        .where(schema.sites.c.unavailable_runs.is_(None))
        .values(unavailable_runs=0)
    )


def _add_lease_columns(connection: Connection) -> None:
    """Migration 4: the sites columns that hold a crawl worker's lease."""
    for column in (schema.sites.c.lease_owner, schema.sites.c.lease_expires_at):
        add_column(connection, schema.sites, column)


def _add_section_crawl_columns(connection: Connection) -> None:
    """Migration 6: what the index showed of each section at the last complete crawl."""
    for column in (schema.sections.c.crawled_last_post_at, schema.sections.c.crawled_post_count):
        add_column(connection, schema.sections, column)


def _rebuild_analysis_rollups(connection: Connection) -> None:
    """Migration 5: index rollups by key, fill the new rollups (first sightings, members,
    threads, fetches)."""
    from forumwatch.store.recompute import rebuild_all

    for index in schema.daily_counts.indexes:
        if not _has_index(connection, schema.daily_counts.name, str(index.name)):
            connection.execute(CreateIndex(index))
    rebuild_all(connection)


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "core tables: sites, sections, threads, authors, fetches, posts, versions, links, rollups",
        creates=(
            schema.sites,
            schema.sections,
            schema.threads,
            schema.thread_tags,
            schema.authors,
            schema.fetches,
            schema.posts,
            schema.post_versions,
            schema.quotes,
            schema.urls,
            schema.links,
            schema.post_annotations,
            schema.parse_problems,
            schema.daily_counts,
        ),
    ),
    Migration(
        2,
        "enrichment: onion name validity of URLs",
        steps=(_add_enrichment_columns,),
    ),
    Migration(
        3,
        "crawler: site profiles, crawl passes and frontier, crawl schedule",
        creates=(schema.crawl_frontier,),
        steps=(_add_crawler_columns,),
    ),
    Migration(
        4,
        "server mode: site leases, lease log, workers' WARC files, full-text search",
        creates=(schema.crawl_leases, schema.warc_files),
        steps=(_add_lease_columns,),
    ),
    Migration(
        5,
        "analysis: members per period, first sightings and thread rollups, watch rules",
        creates=(schema.member_periods, schema.alert_rules, schema.alert_notifications),
        steps=(_rebuild_analysis_rollups,),
    ),
    Migration(
        6,
        "crawler: what the index showed of each section at the last complete crawl",
        steps=(_add_section_crawl_columns,),
    ),
    Migration(
        7,
        "dashboard: users, sessions and the audit log",
        creates=(schema.web_users, schema.web_sessions, schema.audit_log),
    ),
]


def latest_version() -> int:
    """The schema version this forumwatch writes."""
    return max(m.version for m in MIGRATIONS)


def current_version(connection: Connection) -> int:
    """The version recorded in the store, 0 for an empty store."""
    if not inspect(connection).has_table(schema.schema_migrations.name):
        return 0
    found = connection.execute(
        select(schema.schema_migrations.c.version).order_by(
            schema.schema_migrations.c.version.desc()
        )
    ).first()
    return 0 if found is None else int(found[0])


BackendSteps = Mapping[int, Sequence[Callable[[Connection], None]]]
"""A backend's own steps per migration version (FTS5 tables, tsvector columns), run after the
portable ones; they live in the backend's module, never here."""


def apply_migrations(
    connection: Connection, backend_steps: BackendSteps | None = None
) -> list[int]:
    """Bring the store up to :func:`latest_version`; return the versions applied.

    Every registered migration not yet recorded is applied, in version order, so a migration
    numbered below one already applied (branches merged in another order) still runs.

    Raises:
        SchemaVersionError: the store is newer than this forumwatch.
    """
    schema.schema_migrations.create(connection, checkfirst=True)
    version = current_version(connection)
    recorded = {
        int(v) for v in connection.execute(select(schema.schema_migrations.c.version)).scalars()
    }
    if version > latest_version():
        raise SchemaVersionError(
            f"the store is at schema version {version}, newer than this forumwatch "
            f"({latest_version()}); upgrade forumwatch"
        )
    applied: list[int] = []
    for migration in sorted(MIGRATIONS, key=lambda m: m.version):
        if migration.version in recorded:
            continue
        for table in migration.creates:
            table.create(connection, checkfirst=True)
            for index in table.indexes:
                # create() already made them for new tables; this covers re-runs.
                if not _has_index(connection, table.name, str(index.name)):
                    connection.execute(CreateIndex(index))
        for step in migration.steps:
            step(connection)
        for step in (backend_steps or {}).get(migration.version, ()):
            step(connection)
        connection.execute(
            schema.schema_migrations.insert().values(
                version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
            )
        )
        applied.append(migration.version)
    return applied


def _has_index(connection: Connection, table: str, name: str) -> bool:
    return any(ix["name"] == name for ix in inspect(connection).get_indexes(table))
