"""Full-text search on both backends: syntax, languages, filters, highlighting, hostile input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.models import (
    Author,
    Link,
    MediaClass,
    Network,
    Post,
    PostEnrichment,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.store import IngestItem, Store
from forumwatch.store.search import (
    MAX_QUERY_CHARS,
    SearchQuery,
    parse_query,
    snippet,
    to_fts5,
)
from tests.conftest import T0

BASE = "http://127.0.0.1:9/"

# (native id, author, language, text, link host or None, days after T0)
POSTS = [
    ("1", "gardener", "en", "The allotment tomatoes survived the late frost.", None, 0),
    ("2", "gardener", "en", "Frost again tonight; cover the tomato seedlings.", "pics.example", 1),
    ("3", "walker", "de", "Die Quarantäne gilt bis Ende April, sagt die Stadt.", None, 2),
    ("4", "walker", "ru", "Карантин продлили ещё на две недели, парки закрыты.", None, 3),
    ("5", "striker", "en", "Football training is cancelled during the lockdown.", None, 4),
    ("6", "striker", "en", "The lockdown ended; football training starts on Monday.", None, 5),
    ("7", "gardener", "es", "El huerto comunitario abre el lunes por la mañana.", None, 6),
    ("8", "walker", "en", "Weather report: late frost, then sunshine over the allotment.", None, 7),
]


def _link(host: str) -> Link:
    url = f"https://{host}/tomato.jpg"
    return Link(url, url, host, host, Network.CLEARNET, "jpg", MediaClass.IMAGE, "tomato.jpg")


def _store_posts(store: Store, site: Site) -> None:
    assert site.id is not None
    for native, handle, language, text, host, days in POSTS:
        section = "1" if int(native) <= 4 else "2"
        thread = Thread(f"t{native}", f"Thread {native}", BASE + f"t{native}", section)
        post = Post(native, thread.native_id, Author(handle), T0 + timedelta(days=days), text)
        enrichment = PostEnrichment(
            links=(_link(host),) if host else (), language=language, annotations=()
        )
        page = ThreadPage(BASE + f"t{native}", thread, (post,))
        store.ingest(
            [IngestItem(site.id, page, T0 + timedelta(days=days), enrichment={native: enrichment})]
        )


@pytest.fixture
def searchable(store: Store, site: Site) -> Store:
    from forumwatch.models import IndexPage

    assert site.id is not None
    index = IndexPage(
        BASE, sections=(Section("1", "Garden", BASE + "f1"), Section("2", "Sport", BASE + "f2"))
    )
    store.ingest([IngestItem(site.id, index, T0)])
    _store_posts(store, site)
    return store


def _found(store: Store, text: str, **filters: object) -> list[str]:
    page = store.search(SearchQuery(text, **filters))  # type: ignore[arg-type]
    return sorted(_native(store, hit.post_id) for hit in page.hits)


def _native(store: Store, post_id: int) -> str:
    from sqlalchemy import select

    from forumwatch.store import schema
    from forumwatch.store.sql import SQLStore

    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        return str(
            connection.execute(
                select(schema.posts.c.native_id).where(schema.posts.c.id == post_id)
            ).scalar()
        )


def test_words_are_anded(searchable: Store) -> None:
    assert _found(searchable, "frost allotment") == ["1", "8"]
    assert _found(searchable, "frost") == ["1", "2", "8"]


def test_optimizing_changes_no_answer(searchable: Store) -> None:
    queries = ("lockdown", "garden OR seedlings", '"last summer"', "quarant*", "rain -wind")
    before = [_found(searchable, text) for text in queries]
    searchable.optimize()
    searchable.optimize()  # twice: it is safe at any time
    assert [_found(searchable, text) for text in queries] == before
    assert any(before)


def test_phrases_or_exclusion_and_prefix(searchable: Store) -> None:
    assert _found(searchable, '"late frost"') == ["1", "8"]
    assert _found(searchable, '"frost late"') == []
    assert _found(searchable, "tomatoes OR seedlings") == ["1", "2"]
    assert _found(searchable, "frost -allotment") == ["2"]
    assert _found(searchable, 'frost -"late frost"') == ["2"]
    assert _found(searchable, "tomat*") == ["1", "2"]
    assert _found(searchable, "lockdown football OR weather") == ["5", "6"]


def test_case_and_diacritics_do_not_matter(searchable: Store) -> None:
    assert _found(searchable, "quarantane") == ["3"]
    assert _found(searchable, "QUARANTÄNE") == ["3"]
    assert _found(searchable, "manana") == ["7"]


def test_cyrillic_is_searchable(searchable: Store) -> None:
    assert _found(searchable, "карантин") == ["4"]
    assert _found(searchable, "КАРАНТИН парки") == ["4"]
    assert _found(searchable, "продл*") == ["4"]


def test_filters(searchable: Store, site: Site) -> None:
    assert site.id is not None
    sections = {s.native_id: s.id for s in searchable.sections(site.id)}
    assert _found(searchable, "frost", author="walker") == ["8"]
    assert _found(searchable, "frost", has_links=True) == ["2"]
    assert _found(searchable, "frost", has_links=False) == ["1", "8"]
    assert _found(searchable, "frost", host="pics.example") == ["2"]
    assert _found(searchable, "frost", start=T0 + timedelta(days=1)) == ["2", "8"]
    assert _found(searchable, "frost", end=T0 + timedelta(days=1)) == ["1"]
    assert _found(searchable, "lockdown OR quarantane", languages=["de"]) == ["3"]
    assert _found(searchable, "training", section_ids=[sections["2"]]) == ["5", "6"]
    assert _found(searchable, "training", section_ids=[sections["1"]]) == []
    assert _found(searchable, "frost", site_ids=[site.id + 1]) == []


def test_hits_carry_their_context_newest_first(searchable: Store) -> None:
    page = searchable.search(SearchQuery("frost"))
    assert page.total == 3 and not page.total_capped
    first = page.hits[0]
    assert first.site_name == "harbour"
    assert first.author_handle == "walker"
    assert first.thread_title == "Thread 8"
    assert first.section_title == "Sport"
    assert first.posted_at == T0 + timedelta(days=7)
    assert [h.posted_at for h in page.hits] == sorted(
        (h.posted_at for h in page.hits), reverse=True
    )
    assert [f.text for f in first.snippet if f.is_match] == ["frost"]


def test_relevance_order_and_paging(searchable: Store) -> None:
    everything = searchable.search(SearchQuery("frost", order="relevance", limit=2))
    assert len(everything.hits) == 2 and everything.total == 3
    rest = searchable.search(SearchQuery("frost", order="relevance", limit=2, offset=2))
    assert len(rest.hits) == 1
    assert {h.post_id for h in everything.hits}.isdisjoint({h.post_id for h in rest.hits})


def test_snippet_marks_matches_and_is_not_markup() -> None:
    query = parse_query('quarantane "late frost"')
    text = "<b>Die</b> Quarantäne & the late frost; frost alone is not the phrase."
    fragments = snippet(text, query)
    assert "".join(f.text for f in fragments) == text
    assert [f.text for f in fragments if f.is_match] == ["Quarantäne", "late", "frost"]


def test_snippet_windows_long_text_around_the_first_match() -> None:
    text = "filler " * 200 + "the allotment opens " + "filler " * 200
    fragments = snippet(text, parse_query("allotment"))
    joined = "".join(f.text for f in fragments)
    assert joined.startswith("… ") and joined.endswith(" …")
    assert len(joined) < 300
    assert [f.text for f in fragments if f.is_match] == ["allotment"]


def test_parser() -> None:
    parsed = parse_query('tomato "late frost" garden OR allotment -slug quar*')
    assert [[t.tokens for t in g.terms] for g in parsed.required] == [
        [("tomato",)],
        [("late", "frost")],
        [("garden",), ("allotment",)],
        [("quar",)],
    ]
    assert parsed.required[-1].terms[0].prefix
    assert [t.tokens for t in parsed.excluded] == [("slug",)]
    assert to_fts5(parse_query("a OR b -c")) == '("a" OR "b") NOT "c"'


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "OR OR OR",
        "-",
        "- - -",
        '"',
        '"""',
        '"unbalanced phrase',
        "***",
        "-only -excluded",
        "( ) AND NOT NEAR",
        "a*",
        "'; DROP TABLE posts; --",
        "\\ \x00 \u202e",
        "frost " * 5000,
        '"' + "frost " * 3000,
    ],
)
def test_hostile_queries_never_raise(searchable: Store, text: str) -> None:
    page = searchable.search(SearchQuery(text, limit=10_000, offset=-5))
    assert len(page.hits) <= 200
    if not page.hits:
        assert page.total == 0


