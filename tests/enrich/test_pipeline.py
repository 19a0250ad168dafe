"""The whole chain on one post, a page, and a workspace's own data files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from forumwatch.enrich import Enricher
from forumwatch.enrich.pipeline import EnrichmentFiles
from forumwatch.models import Author, Post, Quote, Thread, ThreadPage

T = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher()


def post(
    native_id: str, text: str, links: tuple[str, ...] = (), quotes: tuple[Quote, ...] = ()
) -> Post:
    return Post(native_id, "10", Author("alice_gardener"), T, text, links=links, quotes=quotes)


def test_one_post_through_the_chain(enricher: Enricher) -> None:
    result = enricher.enrich(
        post(
            "1",
            "Day 12 of quarantine in Lisbon. Photos: hxxps://snapcellar[.]net/i/a/garden.jpg\n"
            "Even 0.003 BTC helps: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        )
    )
    assert [link.normalised_url for link in result.links] == [
        "https://snapcellar.net/i/a/garden.jpg"
    ]
    assert result.language == "en"
    found = {(a.kind, a.value, a.detail) for a in result.annotations}
    assert found == {
        ("term", "covid", "quarantine*"),
        ("place", "PT/Lisbon", "Lisbon"),
        ("amount", "BTC", "0.003 BTC"),
        ("crypto", "BTC", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    }


def test_words_inside_urls_are_not_terms_or_places(enricher: Enricher) -> None:
    result = enricher.enrich(post("1", "see https://example.net/lockdown_in_Lisbon.jpg"))
    assert result.annotations == ()
    assert len(result.links) == 1


def test_a_page_ties_a_request_to_the_quoted_posts_links(enricher: Enricher) -> None:
    url = "https://fotoloft.org/photos/abc/harbour.jpg"
    page = ThreadPage(
        "http://127.0.0.1:9/t",
        Thread("10", "Photos", "http://127.0.0.1:9/t"),
        posts=(
            post("1", "Harbour photos", links=(url,)),
            post("2", "Reup please!", quotes=(Quote(1, "alice_gardener", "Harbour photos", "1"),)),
        ),
    )
    result = enricher.enrich_page(page)
    found = {(a.kind, a.value, a.detail) for a in result["2"].annotations}
    assert ("request", "reupload", "fotoloft.org") in found
    assert ("request_link", "reupload", url) in found


def test_workspace_files_change_what_is_found(tmp_path: Path) -> None:
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "football.toml").write_text('words = ["offside"]\n', "utf-8")
    (tmp_path / "hosts.toml").write_text(
        '[[family]]\nname = "quayfiles.io"\nnames = ["quay"]\n', "utf-8"
    )
    enricher = Enricher(EnrichmentFiles.in_folder(tmp_path), places=False)
    result = enricher.enrich(post("1", "Offside again! The quay link is dead."))
    found = {(a.kind, a.value, a.detail) for a in result.annotations}
    assert found == {("term", "football", "offside"), ("request", "dead_link", "quayfiles.io")}
