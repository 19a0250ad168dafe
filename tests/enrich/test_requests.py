"""Re-upload requests and dead-link complaints, tied to the host or link they are about."""

from __future__ import annotations

import pytest

from forumwatch.enrich.hosts import Family, HostFamilies
from forumwatch.enrich.links import classify_links
from forumwatch.enrich.requests import RequestDetector
from forumwatch.enrich.terms import load_lexicons
from forumwatch.enrich.tokens import TextView


@pytest.fixture(scope="module")
def detector() -> RequestDetector:
    families = HostFamilies(
        [Family("snapcellar.net", ("snapcellar.net", "snapcellar.com"), ("snapcellar",))]
    )
    return RequestDetector(load_lexicons("requests"), families)


def found(detector: RequestDetector, text: str, **kwargs: object) -> list[tuple[str, str, str]]:
    annotations = detector.find(TextView.of(text), **kwargs)  # type: ignore[arg-type]
    return [(a.kind, a.value, a.detail) for a in annotations]


REUP, DEAD = "reupload", "dead_link"
SNAP = "snapcellar.net"
CASES = [
    ("Reup please, the snapcellar.net link is gone.", [(REUP, SNAP), (DEAD, SNAP)]),
    ("Bitte neu hochladen, der snapcellar.net-Link ist weg.", [(REUP, SNAP), (DEAD, SNAP)]),
    (  # named by an alias domain of the family
        "Перезалейте пожалуйста, ссылка на snapcellar.com больше не работает.",
        [(REUP, SNAP), (DEAD, SNAP)],
    ),
    ("¿Alguien lo puede resubir? El archivo de imgpier.net ya no va.", [(REUP, "imgpier.net")]),
    ("Kan iemand het opnieuw uploaden?", [(REUP, "")]),
    ("Link dead, files.example.co.uk says file not found.", [(DEAD, "example.co.uk")]),
    ("All the snapcellar links in this thread are dead now.", [(DEAD, SNAP)]),  # family word
    ("Ссылка на snapcellar.net мертва.", [(DEAD, SNAP)]),
    ("Enlace caído, snapcellar dice que no encuentra el archivo.", [(DEAD, SNAP)]),
    ("De link van snapcellar.net werkt niet meer.", [(DEAD, SNAP)]),
    # fulfilments and ordinary talk are no requests
    ("Re-uploaded to snapcellar.net, enjoy", []),
    ("Neu hochgeladen bei snapcellar.net", []),
    ("Перезалил на snapcellar.net", []),
    ("The referee was dead tired after the match", []),
    ("My tomato plants are dead, the frost got them", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_requests(detector: RequestDetector, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(detector, text) == [("request", kind, host) for kind, host in expected]


def test_a_request_quoting_a_post_is_tied_to_that_posts_links(detector: RequestDetector) -> None:
    quoted = classify_links(["https://i.imgpier.net/abc.jpg"])
    assert found(detector, "Reup please!", quoted_links=quoted) == [
        ("request_link", "reupload", "https://i.imgpier.net/abc.jpg"),
        ("request", "reupload", "imgpier.net"),
    ]


def test_a_named_host_wins_over_the_quoted_link(detector: RequestDetector) -> None:
    quoted = classify_links(["https://i.imgpier.net/abc.jpg"])
    assert found(detector, "The snapcellar link is dead", quoted_links=quoted) == [
        ("request", "dead_link", "snapcellar.net")
    ]


def test_a_complaint_carrying_the_dead_link_is_tied_to_it(detector: RequestDetector) -> None:
    own = classify_links(["https://fotoloft.org/photos/x/y.jpg"])
    assert found(detector, "Link dead:", links=own) == [("request", "dead_link", "fotoloft.org")]
