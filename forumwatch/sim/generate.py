"""Generation of one site's posts and threads as compact arrays.

Posts are generated day by day in time order, so a post's index is its phpBB id minus one and ids
increase with time. Each post keeps only a few numbers (time, thread, author, feature flags, link
host and count, language); its text is written on demand from a per-post seed. Exact daily counts
of what is planted (posts per section, links per host, keyword mentions, re-upload requests ...)
are tallied here, while generating, so that the truth needs no second pass.
"""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from forumwatch.sim.ids import derive_seed
from forumwatch.sim.members import Members
from forumwatch.sim.sites import HOSTS, SectionKind, SectionSpec, SiteSpec, host_index
from forumwatch.sim.text import LANGUAGES, TOPICS
from forumwatch.sim.timeline import LOCAL_HOUR_WEIGHTS, Timeline

F_COVID = 1
F_LINK = 2
F_IMAGE = 4
F_REUP = 8
F_DEAD = 16
F_THANKS = 32
F_QUOTE = 64
F_EDITED = 128
F_CRYPTO = 256
F_REQUEST = 512
F_REUPLOAD = 1024
F_ADMIN = 2048

KIND_NORMAL, KIND_STICKY, KIND_ANNOUNCEMENT, KIND_CHAT = 0, 1, 2, 3
TAGS: tuple[str, ...] = ("", "[Original]", "[Re-up]", "[Collection]", "[Request]")

_THANKS = {SectionKind.MEDIA: 0.22, SectionKind.REQUESTS: 0.12}
_IMAGE_BASE = {  # (starter, reply) chance of an image link, before spike and availability
    SectionKind.MEDIA: (0.45, 0.12),
    SectionKind.REQUESTS: (0.0, 0.15),
    SectionKind.CHAT: (0.02, 0.015),
    SectionKind.HOBBY: (0.05, 0.025),
    SectionKind.NEWS: (0.0, 0.0),
}
_FILE_BASE = {
    SectionKind.MEDIA: (0.35, 0.10),
    SectionKind.REQUESTS: (0.0, 0.18),
    SectionKind.CHAT: (0.01, 0.008),
    SectionKind.HOBBY: (0.02, 0.01),
    SectionKind.NEWS: (0.0, 0.0),
}
_REUP_BASE = {SectionKind.MEDIA: 0.02, SectionKind.REQUESTS: 0.05}
_DEAD_BASE = {SectionKind.MEDIA: 0.015, SectionKind.REQUESTS: 0.02}


@dataclass(slots=True)
class _SectionState:
    spec: SectionSpec
    pool: list[int] = field(default_factory=list)
    chat: int = -1
    sticky: int = -1
    announcement: int = -1
    cap: int = 8


