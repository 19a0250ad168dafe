"""Host families: several domains of one file-hosting service, rolled up under one name.

Families come from ``data/hosts.toml`` (shipped) and a workspace's ``hosts.toml`` (edited by
analysts); the file format is described at the top of the shipped file. A host belongs to the
family that lists it or one of its parent domains; any other host is a family of its own, named
after its registrable domain. Families are applied when series are read
(:meth:`HostFamilies.roll_up` over the per-host rollups), so editing the file never leaves stale
counts behind.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from forumwatch.enrich.domains import has_public_suffix, registrable_domain
from forumwatch.enrich.tokens import TextView
from forumwatch.errors import ConfigError

HOST_MENTION = re.compile(r"(?<![\w@.-])((?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,})(?!\w)")
"""A host named in prose ("snapcellar.net is down"); the last label is letters only, so
"snapcellar.net-Link" names snapcellar.net."""


@dataclass(frozen=True, slots=True)
class Merge:
    """Hosts folded into a family on a day."""

    family: str
    hosts: tuple[str, ...]
    date: date | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Family:
    """One service: its name, the domains it uses and the words members call it by."""

    name: str
    hosts: tuple[str, ...]
    names: tuple[str, ...] = ()
    merges: tuple[Merge, ...] = ()


def _as_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(f"{where}: date {value!r} is not YYYY-MM-DD") from error


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def parse_families(data: Mapping[str, Any], source: str) -> list[Family]:
    """Families from a parsed ``hosts.toml``.

    Raises:
        ConfigError: a family lacks a name or lists hosts that are not a list of strings.
    """
    families: list[Family] = []
    entries = data.get("family", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{source}: families are [[family]] tables")
    for index, entry in enumerate(entries):
        where = f"{source}: family #{index + 1}"
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: needs a name")
        hosts = entry.get("hosts", [name])
        names = entry.get("names", [])
        merges_data = entry.get("merge", [])
        if not (
            _string_list(hosts)
            and _string_list(names)
            and isinstance(merges_data, list)
            and all(_string_list(merge.get("hosts", [])) for merge in merges_data)
        ):
            raise ConfigError(f"{where}: hosts and names must be lists of strings")
        merges = tuple(
            Merge(
                name,
                tuple(h.lower().strip(".") for h in merge.get("hosts", [])),
                _as_date(merge.get("date"), where),
                str(merge.get("note", "")),
            )
            for merge in merges_data
        )
        families.append(
            Family(
                name.lower(),
                tuple(h.lower().strip(".") for h in hosts),
                tuple(n.casefold() for n in names),
                merges,
            )
        )
    return families


def load_families_file(path: Path) -> list[Family]:
    """Families from a ``hosts.toml`` file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read host families from {path}: {error}") from error
    return parse_families(data, str(path))


def shipped_families() -> list[Family]:
    """The families shipped with forumwatch."""
    text = resources.files("forumwatch.enrich").joinpath("data/hosts.toml").read_text("utf-8")
    return parse_families(tomllib.loads(text), "forumwatch/enrich/data/hosts.toml")


class HostFamilies:
    """Maps hosts to families and finds hosts named in prose."""

    def __init__(self, families: Iterable[Family] = ()) -> None:
        by_name: dict[str, Family] = {}
        for family in families:
            by_name[family.name] = family  # a later family of the same name replaces it
        self.families: dict[str, Family] = by_name
        self._host_family: dict[str, str] = {}
        self._word_family: dict[str, str] = {}
        for family in by_name.values():
            for host in family.hosts:
                self._host_family[host] = family.name
            for merge in family.merges:
                for host in merge.hosts:
                    self._host_family[host] = family.name
            for word in family.names:
                self._word_family[word] = family.name
        self.family_of = functools.lru_cache(maxsize=100_000)(self._family_of)

    @classmethod
    def load(cls, workspace_file: Path | None = None) -> HostFamilies:
        """The shipped families, plus (and overridden by) a workspace file if it exists."""
        families = shipped_families()
        if workspace_file is not None and workspace_file.is_file():
            families += load_families_file(workspace_file)
        return cls(families)

    def _family_of(self, host: str) -> str:
        host = host.lower().rstrip(".")
        candidate = host
        while True:
            found = self._host_family.get(candidate)
            if found is not None:
                return found
            if "." not in candidate:
                break
            candidate = candidate.split(".", 1)[1]
        return registrable_domain(host)

    def merges(self) -> list[Merge]:
        """Every dated merge, oldest first (for charts and for telling merges from outages)."""
        found = [merge for family in self.families.values() for merge in family.merges]
        return sorted(found, key=lambda m: (m.date or date.min, m.family))

    def roll_up(self, per_host: Mapping[str, int]) -> dict[str, int]:
        """Sum counts keyed by host (or registrable domain) into counts keyed by family."""
        out: dict[str, int] = {}
        for host, value in per_host.items():
            family = self.family_of(host)
            out[family] = out.get(family, 0) + value
        return out

    def named_in(self, view: TextView) -> list[str]:
        """Families named in prose, in order of first mention: by domain or by a family word."""
        found: list[str] = []
        if "." in view.text:
            for match in HOST_MENTION.finditer(view.folded):
                host = match.group(1)
                if has_public_suffix(host):
                    family = self.family_of(host)
                    if family not in found:
                        found.append(family)
        if self._word_family:
            for token in view.tokens:
                named = self._word_family.get(token)
                if named is not None and named not in found:
                    found.append(named)
        return found
