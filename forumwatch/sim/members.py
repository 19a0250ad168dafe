"""Members of the simulated sites: handles, lifecycles, languages and the planted actors.

Handles are unique across the whole world except the planted shared handle. Ordinary members
are active for at most 330 days, so nobody but the planted dormant members can stay silent for a
year and come back; a few "core" regulars per language are active throughout.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate

from forumwatch.sim.ids import derive_seed
from forumwatch.sim.sites import SiteSpec
from forumwatch.sim.text import LANGUAGES
from forumwatch.sim.timeline import Timeline

_ADJECTIVES = (
    "quiet",
    "rusty",
    "sunny",
    "lazy",
    "brave",
    "little",
    "old",
    "green",
    "blue",
    "silver",
    "windy",
    "salty",
    "sleepy",
    "happy",
    "rainy",
    "misty",
    "lucky",
    "clever",
    "gentle",
    "wild",
    "northern",
    "amber",
    "copper",
    "velvet",
    "paper",
    "stone",
    "cosy",
    "swift",
    "humble",
    "odd",
)
_NOUNS = (
    "otter",
    "kettle",
    "sparrow",
    "harbour",
    "lantern",
    "gardener",
    "sailor",
    "walrus",
    "fox",
    "badger",
    "heron",
    "pebble",
    "teapot",
    "bicycle",
    "compass",
    "meadow",
    "cactus",
    "pigeon",
    "robin",
    "turnip",
    "biscuit",
    "anchor",
    "comet",
    "owl",
    "moth",
    "kestrel",
    "tulip",
    "spade",
    "raven",
    "puffin",
    "ferry",
    "beacon",
    "marmot",
    "hedgehog",
    "lighthouse",
    "acorn",
)
_NAMES = (
    "marta",
    "jonas",
    "lucia",
    "erik",
    "greta",
    "ivan",
    "olga",
    "pieter",
    "sanne",
    "diego",
    "carmen",
    "tom",
    "anna",
    "lars",
    "ines",
    "pablo",
    "femke",
    "jan",
    "lena",
    "max",
    "nina",
    "oscar",
    "rosa",
    "sven",
    "tanja",
    "ulla",
    "vera",
    "willem",
    "yara",
    "zoe",
    "dmitri",
    "katya",
)
_CYRILLIC_NAMES = (
    "Сергей",
    "Ольга",
    "Дмитрий",
    "Наташа",
    "Алексей",
    "Ирина",
    "Михаил",
    "Света",
    "Павел",
    "Катя",
    "Андрей",
    "Марина",
    "Егор",
    "Лена",
)
_CYRILLIC_WORDS = ("лесной_кот", "рыбак", "садовод", "дачник", "путник", "чайник", "ёжик", "берёза")
_ADMIN_HANDLES = {"harbour": "harbourmaster", "lantern": "lamplighter", "birch": "лесник"}


class HandleFactory:
    """Makes handles that are unique across a world (deterministic for a seed)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(derive_seed(seed, "handles"))
        self._used: set[str] = set(_ADMIN_HANDLES.values()) | {"moderator"}

    def make(self, cyrillic: bool = False) -> str:
        """Return a new handle; ``cyrillic`` asks for a Russian-style one."""
        rng = self._rng
        while True:
            style = rng.random()
            if cyrillic and style < 0.45:
                base = rng.choice(_CYRILLIC_NAMES + _CYRILLIC_WORDS)
                handle = base if rng.random() < 0.3 else f"{base}_{rng.randrange(1, 99)}"
            elif style < 0.45:
                handle = f"{rng.choice(_ADJECTIVES)}_{rng.choice(_NOUNS)}"
            elif style < 0.7:
                handle = f"{rng.choice(_NAMES)}{rng.randrange(1, 99)}"
            elif style < 0.85:
                handle = rng.choice(_ADJECTIVES).title() + rng.choice(_NOUNS).title()
            else:
                handle = f"{rng.choice(_NAMES)}.{rng.choice(_NOUNS)}"
            if handle in self._used:
                handle = f"{handle}{rng.randrange(100, 999)}"
            if handle not in self._used:
                self._used.add(handle)
                return handle


