"""Watch rules: a term, handle, host or event type that notifies by webhook and e-mail.

A rule is stored with the store (``alert_rules``) and only sees what is stored after it was
added. :func:`run_alerts` runs after every crawl (``forumwatch crawl`` calls it through
:func:`run_alerts_after_crawl`) and on ``forumwatch alert run``:

- ``term`` rules match posts whose watch-term annotations name the pattern (a lexicon such as
  ``covid`` or one of its terms such as ``lockdown``);
- ``handle`` rules match posts by a handle (case folded) on any site, or the rule's site;
- ``host`` rules match posts linking to a host, its registrable domain, or any domain of the
  host family of that name;
- ``event`` rules match events of that type (``host_down``, ``site_unavailable`` ...) that
  started in the last ``alert_event_days`` days.

Each match is notified once: it is recorded in ``alert_notifications`` with what delivery
did, and a later run skips it. All matches of a rule in one run go out as one webhook POST
(JSON) and one e-mail. Handles of the members who posted are pseudonymised in notifications
(``member-<hash>``); a handle rule's own pattern is the analyst's, and is shown.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx

from forumwatch.analyse.events import EventType, detect_events
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.privacy import Pseudonymiser
from forumwatch.settings import Settings
from forumwatch.store.alertrules import ALERT_KINDS, AlertRule, MatchedPost
from forumwatch.store.base import Store

log = logging.getLogger(__name__)
MAX_MATCHES = 200
"""Most matches one rule notifies per run (the rest wait for the next run)."""


@dataclass(frozen=True, slots=True)
class Match:
    """One thing a rule matched: its identity (notified once), a line and the details."""

    key: str
    summary: str
    detail: dict[str, Any]


@dataclass
class AlertRun:
    """What a run of the rules did."""

    rules: int = 0
    matches: int = 0
    notified: int = 0
    deliveries: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def add_rule(
    store: Store,
    name: str,
    kind: str,
    pattern: str,
    now: datetime,
    site: str | None = None,
    webhook_url: str | None = None,
    email: str | None = None,
) -> AlertRule:
    """Add a watch rule (it sees what is stored from now on).

    Raises:
        ConfigError: an unknown kind or event type, no way to notify, or a taken name.
        NotFoundError: an unknown site.
    """
    if kind not in ALERT_KINDS:
        raise ConfigError(f"unknown rule kind {kind!r}; use one of {', '.join(ALERT_KINDS)}")
    if kind == "event" and pattern not in {t.value for t in EventType}:
        known = ", ".join(t.value for t in EventType)
        raise ConfigError(f"unknown event type {pattern!r}; use one of {known}")
    if not webhook_url and not email:
        raise ConfigError("a rule needs a --webhook URL or an --email address to notify")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise ConfigError("the webhook must be an http:// or https:// URL")
    site_id = None
    if site is not None:
        site_id = store.get_site(site).id
    return store.add_alert_rule(
        AlertRule(name, kind, pattern, site_id, webhook_url or None, email or None), now
    )


def list_rules(store: Store) -> list[AlertRule]:
    """Every watch rule, by name."""
    return store.alert_rules()


def remove_rule(store: Store, name: str) -> None:
    """Delete a watch rule (NotFoundError if there is none of that name)."""
    store.remove_alert_rule(name)


def _post_matches(
    store: Store, rule: AlertRule, families: HostFamilies, names: Pseudonymiser
) -> tuple[list[Match], int]:
    patterns = [rule.pattern]
    if rule.kind == "host":
        family = families.families.get(rule.pattern.lower())
        if family is not None:
            patterns += list(family.hosts)
            patterns += [h for merge in family.merges for h in merge.hosts]
    found: list[MatchedPost] = store.posts_matching(
        rule.kind, patterns, rule.last_post_id, rule.site_id, MAX_MATCHES
    )
    sites = {s.id: s.name for s in store.list_sites()}
    out = []
    for post in found:
        site = sites.get(post.site_id, "?")
        # A rule that watches a handle names it; everyone else stays pseudonymous.
        who = post.handle if rule.kind == "handle" else names.handle(post.handle)
        when = post.posted_at.isoformat() if post.posted_at else "unknown time"
        out.append(
            Match(
                f"post:{site}:{post.native_id}",
                f"{site} post {post.native_id} by {who} ({when}) in {post.thread_title!r}: "
                f"matched {post.matched!r}",
                {
                    "site": site,
                    "post": post.native_id,
                    "member": who,
                    "posted_at": when,
                    "thread": post.thread_title,
                    "matched": post.matched,
                    "excerpt": names.text(post.text[:280], [post.handle] if post.handle else []),
                },
            )
        )
    cursor = max((p.post_id for p in found), default=rule.last_post_id)
    return out, cursor


def _event_matches(
    store: Store,
    rule: AlertRule,
    now: datetime,
    days: int,
    families: HostFamilies,
    names: Pseudonymiser,
) -> list[Match]:
    since = now.date() - timedelta(days=days)
    sites = {s.id: s.name for s in store.list_sites()}
    wanted_site = None if rule.site_id is None else sites.get(rule.site_id)
    out = []
    for event in detect_events(store, since, now.date(), families):
        if event.type.value != rule.pattern or (wanted_site and event.site != wanted_site):
            continue
        out.append(
            Match(
                f"event:{event.key()}",
                names.text(event.summary, event.handles()),
                {
                    "type": event.type.value,
                    "site": event.site,
                    "section": event.section,
                    "host": event.host,
                    "start": event.start.isoformat(),
                    "end": None if event.end is None else event.end.isoformat(),
                    "reason": None if event.reason is None else event.reason.value,
                    "magnitude": event.magnitude,
                },
            )
        )
    return out


def deliver_webhook(url: str, payload: dict[str, Any], timeout: float) -> str:
    """POST ``payload`` as JSON; return a short outcome ("webhook 200")."""
    response = httpx.post(url, json=payload, timeout=timeout)
    response.raise_for_status()
    return f"webhook {response.status_code}"


def deliver_email(settings: Settings, to: str, subject: str, body: str) -> str:
    """Send a plain-text e-mail through the configured SMTP server."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as client:
        if settings.smtp_starttls:
            client.starttls()
        if settings.smtp_user:
            client.login(settings.smtp_user, os.environ.get("FORUMWATCH_SMTP_PASSWORD", ""))
        client.send_message(message)
    return f"email {to}"


