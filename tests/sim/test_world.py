"""The generated world: determinism, sizes, ids, lazy content and the vocabulary rules."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime

from forumwatch.sim import World, WorldConfig
from forumwatch.sim.phpbb import PhpbbRenderer, apply_session
from forumwatch.sim.text import LEXICONS

from .conftest import END

_NOW = int(END.timestamp())
_TARGETS = ("/", "/viewforum.php?f=2", "/viewforum.php?f=11&start=25", "/viewtopic.php?t=40")


def _pages(world: World) -> list[bytes]:
    out = []
    for name in world.site_names:
        renderer = PhpbbRenderer(world.site(name))
        for target in _TARGETS:
            status, page = renderer.render(target, _NOW, "http://127.0.0.1:8000/")
            assert status == 200
            out.append(apply_session(page, "0" * 32))
    return out


def test_same_seed_gives_identical_pages_truth_and_posts(small_world: World) -> None:
    again = World(WorldConfig(seed=7, size="small"))
    assert _pages(again) == _pages(small_world)
    assert json.dumps(again.truth(), sort_keys=True) == json.dumps(
        small_world.truth(), sort_keys=True
    )
    first = [record.post for record in itertools.islice(small_world.iter_posts("lantern"), 300)]
    assert first == [record.post for record in itertools.islice(again.iter_posts("lantern"), 300)]


def test_different_seed_gives_a_different_world(small_world: World) -> None:
    other = World(WorldConfig(seed=8, size="small"))
    assert other.site("harbour").post_count != small_world.site("harbour").post_count
    assert other.onion_host("harbour") != small_world.onion_host("harbour")
    assert _pages(other)[3] != _pages(small_world)[3]


def test_small_world_size_and_site_shares(small_world: World) -> None:
    counts = {name: small_world.site(name).post_count for name in small_world.site_names}
    assert 20_000 <= sum(counts.values()) <= 30_000
    assert counts["harbour"] > counts["lantern"] > counts["birch"] > 2_000


def test_tiny_world_is_small(tiny_world: World) -> None:
    total = sum(tiny_world.site(name).post_count for name in tiny_world.site_names)
    assert 1_000 <= total <= 2_000


def test_post_ids_increase_with_time_and_cover_the_span(small_world: World) -> None:
    for name in small_world.site_names:
        times = small_world.site(name).data.post_time
        assert all(earlier <= later for earlier, later in itertools.pairwise(times))
        assert datetime.fromtimestamp(times[0], UTC).date() == small_world.config.history_start
        assert datetime.fromtimestamp(times[-1], UTC).date() == small_world.config.monitoring_end
        assert small_world.post_ids(name) == range(1, len(times) + 1)


def test_every_thread_lists_its_posts_in_time_order(small_world: World) -> None:
    data = small_world.site("harbour").data
    for thread, posts in enumerate(data.thread_posts):
        assert list(posts) == sorted(posts)
        assert all(data.post_thread[index] == thread for index in posts)


def test_content_is_independent_of_generation_order(small_world: World) -> None:
    fresh = World(WorldConfig(seed=7, size="small"))
    late = fresh.site("birch").content.record(4000, None).post
    early = small_world.site("birch").content.record(4000, None).post
    assert late == early


def test_iter_posts_until_hides_later_posts_and_edits(small_world: World) -> None:
    moment = datetime(2020, 3, 1, tzinfo=UTC)
    records = list(small_world.iter_posts("lantern", until=moment))
    assert records and all(record.post.posted_at is not None for record in records)
    assert max(record.post.posted_at for record in records if record.post.posted_at) <= moment
    assert len(records) == small_world.post_count("lantern", until=moment)
    final = {record.post.native_id: record.post for record in small_world.iter_posts("lantern")}
    changed = [
        record.post
        for record in records
        if record.post.edit is None and final[record.post.native_id].edit is not None
    ]
    assert changed, "some posts are edited after 2020-03-01"
    for post in changed[:20]:
        assert post.content_hash() != final[post.native_id].content_hash()


def test_vocabulary_marks_covid_terms_only_in_covid_sentences() -> None:
    for language, lexicon in LEXICONS.items():
        terms = [term.lower() for term in lexicon.covid_terms]
        for parts, _ in lexicon.covid:
            assert any(term in "".join(parts).lower() for term in terms), (language, parts)
        others = [*lexicon.upload, *lexicon.request, *lexicon.reup, *lexicon.dead, *lexicon.crypto]
        for group in lexicon.topics.values():
            others.extend(group)
        for parts, _ in others:
            text = "".join(parts).lower()
            assert not any(re.search(rf"\b{re.escape(term)}", text) for term in terms), text


def test_reup_and_dead_phrases_name_the_host() -> None:
    for lexicon in LEXICONS.values():
        for _, slots in (*lexicon.reup, *lexicon.dead):
            assert "host" in slots


def test_post_text_is_plain_chatter(small_world: World) -> None:
    banned = re.compile(r"<|>|\{|\}")
    for record in itertools.islice(small_world.iter_posts("harbour"), 2000):
        assert record.post.text and not banned.search(record.post.text)
        assert record.post.title.startswith(("Re: ", record.thread_title))
