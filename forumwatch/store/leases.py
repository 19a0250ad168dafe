"""Site leases for crawl workers (migration 4): several workers, one store, no site crawled twice.

A worker *leases* a due site for a while, renews the lease while it crawls, and releases it when
done. A lease that is not renewed expires and the site goes to another worker, so a worker that
dies loses its sites to the others. Taking a lease is a conditional ``UPDATE`` of the site's row
(owner free or lease expired), which is safe on every backend; PostgreSQL additionally picks the
candidate with ``FOR UPDATE SKIP LOCKED`` (see :mod:`forumwatch.store.postgres`) so workers never
queue behind each other. Every lease is logged in ``crawl_leases`` for audits.

Portable SQLAlchemy Core only; mixed into :class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, insert, or_, select, update
from sqlalchemy.sql import Select

from forumwatch.models import Site
from forumwatch.store import schema
from forumwatch.store.ingest import Dialect
from forumwatch.store.records import SiteLease

# A candidate can be taken by another worker between choosing and updating; try a few others.
_ATTEMPTS = 5


def _current(site_id: int, worker_id: str) -> ColumnElement[bool]:
    """The log row of the lease ``worker_id`` holds on the site: its latest one there."""
    log = schema.crawl_leases
    latest = (
        select(func.max(log.c.id))
        .where(and_(log.c.site_id == site_id, log.c.worker_id == worker_id))
        .scalar_subquery()
    )
    return log.c.id == latest


class LeaseQueries:
    """Leasing sites to crawl workers; needs ``engine``, ``dialect`` and ``_site_from_row``."""

    engine: Engine
    dialect: Dialect

    @staticmethod
    def _site_from_row(row: Any) -> Site:
        raise NotImplementedError

    def _lease_candidates(
        self, now: datetime, due_at: datetime, names: Sequence[str] | None
    ) -> Select[Any]:
        """Due, live sites whose lease is free or expired, the longest-waiting first."""
        sites = schema.sites
        query = (
            select(sites.c.id)
            .where(
                and_(
                    sites.c.defunct.is_(False),
                    or_(sites.c.next_crawl_at.is_(None), sites.c.next_crawl_at <= due_at),
                    or_(sites.c.lease_owner.is_(None), sites.c.lease_expires_at <= now),
                )
            )
            .order_by(sites.c.next_crawl_at.nulls_first(), sites.c.id)
            .limit(1)
        )
        if names:
            query = query.where(sites.c.name.in_(list(names)))
        return query

    def _lock_candidate(self, query: Select[Any]) -> Select[Any]:
        """How a backend keeps concurrent workers off the chosen row (nothing by default)."""
        return query

    def lease_site(
        self,
        worker_id: str,
        now: datetime,
        lease_seconds: float,
        due_at: datetime | None = None,
        site_names: Sequence[str] | None = None,
    ) -> Site | None:
        """Lease one site that is due (``next_crawl_at`` at or before ``due_at``) and not held.

        ``now`` is the lease clock (wall time shared by the workers); ``due_at`` the crawl
        clock, which may be simulated (default: ``now``). Returns None when nothing is free.
        """
        due = now if due_at is None else due_at
        sites = schema.sites
        expires = now + timedelta(seconds=lease_seconds)
        skipped: list[int] = []
        with self.engine.begin() as connection:
            for _ in range(_ATTEMPTS):
                query = self._lease_candidates(now, due, site_names)
                if skipped:
                    query = query.where(sites.c.id.not_in(skipped))
                site_id = connection.execute(self._lock_candidate(query)).scalar()
                if site_id is None:
                    return None
                taken = connection.execute(
                    update(sites)
                    .where(
                        and_(
                            sites.c.id == site_id,
                            or_(sites.c.lease_owner.is_(None), sites.c.lease_expires_at <= now),
                        )
                    )
                    .values(lease_owner=worker_id, lease_expires_at=expires)
                )
                if taken.rowcount != 1:
                    skipped.append(int(site_id))
                    continue
                connection.execute(
                    insert(schema.crawl_leases).values(
                        site_id=site_id, worker_id=worker_id, leased_at=now, expires_at=expires
                    )
                )
                row = connection.execute(select(sites).where(sites.c.id == site_id)).one()
                return self._site_from_row(row)
        return None

    def renew_lease(
        self, site_id: int, worker_id: str, now: datetime, lease_seconds: float
    ) -> bool:
        """Extend a held lease; False when the worker no longer holds it (taken over)."""
        sites, log = schema.sites, schema.crawl_leases
        expires = now + timedelta(seconds=lease_seconds)
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(sites)
                .where(and_(sites.c.id == site_id, sites.c.lease_owner == worker_id))
                .values(lease_expires_at=expires)
            )
            if renewed.rowcount != 1:
                return False
            connection.execute(
                update(log).where(_current(site_id, worker_id)).values(expires_at=expires)
            )
        return True

    def release_site(self, site_id: int, worker_id: str, now: datetime) -> None:
        """Give a leased site back (nothing happens if the worker no longer holds it)."""
        sites, log = schema.sites, schema.crawl_leases
        with self.engine.begin() as connection:
            released = connection.execute(
                update(sites)
                .where(and_(sites.c.id == site_id, sites.c.lease_owner == worker_id))
                .values(lease_owner=None, lease_expires_at=None)
            )
            if released.rowcount == 1:
                connection.execute(
                    update(log).where(_current(site_id, worker_id)).values(released_at=now)
                )

    def lease_log(self, site_id: int | None = None) -> list[SiteLease]:
        """Every lease taken (of one site or all), in the order they were taken."""
        log = schema.crawl_leases
        query = select(log).order_by(log.c.id)
        if site_id is not None:
            query = query.where(log.c.site_id == site_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            SiteLease(int(r.site_id), r.worker_id, r.leased_at, r.expires_at, r.released_at)
            for r in rows
        ]

    def record_warc_files(
        self, worker_id: str, folder: str, names: Sequence[str], now: datetime
    ) -> None:
        """Record which worker wrote which WARC files, on which machine and where."""
        if not names:
            return
        rows = [
            {
                "name": name,
                "worker_id": worker_id,
                "host": socket.gethostname()[:255],
                "path": folder,
                "recorded_at": now,
            }
            for name in names
        ]
        with self.engine.begin() as connection:
            connection.execute(self.dialect.insert_ignore(schema.warc_files, ["name"]), rows)

    def warc_file_locations(self) -> dict[str, tuple[str, str, str]]:
        """WARC file name -> (worker id, host, folder) for the files workers recorded."""
        table = schema.warc_files
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.name)).all()
        return {r.name: (r.worker_id, r.host, r.path) for r in rows}