def _notify(rule: AlertRule, matches: Sequence[Match], settings: Settings, run: AlertRun) -> str:
    payload = {
        "rule": rule.name,
        "kind": rule.kind,
        "pattern": rule.pattern,
        "matches": [{"key": m.key, "summary": m.summary, **m.detail} for m in matches],
    }
    outcomes: list[str] = []
    if rule.webhook_url:
        try:
            outcomes.append(
                deliver_webhook(rule.webhook_url, payload, settings.webhook_timeout_seconds)
            )
        except httpx.HTTPError as error:
            run.failures.append(f"{rule.name}: webhook failed: {error}")
            outcomes.append("webhook failed")
    if rule.email:
        subject = f"[forumwatch] {rule.name}: {len(matches)} new match(es) for {rule.pattern!r}"
        body = (
            "\n".join(f"- {m.summary}" for m in matches)
            + "\n\n"
            + json.dumps(payload, indent=1, ensure_ascii=False, default=str)
        )
        try:
            outcomes.append(deliver_email(settings, rule.email, subject, body))
        except (OSError, smtplib.SMTPException) as error:
            run.failures.append(f"{rule.name}: e-mail failed: {error}")
            outcomes.append("email failed")
    run.deliveries += [f"{rule.name}: {o}" for o in outcomes]
    return ", ".join(outcomes)


def run_alerts(
    store: Store,
    now: datetime,
    names: Pseudonymiser,
    settings: Settings | None = None,
    families: HostFamilies | None = None,
) -> AlertRun:
    """Check every rule against what was stored since its last run; notify new matches once.

    Delivery failures are reported in the result (and logged), never raised: the matches
    stay recorded with the failed outcome, so a crawl is never stopped by a mail server.
    """
    settings = settings or Settings()
    families = families or HostFamilies.load()
    run = AlertRun()
    for rule in store.alert_rules():
        assert rule.id is not None
        run.rules += 1
        if rule.kind == "event":
            matches = _event_matches(store, rule, now, settings.alert_event_days, families, names)
            cursor = rule.last_post_id
        else:
            matches, cursor = _post_matches(store, rule, families, names)
        seen = store.alert_notified(rule.id, [m.key for m in matches])
        fresh = [m for m in matches if m.key[:300] not in seen]
        run.matches += len(fresh)
        if fresh:
            outcome = _notify(rule, fresh, settings, run)
            for match in fresh:
                if store.record_alert_notification(rule.id, match.key, match.summary, now, outcome):
                    run.notified += 1
        if cursor != rule.last_post_id:
            store.advance_alert_rule(rule.id, cursor)
    for failure in run.failures:
        log.warning("alert delivery: %s", failure)
    return run


def send_test_notification(store: Store, name: str, settings: Settings | None = None) -> AlertRun:
    """Send a test notification for one rule (nothing is recorded).

    Raises:
        NotFoundError: no rule of that name.
    """
    settings = settings or Settings()
    rule = next((r for r in store.alert_rules() if r.name == name), None)
    if rule is None:
        raise NotFoundError(f"no watch rule named {name!r}")
    run = AlertRun(rules=1)
    sample = Match("test", f"test notification for rule {rule.name!r}", {"test": True})
    _notify(rule, [sample], settings, run)
    return run


def run_alerts_after_crawl(
    store: Store, now: datetime, settings: Settings, names: Pseudonymiser
) -> AlertRun | None:
    """The crawl's hook: run the rules, logging instead of raising (a crawl never fails here)."""
    try:
        if not store.alert_rules():
            return None
        return run_alerts(store, now, names, settings)
    except Exception:  # alerts must never break a crawl; the error is logged
        log.exception("watch rules could not run after the crawl")
        return None
