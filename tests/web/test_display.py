"""Defanging for display: no URL shown by the dashboard reads as a live link."""

from __future__ import annotations

import pytest

from forumwatch.web.display import defang, defang_fragments, defang_host, defang_text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://files.example.net/a/b.jpg", "hxxps://files[.]example[.]net/a/b.jpg"),
        ("http://abc.onion/x", "hxxp://abc[.]onion/x"),
        ("ftp://a.b/c", "fxp://a[.]b/c"),
        ("javascript:alert(1)", "javascript[:]alert(1)"),
        ("JavaScript:window.__xss=1", "javascript[:]window.__xss=1"),
        ("data:text/html,<b>x</b>", "data[:]text/html,<b>x</b>"),
        ("www.example.org/x", "www[.]example[.]org/x"),
    ],
)
def test_defang(url: str, shown: str) -> None:
    assert defang(url) == shown


def test_long_urls_are_cut() -> None:
    assert len(defang("https://a.example/" + "x" * 1000)) == 300


def test_defang_text_and_host() -> None:
    text = "pics at https://files.example.net/a.jpg or JavaScript:alert(1), see www.example.org/x"
    shown = defang_text(text)
    assert "https://" not in shown and "JavaScript:" not in shown
    assert "hxxps://files[.]example[.]net/a.jpg" in shown
    assert "www[.]example[.]org/x" in shown
    assert defang_host("i.imgpier.net") == "i[.]imgpier[.]net"
    assert defang_text("plain words, 1.5/10 and and/or") == "plain words, 1.5/10 and and/or"


def test_a_url_cut_by_a_highlight_is_defanged_whole() -> None:
    pieces = [("see https://files.", False), ("example", True), (".net/a.jpg then ", False)]
    assert defang_fragments(pieces) == [
        ("see ", False),
        ("hxxps://files[.]example[.]net/a.jpg", True),
        (" then ", False),
    ]
    assert defang_fragments([("no ", False), ("links", True)]) == [("no ", False), ("links", True)]
