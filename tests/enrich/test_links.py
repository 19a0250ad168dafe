"""Links: normalisation, defanging, bare URLs, registrable domains, onion names."""

from __future__ import annotations

import base64
import hashlib

import pytest

from forumwatch.enrich.domains import onion_version, registrable_domain
from forumwatch.enrich.links import classify_url, extract_links
from forumwatch.models import MediaClass, Network


def v3_onion(seed: bytes, corrupt: bool = False) -> str:
    """A checksum-valid (or deliberately broken) v3 onion host name."""
    key = hashlib.sha256(seed).digest()
    checksum = hashlib.sha3_256(b".onion checksum" + key + b"\x03").digest()[:2]
    if corrupt:
        checksum = bytes([checksum[0] ^ 1, checksum[1]])
    return base64.b32encode(key + checksum + b"\x03").decode().lower() + ".onion"


# (text as posted, normalised URLs found) - each line defeats a naive regex or urlsplit
TEXT_CASES = [
    ("see hxxps://files[.]example[.]net/a/plan.jpg now", ["https://files.example.net/a/plan.jpg"]),
    ("hXXp://example(dot)org/b.zip", ["http://example.org/b.zip"]),
    ("https[:]//example[.]com/c.png", ["https://example.com/c.png"]),
    ("mirror: files . example . net/x.png", ["http://files.example.net/x.png"]),
    ("example dot com/path but the dot matrix", ["http://example.com/path"]),
    ("example Dot com/path and http ://example.org/a.png", ["http://example.com/path", "http://example.org/a.png"]),
    ("(see https://en.wikipedia.org/wiki/Tomato_(plant)) ok", ["https://en.wikipedia.org/wiki/Tomato_(plant)"]),
    ("at www.example.com/garden. Then", ["http://www.example.com/garden"]),
    ("bare example.co.uk/seeds/list.pdf, thanks!", ["http://example.co.uk/seeds/list.pdf"]),
    ("and/or 1.5/10 rating, e.g./x", []),
    ("It was fine. photos/videos tomorrow", []),
    ("the example.net host is slow", []),  # a host named, not a link
    ("https://example.net/i/abcdef/holid ... y_230.jpg", []),  # a shortened label
    ("bücher.de/katalog/x.pdf", ["http://xn--bcher-kva.de/katalog/x.pdf"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_urls_in_text(text: str, expected: list[str]) -> None:
    links, _prose = extract_links((), text)
    assert [link.normalised_url for link in links] == expected


# (URL, normalised)
NORMALISATION_CASES = [
    ("HTTPS://Files.Example.NET:443/A.JPG#frag", "https://files.example.net/A.JPG"),
    ("http://example.net:80", "http://example.net/"),
    ("http://example.net:8080/x", "http://example.net:8080/x"),
    ("https://example.net/a?utm_source=x&id=3&fbclid=abc", "https://example.net/a?id=3"),
    ("https://example.net/a?utm_medium=y", "https://example.net/a"),
    ("https://user:pw@example.net/a", "https://example.net/a"),
    ("https://Bücher.DE/x", "https://xn--bcher-kva.de/x"),
    ("https://пример.рф/файл.jpg", "https://xn--e1afmkfd.xn--p1ai/файл.jpg"),
    ("hxxps://example[.]net/defanged.png", "https://example.net/defanged.png"),
    ("https://example.net./trailing-dot", "https://example.net/trailing-dot"),
]


@pytest.mark.parametrize(("url", "normalised"), NORMALISATION_CASES)
def test_normalisation(url: str, normalised: str) -> None:
    link = classify_url(url)
    assert link is not None
    assert link.normalised_url == normalised
    assert link.url == url


@pytest.mark.parametrize(
    "url",
    ["mailto:someone@example.net", "javascript:alert(1)", "http://", "not a url", "http://a..b/"],
)
def test_unusable_urls_are_skipped(url: str) -> None:
    assert classify_url(url) is None


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("files.example.co.uk", "example.co.uk"),  # a naive "last two labels" says co.uk
        ("a.b.example.com.tr", "example.com.tr"),
        ("192.168.0.1", "192.168.0.1"),
        ("localhost", "localhost"),
        ("xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
        ("cdn.abcdefghijklmnop.onion", "abcdefghijklmnop.onion"),
    ],
)
def test_registrable_domain_offline(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_onion_names_are_validated() -> None:
    valid = v3_onion(b"garden")
    broken = v3_onion(b"garden", corrupt=True)
    assert onion_version(valid) == 3
    assert onion_version(broken) == 0
    assert onion_version("abcdefghijklmnop.onion") == 2  # legacy v2
    assert onion_version("short.onion") == 0
    assert onion_version("example.net") is None
    link = classify_url(f"http://{valid}/img/a.jpg")
    assert link is not None and link.network == Network.ONION and link.onion_version == 3


def test_classification_of_networks_and_files() -> None:
    i2p = classify_url("http://forum.i2p/list.txt")
    assert i2p is not None and i2p.network == Network.I2P
    image = classify_url("https://img.example.net/a/b/Holiday%20Photo.JPG?size=2")
    assert image is not None
    assert (image.extension, image.media_class, image.file_name) == (
        "jpg",
        MediaClass.IMAGE,
        "Holiday Photo.JPG",
    )
    archive = classify_url("https://example.net/d/album.7z")
    assert archive is not None and archive.media_class == MediaClass.ARCHIVE
    page = classify_url("https://example.net/")
    assert page is not None and page.media_class == MediaClass.PAGE


def test_href_and_text_copy_of_one_url_count_once_and_urls_leave_the_prose() -> None:
    text = "Here: https://example.net/a.jpg and hxxps://example[.]net/b.jpg"
    links, prose = extract_links(("https://example.net/a.jpg#top",), text)
    assert [link.normalised_url for link in links] == [
        "https://example.net/a.jpg",
        "https://example.net/b.jpg",
    ]
    assert "example" not in prose and prose.startswith("Here:")


@pytest.mark.parametrize("ellipsis", [" ... ", " … ", "... "])
def test_a_shortened_label_leaves_the_prose_whole_when_its_end_is_the_links(ellipsis: str) -> None:
    href = "https://fotoloft.org/photos/4flmsj1b/recipe_scans_274.jpg"
    text = f"As promised: https://fotoloft.org/photos/4flmsj1b/re{ellipsis}ns_274.jpg, enjoy"
    links, prose = extract_links((href,), text)
    assert [link.normalised_url for link in links] == [href]
    assert prose.split() == ["As", "promised:", ",", "enjoy"]


def test_words_after_a_shortened_label_stay_prose() -> None:
    href = "https://fotoloft.org/photos/4flmsj1b/recipe_scans_274.jpg"
    # the ellipsis ends the label, but what follows is not the end of the post's link
    _links, prose = extract_links((href,), "see https://fotoloft.org/photos/4f ... and enjoy")
    assert prose.split()[-2:] == ["and", "enjoy"]
    # without the href, a label's end cannot be told from prose: it stays
    _links, prose = extract_links((), "see https://fotoloft.org/photos/4f ... ns_274.jpg")
    assert prose.split()[-1] == "ns_274.jpg"
