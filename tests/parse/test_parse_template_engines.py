"""Engines without real captures, scored on pages built from their own public templates.

Each folder (see its README.md) holds pages written by tests/fixtures/builders from the
engine's templates and a manifest.json in the captures' format. Every field is pinned at its
current score (all exact); fields that the page does not show are null in the manifest.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from forumwatch.models import IndexPage, ListingPage, ThreadPage
from forumwatch.parse import detect_engine, get_parser
from forumwatch.parse.evaluate import evaluate_directory
from forumwatch.parse.gate import manifest_of
from tests.parse.parse_helpers import ENGINES

TEMPLATE_ENGINES = (
    "smf",
    "vbulletin4",
    "vbulletin5",
    "xenforo",
    "invision",
    "fluxbb",
    "punbb",
    "discourse",
    "vichan",
    "lynxchan",
    "paste",
    "chat",
)
CAPTURED = datetime(2026, 11, 25, 2, 50, 23, tzinfo=UTC)
# Pages whose engine cannot be told from the page alone (a list of links).
UNDETECTABLE = {("chat", "channels.html"), ("chat", "gardening.html")}


def _parser(engine: str):  # type: ignore[no-untyped-def]
    board = manifest_of(ENGINES / engine)["board"]
    return get_parser(engine, timezone=board["timezone"])


def _parse(engine: str, name: str):  # type: ignore[no-untyped-def]
    entry = next(e for e in manifest_of(ENGINES / engine)["files"] if e["file"] == name)
    text = (ENGINES / engine / name).read_text(encoding="utf-8")
    return _parser(engine).parse(text, entry["url"], CAPTURED)


@pytest.mark.parametrize("engine", TEMPLATE_ENGINES)
def test_template_pages_parse_exactly(engine: str) -> None:
    evaluation = evaluate_directory(_parser(engine), ENGINES / engine)
    print()
    print(evaluation.table())
    assert evaluation.files == len(manifest_of(ENGINES / engine)["files"])
    assert evaluation.score("posts").expected > 0
    below = [
        f"{name}: {score.precision:.3f}/{score.recall:.3f}"
        for name, score in evaluation.scores.items()
        if min(score.precision, score.recall) < 1.0
    ]
    assert not below, "\n".join(below + evaluation.differences[:20])
    assert evaluation.problems == 0


@pytest.mark.parametrize("engine", TEMPLATE_ENGINES)
def test_every_template_page_is_detected_as_its_engine(engine: str) -> None:
    for entry in manifest_of(ENGINES / engine)["files"]:
        text = (ENGINES / engine / entry["file"]).read_text(encoding="utf-8")
        found, confidence = detect_engine(text, entry["url"])
        if (engine, entry["file"]) in UNDETECTABLE:
            assert found is None, entry["file"]
            continue
        assert found is not None and found.name == engine, (entry["file"], found, confidence)


@pytest.mark.parametrize("engine", TEMPLATE_ENGINES)
def test_template_engines_never_claim_real_captures(engine: str) -> None:
    parser = get_parser(engine)
    for captured in ("phpbb", "mybb", "machina", "spirit", "flaskbb", "tinyib"):
        for page in sorted((ENGINES / captured).glob("*.html"))[:12]:
            html = page.read_text(encoding="utf-8", errors="replace")
            assert parser.detect(html, "http://127.0.0.1:8080/") <= 0.2, (captured, page.name)


@pytest.mark.parametrize("engine", TEMPLATE_ENGINES)
def test_native_ids_are_unique_per_page(engine: str) -> None:
    for entry in manifest_of(ENGINES / engine)["files"]:
        page = _parse(engine, entry["file"])
        if isinstance(page, ThreadPage):
            ids = [post.native_id for post in page.posts]
        elif isinstance(page, ListingPage):
            ids = [thread.native_id for thread in page.threads]
        else:
            assert isinstance(page, IndexPage)
            ids = [section.native_id for section in page.sections]
        assert ids and all(ids), entry["file"]
        assert not [i for i, n in Counter(ids).items() if n > 1], entry["file"]


@pytest.mark.parametrize(
    ("engine", "name", "post_id"),
    [
        ("smf", "topic-10.html", "103"),
        ("xenforo", "topic-10.html", "103"),
        ("fluxbb", "topic-10.html", "103"),
        ("invision", "topic-10.html", "103"),
        ("paste", "view-a81fce20.html", "a81fce20"),
        ("chat", "gardening-2020-03-16.txt", "gardening/2020-03-16/3"),
    ],
)
def test_bare_urls_in_text_are_links(engine: str, name: str, post_id: str) -> None:
    page = _parse(engine, name)
    assert isinstance(page, ThreadPage)
    post = next(p for p in page.posts if p.native_id == post_id)
    assert any(link.startswith("http") and "example" in link for link in post.links)


@pytest.mark.parametrize(
    ("engine", "tags"),
    [("smf", ("Original",)), ("vbulletin4", ("Original",)), ("xenforo", ("Original",)),
     ("invision", ("Original",)), ("discourse", ("original",))],
)  # fmt: skip
def test_prefixes_are_tags_and_native_ones_leave_the_title(
    engine: str, tags: tuple[str, ...]
) -> None:
    name = "c-gardening.html" if engine == "discourse" else "forum-2.html"
    page = _parse(engine, name)
    assert isinstance(page, ListingPage)
    tomato = next(t for t in page.threads if t.native_id == "10")
    assert tomato.tags == tags
    assert tomato.title.endswith("My tomato planting calendar for 2020")


def test_discourse_html_and_json_give_the_same_posts() -> None:
    html = _parse("discourse", "t-10.html")
    json_page = _parse("discourse", "t-10.json")
    assert isinstance(html, ThreadPage) and isinstance(json_page, ThreadPage)
    assert [p.native_id for p in html.posts] == [p.native_id for p in json_page.posts]
    assert [p.content_hash() for p in html.posts] == [p.content_hash() for p in json_page.posts]
    assert html.posts[1].quotes[0].post_native_id == "10/1"


def test_discourse_json_that_is_broken_is_a_problem_not_an_error() -> None:
    parser = get_parser("discourse")
    page = parser.parse_thread(
        '{"post_stream": {"posts": [1, {"x": 2}]', "http://x/t/1.json", CAPTURED
    )
    assert page.posts == ()
    assert page.problems


def test_privatebin_pages_give_the_paste_id_and_say_the_text_is_encrypted() -> None:
    text = (ENGINES / "paste" / "privatebin.html").read_text(encoding="utf-8")
    url = "http://127.0.0.1:8101/?f468483c313401e8#secretkeyfragment"
    page = get_parser("paste").parse(text, url, CAPTURED)
    assert isinstance(page, ThreadPage)
    assert page.thread.native_id == "f468483c313401e8"
    assert "secretkeyfragment" not in page.thread.url
    assert page.posts == ()
    assert any("encrypted" in problem.message for problem in page.problems)


def test_imageboard_greentext_is_attributed_to_the_reference_before_it() -> None:
    page = _parse("vichan", "topic-g-48218.html")
    assert isinstance(page, ThreadPage)
    last = page.posts[-1]
    assert last.native_id == "g/48248"
    assert [(q.post_native_id, q.text) for q in last.quotes] == [
        ("g/48222", "I always plant out too early")
    ]
    assert ">>48225 nice layout" in last.text
    assert not any("/res/" in link for link in last.links)


def test_path_pagination_lists_every_page() -> None:
    page = _parse("xenforo", "forum-2-p2.html")
    assert isinstance(page, ListingPage)
    assert page.pagination.page_urls == (
        "http://127.0.0.1:8094/forums/gardening.2/",
        "http://127.0.0.1:8094/forums/gardening.2/page-2",
    )
    smf = _parse("smf", "topic-10-p2.html")
    assert isinstance(smf, ThreadPage)
    assert smf.pagination.per_page == 4
    assert [post.position for post in smf.posts] == [5, 6, 7]


def test_chat_logs_skip_system_lines_and_keep_actions() -> None:
    page = _parse("chat", "gardening-2020-03-15.html")
    assert isinstance(page, ThreadPage)
    assert [p.author.handle for p in page.posts if p.author] == [
        "alice_gardener", "erik_tuinier", "bob_striker", "alice_gardener", "ivan_pogoda",
    ]  # fmt: skip
    assert page.posts[0].posted_at == datetime(2020, 3, 15, 9, 2, tzinfo=UTC)  # CET


def test_chat_log_without_a_day_keeps_posts_without_times() -> None:
    page = get_parser("chat").parse_thread(
        "[10:02] <alice> hello\n[10:03] <bob> hi\n[10:04] <carol> morning\n",
        "http://127.0.0.1/logs/gardening/today.txt",
        CAPTURED,
    )
    assert [p.text for p in page.posts] == ["hello", "hi", "morning"]
    assert all(p.posted_at is None for p in page.posts)
    assert len(page.problems) == 3


@pytest.mark.parametrize("engine", TEMPLATE_ENGINES)
@pytest.mark.parametrize(
    "junk", ["", "<html><body><p>hi</p></body></html>", "\x00" * 64, "<" * 5000]
)
def test_junk_is_never_detected_and_never_raises(engine: str, junk: str) -> None:
    parser = get_parser(engine)
    assert parser.detect(junk, "http://127.0.0.1/") == 0.0
    page = parser.parse(junk, "http://127.0.0.1/x", CAPTURED)
    assert page.url == "http://127.0.0.1/x"


def test_builders_and_readmes_are_present() -> None:
    for engine in TEMPLATE_ENGINES:
        readme = (ENGINES / engine / "README.md").read_text(encoding="utf-8")
        assert "not captured" in readme.lower() or "not** captured" in readme.lower()
        assert manifest_of(ENGINES / engine)["set"] == "template-built"
    assert Path(__file__).resolve().parents[1].joinpath("fixtures", "builders", "data.py").is_file()