@dataclass(slots=True)
class Pool:
    """Members who post in a group of sections, with cumulative posting weights."""

    members: list[int]
    cumulative: list[float]
    core: list[int]


@dataclass(slots=True)
class Members:
    """The members of one site as parallel arrays (index = member number)."""

    handles: list[str] = field(default_factory=list)
    user_ids: array[int] = field(default_factory=lambda: array("I"))
    join: array[int] = field(default_factory=lambda: array("q"))
    language: array[int] = field(default_factory=lambda: array("B"))
    rank: array[int] = field(default_factory=lambda: array("B"))
    signature: array[int] = field(default_factory=lambda: array("B"))
    first: array[int] = field(default_factory=lambda: array("i"))
    last: array[int] = field(default_factory=lambda: array("i"))
    first2: array[int] = field(default_factory=lambda: array("i"))
    last2: array[int] = field(default_factory=lambda: array("i"))
    weight: list[float] = field(default_factory=list)
    pools: dict[str, Pool] = field(default_factory=dict)
    by_join: list[int] = field(default_factory=list)
    join_sorted: list[int] = field(default_factory=list)
    forced: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    planted: dict[str, list[int]] = field(default_factory=dict)

    def add(
        self,
        handle: str,
        language: int,
        join: int,
        first: int,
        last: int,
        weight: float,
        rank: int = 0,
        signature: int = 0,
    ) -> int:
        """Append a member and return its index."""
        self.handles.append(handle)
        self.user_ids.append(0)
        self.join.append(join)
        self.language.append(language)
        self.rank.append(rank)
        self.signature.append(signature)
        self.first.append(first)
        self.last.append(last)
        self.first2.append(-1)
        self.last2.append(-2)
        self.weight.append(weight)
        return len(self.handles) - 1

    def active(self, member: int, day: int) -> bool:
        """True when the member posts at all on day index ``day``."""
        return (self.first[member] <= day <= self.last[member]) or (
            self.first2[member] <= day <= self.last2[member]
        )

    def pick(self, rng: random.Random, pool_name: str, day: int) -> int:
        """Pick an author from a pool by weight among members active on ``day``."""
        pool = self.pools[pool_name] if pool_name in self.pools else self.pools["*"]
        total = pool.cumulative[-1]
        for _ in range(24):
            member = pool.members[bisect_right(pool.cumulative, rng.random() * total)]
            if self.active(member, day):
                return member
        return rng.choice(pool.core)

    def count_joined(self, timestamp: int) -> int:
        """Number of members who joined at or before ``timestamp``."""
        return bisect_right(self.join_sorted, timestamp)


@dataclass(frozen=True, slots=True)
class PlantedHandles:
    """Handles chosen once per world for the planted actors."""

    shared: str
    dormant: tuple[str, ...]
    watch: str


def plant_handles(factory: HandleFactory) -> PlantedHandles:
    """Reserve the handles of the planted actors before any site is generated."""
    return PlantedHandles(
        shared=factory.make(),
        dormant=(factory.make(), factory.make(), factory.make()),
        watch=factory.make(),
    )