def test_long_queries_are_cut() -> None:
    parsed = parse_query("word " * 10_000)
    assert len(parsed.required) == 1
    assert len(parse_query("x" * (MAX_QUERY_CHARS * 5)).required) == 1


def test_edited_and_removed_posts_leave_the_index(store: Store, site: Site) -> None:
    assert site.id is not None
    thread = Thread("t1", "Thread", BASE + "t1")
    first = Post("1", "t1", Author("gardener"), T0, "Radishes are ready.")
    store.ingest([IngestItem(site.id, ThreadPage(BASE + "t1", thread, (first,)), T0)])
    assert len(store.search(SearchQuery("radishes")).hits) == 1
    edited = Post("1", "t1", Author("gardener"), T0, "Carrots are ready.")
    later = T0 + timedelta(hours=1)
    store.ingest([IngestItem(site.id, ThreadPage(BASE + "t1", thread, (edited,)), later)])
    assert store.search(SearchQuery("radishes")).hits == ()
    assert len(store.search(SearchQuery("carrots")).hits) == 1
    store.remove_site(site.name)
    assert store.search(SearchQuery("carrots")).hits == ()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_and_compiles(text: str) -> None:
    parsed = parse_query(text)
    if not parsed.empty:
        expression = to_fts5(parsed)
        assert expression.count('"') % 2 == 0
    snippet(text, parsed)
