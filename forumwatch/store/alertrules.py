"""Watch rules in the store: adding, listing and removing them, the posts each matches since
it last looked, and what it has already notified. Portable across backends; mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.store import schema


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A watch rule: ``kind`` is term, handle, host or event; ``pattern`` what it matches."""

    name: str
    kind: str
    pattern: str
    site_id: int | None = None
    webhook_url: str | None = None
    email: str | None = None
    id: int | None = None
    last_post_id: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MatchedPost:
    """A post a watch rule matched."""

    post_id: int
    site_id: int
    native_id: str
    handle: str | None
    posted_at: datetime | None
    thread_title: str
    text: str
    matched: str


ALERT_KINDS = ("term", "handle", "host", "event")


class AlertRuleQueries:
    """Watch-rule reads and writes over ``engine`` (mixed into SQLStore)."""

    engine: Engine

    def add_alert_rule(self, rule: AlertRule, now: datetime) -> AlertRule:
        """Store a watch rule; it only sees posts stored from now on.

        Raises:
            ConfigError: the name is taken or the kind unknown.
        """
        if rule.kind not in ALERT_KINDS:
            raise ConfigError(f"unknown rule kind {rule.kind!r}; use one of {ALERT_KINDS}")
        try:
            with self.engine.begin() as connection:
                start = connection.execute(select(func.max(schema.posts.c.id))).scalar() or 0
                connection.execute(
                    insert(schema.alert_rules).values(
                        name=rule.name,
                        kind=rule.kind,
                        pattern=rule.pattern,
                        site_id=rule.site_id,
                        webhook_url=rule.webhook_url,
                        email=rule.email,
                        created_at=now,
                        last_post_id=int(start),
                    )
                )
        except IntegrityError as error:
            raise ConfigError(f"a watch rule named {rule.name!r} already exists") from error
        return next(r for r in self.alert_rules() if r.name == rule.name)

    def alert_rules(self) -> list[AlertRule]:
        """Every watch rule, by name."""
        table = schema.alert_rules
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.name)).all()
        return [
            AlertRule(
                r.name,
                r.kind,
                r.pattern,
                None if r.site_id is None else int(r.site_id),
                r.webhook_url,
                r.email,
                int(r.id),
                int(r.last_post_id),
                r.created_at,
            )
            for r in rows
        ]

    def remove_alert_rule(self, name: str) -> None:
        """Delete a watch rule and what it notified.

        Raises:
            NotFoundError: no rule has that name.
        """
        rules, notes = schema.alert_rules, schema.alert_notifications
        with self.engine.begin() as connection:
            found = connection.execute(select(rules.c.id).where(rules.c.name == name)).first()
            if found is None:
                raise NotFoundError(f"no watch rule named {name!r}")
            connection.execute(delete(notes).where(notes.c.rule_id == found[0]))
            connection.execute(delete(rules).where(rules.c.id == found[0]))

    def advance_alert_rule(self, rule_id: int, last_post_id: int) -> None:
        """Record that posts up to ``last_post_id`` were checked against the rule."""
        rules = schema.alert_rules
        with self.engine.begin() as connection:
            connection.execute(
                update(rules).where(rules.c.id == rule_id).values(last_post_id=last_post_id)
            )

    def record_alert_notification(
        self, rule_id: int, match_key: str, summary: str, matched_at: datetime, delivered: str
    ) -> bool:
        """Remember a notified match; False (nothing written) when it was notified before."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(schema.alert_notifications).values(
                        rule_id=rule_id,
                        match_key=match_key[:300],
                        summary=summary,
                        matched_at=matched_at,
                        delivered=delivered,
                    )
                )
        except IntegrityError:
            return False
        return True

    def alert_notified(self, rule_id: int, match_keys: Sequence[str]) -> set[str]:
        """Which of these matches of a rule were already notified."""
        notes = schema.alert_notifications
        keys = [k[:300] for k in match_keys]
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 500):
                found |= {
                    r[0]
                    for r in connection.execute(
                        select(notes.c.match_key).where(
                            and_(
                                notes.c.rule_id == rule_id,
                                notes.c.match_key.in_(keys[start : start + 500]),
                            )
                        )
                    )
                }
        return found

    def posts_matching(
        self,
        kind: str,
        patterns: Sequence[str],
        after_post_id: int,
        site_id: int | None = None,
        limit: int = 200,
    ) -> list[MatchedPost]:
        """Posts stored after ``after_post_id`` that a term, handle or host rule matches.

        ``term``: a watch-term annotation whose lexicon or term equals a pattern (case folded);
        ``handle``: the author's handle (case folded); ``host``: a link whose host or
        registrable domain is a pattern. Oldest first, at most ``limit``.
        """
        posts, threads, authors = schema.posts, schema.threads, schema.authors
        wanted = [p.casefold() for p in patterns]
        joined: Any = posts.join(threads, threads.c.id == posts.c.thread_id).outerjoin(
            authors, authors.c.id == posts.c.author_id
        )
        if kind == "term":
            notes = schema.post_annotations
            joined = joined.join(notes, notes.c.post_id == posts.c.id)
            matched: Any = notes.c.detail
            condition = and_(
                notes.c.kind == "term",
                or_(func.lower(notes.c.value).in_(wanted), func.lower(notes.c.detail).in_(wanted)),
            )
        elif kind == "handle":
            matched = authors.c.handle
            condition = func.lower(authors.c.handle).in_(wanted)
        elif kind == "host":
            links, urls = schema.links, schema.urls
            joined = joined.join(links, links.c.post_id == posts.c.id).join(
                urls, urls.c.id == links.c.url_id
            )
            matched = urls.c.host
            condition = or_(urls.c.host.in_(wanted), urls.c.registrable_domain.in_(wanted))
        else:
            raise ConfigError(f"posts cannot match a rule of kind {kind!r}")
        query = (
            select(
                posts.c.id,
                posts.c.site_id,
                posts.c.native_id,
                authors.c.handle,
                posts.c.posted_at,
                threads.c.title,
                posts.c.text,
                matched,
            )
            .select_from(joined)
            .where(and_(condition, posts.c.id > after_post_id))
            .order_by(posts.c.id)
            .limit(limit)
        )
        if site_id is not None:
            query = query.where(posts.c.site_id == site_id)
        seen: set[int] = set()
        out: list[MatchedPost] = []
        with self.engine.connect() as connection:
            for r in connection.execute(query):
                if int(r[0]) in seen:
                    continue
                seen.add(int(r[0]))
                out.append(MatchedPost(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7]))
        return out
