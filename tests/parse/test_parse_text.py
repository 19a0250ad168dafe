"""Text and URL helpers: bare URLs, URL resolution and canonical crawl links, titles, counts."""

from __future__ import annotations

import pytest

from forumwatch.parse.text import (
    absolute_url,
    canonical_url,
    collapse_whitespace,
    find_bare_urls,
    first_int,
    query_param,
    set_query_param,
    title_tags,
)

ONION = "ujzdegxdncf32epf3dhodzdocis2jhtlgmxgedn73u55xtplpft7v4sd.onion"


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        (
            "see https://files.example-host.net/a1/x.jpg.",
            ["https://files.example-host.net/a1/x.jpg"],
        ),
        ("(https://example.org/a_(b))", ["https://example.org/a_(b)"]),
        ("hxxps://bad.example[.]com/f.zip", ["https://bad.example.com/f.zip"]),
        (f"mirror: {ONION}/file/7.mp4, thanks", [f"http://{ONION}/file/7.mp4"]),
        (f"http://{ONION}/a and {ONION}", [f"http://{ONION}/a", f"http://{ONION}"]),
        (
            "copy this: files.example-host.net/b7/final_2019_half2.mkv",
            ["http://files.example-host.net/b7/final_2019_half2.mkv"],
        ),
        ("a/b and/or 1.5/2 e.g./i.e. version 3.11/3.12", []),
        ("calendar.xlsx and photo.jpg/ and trip2019.rar", []),
        ("no urls here", []),
        (f"upper case: {ONION.upper()}/A", [f"http://{ONION.upper()}/A"]),
        ("port and path: Files.Example-Host.NET:8080/x", ["http://Files.Example-Host.NET:8080/x"]),
        ("a sentence. another one, 12/03 and/or 3/4.", []),
        ("ftp://x.example/y", []),
    ],
)
def test_find_bare_urls(text: str, urls: list[str]) -> None:
    assert find_bare_urls(text) == urls


def test_absolute_url() -> None:
    base = "http://127.0.0.1:8081/viewtopic.php?t=4"
    assert (
        absolute_url("./memberlist.php?u=58", base) == "http://127.0.0.1:8081/memberlist.php?u=58"
    )
    assert absolute_url("https://go.dev", base) == "https://go.dev"
    assert absolute_url(" https://go.dev\n", base) == "https://go.dev"
    assert absolute_url("#p11", base) is None
    assert absolute_url("javascript:alert(1)", base) is None
    assert absolute_url("JavaScript:alert(1)", base) is None
    assert absolute_url("data:text/html,x", base) is None
    assert absolute_url("http://[::1", base) is None
    assert absolute_url("", base) is None
    assert absolute_url(None, base) is None


def test_canonical_url_drops_session_ids_and_fragments() -> None:
    url = "http://h/viewtopic.php?p=11&sid=e24dc62ac7bde5197cb46451910c9a5c#p11"
    assert canonical_url(url) == "http://h/viewtopic.php?p=11"
    assert (
        canonical_url("http://h/viewforum.php?sid=x&f=6&start=8")
        == "http://h/viewforum.php?f=6&start=8"
    )
    assert (
        canonical_url("http://h/viewforum.php?f=6&start=8", ("sid", "start"))
        == "http://h/viewforum.php?f=6"
    )
    assert canonical_url("http://h/search.php?fid%5B%5D=6") == "http://h/search.php?fid%5B%5D=6"


def test_query_params() -> None:
    assert query_param("http://h/v.php?t=3&start=20", "start") == "20"
    assert query_param("http://h/v.php?t=3", "start") is None
    assert (
        set_query_param("http://h/v.php?t=3&start=20", "start", "10")
        == "http://h/v.php?t=3&start=10"
    )
    assert set_query_param("http://h/v.php?t=3&start=20", "start", None) == "http://h/v.php?t=3"


def test_title_tags() -> None:
    assert title_tags("[Original] My tomato planting calendar for 2020") == ("Original",)
    assert title_tags("[Request][HD] [ 2019 ] final") == ("Request", "HD", "2019")
    assert title_tags("Compost diary [2020]") == ()
    assert title_tags("【Original】 x") == ("Original",)
    assert title_tags("[unclosed x") == ()


def test_first_int_and_whitespace() -> None:
    assert first_int("12 Topics") == 12
    assert first_int("1,234 posts") == 1234
    assert first_int("Страница 3 из 7") == 3
    assert first_int("none") is None
    assert first_int("9" * 40) is None
    assert collapse_whitespace(" a\n\t b  c ") == "a b c"
