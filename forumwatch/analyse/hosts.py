"""Hosts: links per host and per host family, complaints about dead links, first/last seen.

A host here is a registrable domain (``i.imgpier.net`` -> ``imgpier.net``); a family rolls
several domains of one service into one name (:mod:`forumwatch.enrich.hosts`), applied when a
series is read, so editing ``hosts.toml`` never leaves stale counts. Links are counted per post
that contains them (each post counts a URL once), on the post's day. Complaints are posts with a
re-upload request or a dead-link report tied to the family (``requests_by_host`` rollup).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from forumwatch.analyse.reading import EARLIEST, LATEST, day_states, resolve_scope
from forumwatch.analyse.series import Granularity, Scope, Series, build_series
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.store.base import Store
from forumwatch.store.rollups import LINKS_BY_HOST, REQUESTS_BY_HOST

HOST_DEFINITION = (
    "Links to {what} per {period} (UTC): posts containing a URL on it, each post counting a "
    "URL once, on the post's day (first sightings and re-shares alike). Scope: {scope}."
)
COMPLAINT_DEFINITION = (
    "Posts per {period} (UTC) with a {kind} tied to the host family {family!r} (the host named "
    "in the text, else the links of the quoted post, else the post's own links). Scope: {scope}."
)
COMPLAINT_TYPES = ("dead_link", "reupload")


@dataclass(frozen=True, slots=True)
class HostSummary:
    """A host or family over a period: links, first and last day with links, member hosts."""

    name: str
    links: int
    first_seen: date
    last_seen: date
    hosts: tuple[str, ...]


def family_hosts(store: Store, family: str, families: HostFamilies) -> list[str]:
    """The stored registrable domains that roll up into ``family``."""
    totals = store.rollup_totals(LINKS_BY_HOST, EARLIEST, LATEST)
    return sorted(t.key for t in totals if families.family_of(t.key) == family)


def _series(
    store: Store,
    metric: str,
    keys: Sequence[str],
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity,
    name: str,
    definition: str,
    unit: str,
    max_gap_days: int,
    extra: dict[str, str],
) -> Series:
    resolved = resolve_scope(store, scope)
    values: dict[date, float] = defaultdict(float)
    if keys:
        for row in store.rollup_sums(
            metric,
            start,
            end,
            site_ids=resolved.site_ids,
            section_ids=resolved.section_ids,
            keys=list(keys),
        ):
            values[row.day] += row.value
    return build_series(
        f"{name}: {resolved.label}",
        definition.format(scope=resolved.label),
        values,
        day_states(store, resolved, start, end, max_gap_days),
        start,
        end,
        granularity,
        unit,
        {**scope.describe(), **extra},
    )


def host_links(
    store: Store,
    host: str,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    max_gap_days: int = 2,
) -> Series:
    """Links to one registrable domain per day, week or month."""
    definition = HOST_DEFINITION.format(
        what=f"the host {host!r}", period=granularity.value, scope="{scope}"
    )
    return _series(
        store,
        LINKS_BY_HOST,
        [host.lower()],
        scope,
        start,
        end,
        granularity,
        f"links to {host}",
        definition,
        "links",
        max_gap_days,
        {"host": host},
    )


def family_links(
    store: Store,
    family: str,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    families: HostFamilies | None = None,
    max_gap_days: int = 2,
) -> Series:
    """Links to every domain of a host family per day, week or month."""
    families = families or HostFamilies.load()
    hosts = family_hosts(store, family, families)
    definition = HOST_DEFINITION.format(
        what=f"the host family {family!r} ({', '.join(hosts) or 'no stored domain'})",
        period=granularity.value,
        scope="{scope}",
    )
    return _series(
        store,
        LINKS_BY_HOST,
        hosts,
        scope,
        start,
        end,
        granularity,
        f"links to family {family}",
        definition,
        "links",
        max_gap_days,
        {"family": family},
    )


def complaints(
    store: Store,
    family: str,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    kinds: Sequence[str] = COMPLAINT_TYPES,
    max_gap_days: int = 2,
) -> Series:
    """Re-upload requests and dead-link reports tied to a host family per period."""
    kind_text = " or ".join(k.replace("_", "-") for k in kinds)
    definition = COMPLAINT_DEFINITION.format(
        kind=kind_text, family=family, period=granularity.value, scope="{scope}"
    )
    return _series(
        store,
        REQUESTS_BY_HOST,
        [f"{kind}:{family}" for kind in kinds],
        scope,
        start,
        end,
        granularity,
        f"complaints about {family}",
        definition,
        "posts",
        max_gap_days,
        {"family": family},
    )


def top_hosts(
    store: Store,
    start: date,
    end: date,
    families: HostFamilies | None = None,
    by_family: bool = True,
    site: str | None = None,
    limit: int = 20,
) -> list[HostSummary]:
    """Hosts (or families) by links over a period, with their first and last day with links."""
    families = families or HostFamilies.load()
    site_ids = None if site is None else resolve_scope(store, Scope(site=site)).site_ids
    grouped: dict[str, list[tuple[str, int, date, date]]] = defaultdict(list)
    for total in store.rollup_totals(LINKS_BY_HOST, start, end, site_ids):
        name = families.family_of(total.key) if by_family else total.key
        grouped[name].append((total.key, total.value, total.first_day, total.last_day))
    out = [
        HostSummary(
            name,
            sum(r[1] for r in rows),
            min(r[2] for r in rows),
            max(r[3] for r in rows),
            tuple(sorted(r[0] for r in rows)),
        )
        for name, rows in grouped.items()
    ]
    out.sort(key=lambda h: (-h.links, h.name))
    return out[:limit]