def build_members(
    spec: SiteSpec,
    seed: int,
    target_posts: int,
    timeline: Timeline,
    factory: HandleFactory,
    planted: PlantedHandles,
) -> Members:
    """Create the members of a site: admin, moderator, core regulars, ordinary and planted ones."""
    rng = random.Random(derive_seed(seed, spec.name, "members"))
    days = timeline.days
    base = timeline.config.history_start
    epoch0 = _epoch(base.year, base.month, base.day)
    members = Members()
    languages = [LANGUAGES.index(language) for language, _ in spec.languages]
    language_weights = list(accumulate(weight for _, weight in spec.languages))

    def join_time(day: int) -> int:
        return epoch0 + day * 86_400 + rng.randrange(7 * 3600, 23 * 3600)

    main = languages[0]
    members.add(_ADMIN_HANDLES[spec.name], main, join_time(-420), 0, days - 1, 0.4, rank=1)
    members.add(factory.make(), main, join_time(-400), 0, days - 1, 2.0, rank=2)
    count = max(36, target_posts // 45)
    cyrillic = spec.ui_language == "ru"
    for number in range(count):
        if number < 3 * len(languages):
            language = languages[number % len(languages)]
            weight = 3.0 * (1.0 + rng.random())
            join_day, first, last = -rng.randrange(60, 700), 0, days - 1
        else:
            roll = rng.random() * language_weights[-1]
            language = languages[bisect_right(language_weights, roll)]
            weight = min(40.0, (1.0 - rng.random()) ** (-1 / 1.4))
            join_day = rng.randrange(-450, days - 5)
            first = max(0, join_day) + rng.randrange(0, 8)
            span = min(330, int(10 + rng.expovariate(1 / 110) * (0.6 + weight / 6)))
            last = min(days - 1, first + span)
        handle = factory.make(cyrillic=cyrillic and language == LANGUAGES.index("ru"))
        signature = 1 + rng.randrange(250) if rng.random() < 0.2 else 0
        members.add(handle, language, join_time(join_day), first, last, weight, signature=signature)
    _plant(spec, members, timeline, planted, join_time, rng)
    _finish(members, languages, days)
    return members


def _plant(
    spec: SiteSpec,
    members: Members,
    timeline: Timeline,
    planted: PlantedHandles,
    join_time: Callable[[int], int],
    rng: random.Random,
) -> None:
    events = timeline.events
    days = timeline.days
    english = LANGUAGES.index("en")
    main = LANGUAGES.index(spec.languages[0][0])

    def force(member: int, day: int) -> None:
        while timeline.is_down(spec.name, day) and day < days - 1:
            day += 1
        members.forced.setdefault(min(day, days - 1), []).append(("2", member))

    if spec.name == events.dormant_site:
        back = timeline.day_index(events.dormant_return)
        for handle in planted.dormant:
            member = members.add(handle, english, join_time(-90), 2, 50, 3.0)
            members.first2[member], members.last2[member] = back, days - 1
            members.planted.setdefault("dormant", []).append(member)
            for day in (3, 10, 18, 27, 36, 47):
                force(member, day)
            for offset in (0, 3, 8, 15, 24, 33):
                force(member, back + offset)
    if spec.name in events.shared_handle_sites:
        member = members.add(
            planted.shared, main, join_time(-200 - rng.randrange(60)), 0, days - 1, 2.0
        )
        members.planted["shared"] = [member]
        for day in range(5, days, 45):
            force(member, day + rng.randrange(10))
    if spec.name == events.watch_site:
        member = members.add(planted.watch, english, join_time(-300), 0, days - 1, 3.0)
        members.planted["watch"] = [member]
        after = timeline.day_index(events.watch_after)
        for day in range(max(0, after - 70), after, 12):
            force(member, day)
        for day in range(after + 1, days, 8):
            force(member, day)


def _finish(members: Members, languages: list[int], days: int) -> None:
    order = sorted(range(len(members.handles)), key=lambda member: (members.join[member], member))
    next_id = 48
    for member in order:
        if members.rank[member] == 1:
            members.user_ids[member] = 2
        else:
            members.user_ids[member] = next_id
            next_id += 1
    members.by_join = order
    members.join_sorted = [members.join[member] for member in order]
    everyone = list(range(len(members.handles)))
    core_all = [
        member
        for member in everyone
        if members.first[member] == 0
        and members.last[member] == days - 1
        and members.rank[member] != 1
    ]
    core_set = set(core_all)
    members.pools["*"] = _pool(members, everyone, core_all)
    for language in languages:
        group = [member for member in everyone if members.language[member] == language]
        core = [member for member in group if member in core_set] or core_all
        members.pools[LANGUAGES[language]] = _pool(members, group, core)


def _pool(members: Members, group: list[int], core: list[int]) -> Pool:
    cumulative = list(accumulate(members.weight[member] for member in group))
    return Pool(members=group, cumulative=cumulative, core=core)


def _epoch(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp())