@dataclass(slots=True)
class SiteData:
    """Everything generated for one site, as arrays indexed by post, thread or member."""

    spec: SiteSpec
    seed: int
    members: Members
    epoch0: int
    days: int
    post_time: array[int] = field(default_factory=lambda: array("I"))
    post_thread: array[int] = field(default_factory=lambda: array("I"))
    post_author: array[int] = field(default_factory=lambda: array("I"))
    post_flags: array[int] = field(default_factory=lambda: array("H"))
    post_link: array[int] = field(default_factory=lambda: array("B"))
    post_language: array[int] = field(default_factory=lambda: array("B"))
    thread_section: array[int] = field(default_factory=lambda: array("H"))
    thread_topic: array[int] = field(default_factory=lambda: array("B"))
    thread_tag: array[int] = field(default_factory=lambda: array("B"))
    thread_kind: array[int] = field(default_factory=lambda: array("B"))
    thread_lock: array[int] = field(default_factory=lambda: array("I"))
    thread_posts: list[array[int]] = field(default_factory=list)
    section_posts: dict[int, array[int]] = field(default_factory=dict)
    section_threads: dict[int, array[int]] = field(default_factory=dict)
    member_posts: list[array[int]] = field(default_factory=list)
    daily_posts: dict[int, array[int]] = field(default_factory=dict)
    host_links: list[array[int]] = field(default_factory=list)
    host_image_links: list[array[int]] = field(default_factory=list)
    covid_daily: array[int] = field(default_factory=lambda: array("I"))
    reup_daily: array[int] = field(default_factory=lambda: array("I"))
    dead_daily: array[int] = field(default_factory=lambda: array("I"))
    reup_down_daily: array[int] = field(default_factory=lambda: array("I"))
    dead_down_daily: array[int] = field(default_factory=lambda: array("I"))
    crypto_posts: int = 0
    language_posts: array[int] = field(default_factory=lambda: array("I", [0] * len(LANGUAGES)))

    @property
    def post_count(self) -> int:
        """Number of posts generated on this site."""
        return len(self.post_time)

    @property
    def thread_count(self) -> int:
        """Number of threads generated on this site."""
        return len(self.thread_section)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class _Generator:
    def __init__(self, site: SiteData, timeline: Timeline, target: float) -> None:
        self.site = site
        self.timeline = timeline
        self.rng = random.Random(derive_seed(site.seed, "posts"))
        self.forums = [item for item in site.spec.sections if item.kind != SectionKind.CATEGORY]
        self.states = [_SectionState(spec=item) for item in self.forums]
        expected = sum(
            item.weight * timeline.activity(site.spec.name, str(item.native_id), day)
            for item in self.forums
            for day in range(timeline.days)
        )
        self.scale = target / expected
        for state in self.states:
            daily = self.scale * state.spec.weight
            state.cap = max(6, int(daily * 2.5))
        self.zone = ZoneInfo(site.spec.timezone)
        self.hour_tables: dict[int, list[float]] = {}
        self.down_host = host_index(timeline.events.host_down)
        self.replacement = host_index(timeline.events.replacement_host)
        self.tag_section = (
            int(timeline.events.tag_section) if site.spec.name == timeline.events.tag_site else -1
        )
        for item in self.forums:
            site.section_posts[item.native_id] = array("I")
            site.section_threads[item.native_id] = array("I")
            site.daily_posts[item.native_id] = array("I", bytes(4 * timeline.days))
        for _ in range(len(HOSTS) + 1):
            site.host_links.append(array("I", bytes(4 * timeline.days)))
            site.host_image_links.append(array("I", bytes(4 * timeline.days)))
        for name in (
            "covid_daily",
            "reup_daily",
            "dead_daily",
            "reup_down_daily",
            "dead_down_daily",
        ):
            setattr(site, name, array("I", bytes(4 * timeline.days)))
        site.member_posts = [array("I") for _ in site.members.handles]

    def run(self) -> None:
        self._admin_threads()
        for day in range(self.timeline.days):
            if not self.timeline.is_down(self.site.spec.name, day):
                self._day(day)
        self._locks()

    def _hours(self, day: int) -> list[float]:
        noon = datetime.fromtimestamp(self.site.epoch0 + day * 86_400 + 43_200, UTC)
        offset = noon.astimezone(self.zone).utcoffset() or timedelta(0)
        hours = int(offset.total_seconds() // 3600)
        table = self.hour_tables.get(hours)
        if table is None:
            table = list(accumulate(LOCAL_HOUR_WEIGHTS[(hour + hours) % 24] for hour in range(24)))
            self.hour_tables[hours] = table
        return table

    def _admin_threads(self) -> None:
        at = self.site.epoch0 + 9 * 3600
        for number, state in enumerate(self.states):
            thread = self._new_thread(state, KIND_STICKY, 0, 0)
            state.sticky = thread
            self._append(at + 60 * number, thread, state, 0, F_ADMIN, 0, 0)
            if state.spec.announcement:
                thread = self._new_thread(state, KIND_ANNOUNCEMENT, 0, 0)
                state.announcement = thread
                self._append(at + 60 * number + 30, thread, state, 0, F_ADMIN | F_CRYPTO, 0, 0)

    def _new_thread(self, state: _SectionState, kind: int, topic: int, tag: int) -> int:
        site = self.site
        thread = len(site.thread_section)
        site.thread_section.append(state.spec.native_id)
        site.thread_topic.append(topic)
        site.thread_tag.append(tag)
        site.thread_kind.append(kind)
        site.thread_lock.append(0)
        site.thread_posts.append(array("I"))
        site.section_threads[state.spec.native_id].append(thread)
        return thread

    def _day(self, day: int) -> None:
        rng = self.rng
        site = self.site
        start = site.epoch0 + day * 86_400
        earliest = start + 10 * 3600 if day == 0 else start
        hours = self._hours(day)
        total_weight = hours[-1]
        forced: dict[int, list[int]] = {}
        for section, member in site.members.forced.get(day, ()):
            forced.setdefault(int(section), []).append(member)
        entries: list[int] = []
        for number, state in enumerate(self.states):
            native = state.spec.native_id
            mean = self.scale * state.spec.weight
            mean *= self.timeline.activity(site.spec.name, str(native), day)
            mean *= math.exp(rng.gauss(0.0, 0.12))
            count = max(_poisson(rng, mean), len(forced.get(native, ())))
            for _ in range(count):
                hour = bisect_right(hours, rng.random() * total_weight)
                moment = max(earliest, start + min(hour, 23) * 3600 + rng.randrange(3600))
                entries.append(moment * 64 + number)
        entries.sort()
        for entry in entries:
            moment, number = divmod(entry, 64)
            state = self.states[number]
            queue = forced.get(state.spec.native_id)
            author = queue.pop(0) if queue else -1
            self._post(day, moment, state, author)

    def _post(self, day: int, moment: int, state: _SectionState, author: int) -> None:
        rng = self.rng
        site = self.site
        spec = state.spec
        members = site.members
        pool_name = spec.language or "*"
        if spec.chat_thread and state.chat < 0:
            starter, kind = True, KIND_CHAT
        else:
            starter = not state.pool or rng.random() < spec.p_new
            kind = KIND_NORMAL
        if starter:
            tag = self._tag(spec, day)
            topic = TOPICS.index(rng.choice(spec.topics)) if spec.topics else 0
            thread = self._new_thread(state, kind, topic, tag)
            if kind == KIND_CHAT:
                state.chat = thread
            else:
                state.pool.append(thread)
                if len(state.pool) > state.cap:
                    state.pool.pop(0)
            if author < 0:
                author = members.pick(rng, pool_name, day)
        else:
            roll = rng.random()
            if state.announcement >= 0 and roll < 0.12:
                thread = state.announcement
            elif roll < 0.003:
                thread = state.sticky
            elif state.chat >= 0 and roll < 0.32:
                thread = state.chat
            else:
                size = len(state.pool)
                thread = state.pool[size - 1 - int(size * rng.random() ** 2.2)]
            if author < 0:
                opener = site.post_author[site.thread_posts[thread][0]]
                if (
                    rng.random() < 0.15
                    and members.active(opener, day)
                    and members.rank[opener] != 1
                ):
                    author = opener
                else:
                    author = members.pick(rng, pool_name, day)
        language = self._language(spec, author)
        flags, link = self._features(day, spec, starter, thread, len(site.thread_posts[thread]))
        self._append(moment, thread, state, author, flags, link, language)

    def _tag(self, spec: SectionSpec, day: int) -> int:
        rng = self.rng
        if spec.kind == SectionKind.REQUESTS:
            return 4
        if spec.kind != SectionKind.MEDIA:
            return 0
        original = self.timeline.tag_share(day) if spec.native_id == self.tag_section else 0.15
        roll = rng.random()
        if roll < original:
            return 1
        roll = (roll - original) / (1.0 - original)
        if roll < 0.14:
            return 2
        if roll < 0.30:
            return 3
        return 0

    def _language(self, spec: SectionSpec, author: int) -> int:
        if spec.language:
            return LANGUAGES.index(spec.language)
        own = self.site.members.language[author]
        if own == 0:
            return 0
        keep = 0.3 if self.site.spec.name == "harbour" else 0.8
        return own if self.rng.random() < keep else 0

    def _features(
        self, day: int, spec: SectionSpec, starter: bool, thread: int, position: int
    ) -> tuple[int, int]:
        rng = self.rng
        timeline = self.timeline
        kind = spec.kind
        flags = 0
        if (
            not starter
            and position >= 1
            and rng.random() < (0.14 if kind == SectionKind.CHAT else 0.08)
        ):
            flags |= F_QUOTE
        if not starter and rng.random() < _THANKS.get(kind, 0.05):
            return flags | F_THANKS, 0
        if rng.random() < timeline.covid_share(day) * (1.2 if kind == SectionKind.CHAT else 0.8):
            flags |= F_COVID
        if rng.random() < 0.05:
            flags |= F_EDITED
        if self.site.thread_kind[thread] == KIND_ANNOUNCEMENT:
            return (flags | F_CRYPTO, 0) if rng.random() < 0.5 else (flags, 0)
        if kind == SectionKind.CHAT and rng.random() < 0.0004:
            flags |= F_CRYPTO
        if starter and kind == SectionKind.REQUESTS:
            if rng.random() < 0.25:
                return flags | F_REUP, self._named_host(day, 0.0)
            return flags | F_REQUEST, 0
        if not starter:
            boost_share = 1.0 if kind in (SectionKind.MEDIA, SectionKind.REQUESTS) else 0.15
            reup_boost = timeline.reup_boost(day) * boost_share
            reup_chance = _REUP_BASE.get(kind, 0.002) + reup_boost
            if rng.random() < reup_chance:
                return flags | F_REUP, self._named_host(day, reup_boost / reup_chance)
            dead_boost = timeline.dead_boost(day) * boost_share
            dead_chance = _DEAD_BASE.get(kind, 0.002) + dead_boost
            if rng.random() < dead_chance:
                return flags | F_DEAD, self._named_host(day, dead_boost / dead_chance)
        image_p = _IMAGE_BASE[kind][0 if starter else 1] * timeline.host_total(day, True)
        spike = timeline.image_spike(day)
        image_p *= min(spike, 2.0)
        file_p = _FILE_BASE[kind][0 if starter else 1] * timeline.host_total(day, False)
        roll = rng.random()
        if roll < image_p:
            count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
            if spike > 2.0 and rng.random() < (spike / 2.0 - 1.0) * 1.4:
                count += 1
            host = self._pick_host(day, True)
            flags |= F_LINK | F_IMAGE
        elif roll < image_p + file_p:
            count = 1 + (rng.random() < 0.25)
            host = self._pick_host(day, False)
            flags |= F_LINK
        else:
            return flags, 0
        if host == self.replacement and rng.random() < 0.4:
            flags |= F_REUPLOAD
        return flags, host | (count << 4)

    def _pick_host(self, day: int, image: bool) -> int:
        cumulative = self.timeline.host_cumulative(day, image)
        return min(bisect_right(cumulative, self.rng.random() * cumulative[-1]), len(HOSTS))

    def _named_host(self, day: int, down_share: float) -> int:
        if down_share > 0 and self.rng.random() < down_share:
            return self.down_host
        return self._pick_host(day, self.rng.random() < 0.6)

    def _append(
        self,
        moment: int,
        thread: int,
        state: _SectionState,
        author: int,
        flags: int,
        link: int,
        language: int,
    ) -> None:
        site = self.site
        index = len(site.post_time)
        site.post_time.append(moment)
        site.post_thread.append(thread)
        site.post_author.append(author)
        site.post_flags.append(flags)
        site.post_link.append(link)
        site.post_language.append(language)
        site.thread_posts[thread].append(index)
        site.section_posts[state.spec.native_id].append(index)
        site.member_posts[author].append(index)
        site.language_posts[language] += 1
        day = (moment - site.epoch0) // 86_400
        site.daily_posts[state.spec.native_id][day] += 1
        if flags & F_LINK:
            host, count = link & 15, link >> 4
            site.host_links[host][day] += count
            if flags & F_IMAGE and not HOSTS[host - 1].onion:
                site.host_image_links[host][day] += count
        if flags & F_COVID:
            site.covid_daily[day] += 1
        if flags & F_REUP:
            site.reup_daily[day] += 1
            if link == self.down_host:
                site.reup_down_daily[day] += 1
        if flags & F_DEAD:
            site.dead_daily[day] += 1
            if link == self.down_host:
                site.dead_down_daily[day] += 1
        if flags & F_CRYPTO:
            site.crypto_posts += 1

    def _locks(self) -> None:
        site = self.site
        rng = random.Random(derive_seed(site.seed, "locks"))
        end = site.epoch0 + site.days * 86_400
        for thread, posts in enumerate(site.thread_posts):
            if site.thread_kind[thread] != KIND_NORMAL or rng.random() >= 0.04:
                continue
            lock = site.post_time[posts[-1]] + rng.randrange(3600, 5 * 86_400)
            if lock < end:
                site.thread_lock[thread] = lock


def generate_site(
    spec: SiteSpec, seed: int, members: Members, timeline: Timeline, target: float
) -> SiteData:
    """Generate every post and thread of a site; ``target`` is the expected number of posts."""
    start = timeline.config.history_start
    epoch0 = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
    site = SiteData(spec=spec, seed=seed, members=members, epoch0=epoch0, days=timeline.days)
    _Generator(site, timeline, target).run()
    return site
