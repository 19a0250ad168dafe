"""Host families: aliases and dated merges, from the shipped file and a workspace's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.tokens import TextView
from forumwatch.errors import ConfigError

WORKSPACE_HOSTS = """
[[family]]
name = "quayfiles.io"
hosts = ["quayfiles.io", "quayfiles.net"]
names = ["quay"]

[[family.merge]]
hosts = ["kistupload.cc", "moleshare.is"]
date = 2020-04-20
note = "both redirect to quayfiles.io"

[[family]]
name = "imgur.com"
hosts = ["imgur.com"]
"""


@pytest.fixture
def families(tmp_path: Path) -> HostFamilies:
    path = tmp_path / "hosts.toml"
    path.write_text(WORKSPACE_HOSTS, "utf-8")
    return HostFamilies.load(path)


def test_every_host_rolls_up_to_its_family(families: HostFamilies) -> None:
    assert families.family_of("quayfiles.net") == "quayfiles.io"
    assert families.family_of("cdn2.kistupload.cc") == "quayfiles.io"  # a merged host's subdomain
    assert families.family_of("moleshare.is") == "quayfiles.io"
    assert families.family_of("dl.dropboxusercontent.com") == "dropbox.com"  # shipped family
    assert families.family_of("i.imgpier.net") == "imgpier.net"  # no family: its domain
    assert families.family_of("files.example.co.uk") == "example.co.uk"


def test_a_workspace_family_replaces_a_shipped_one(families: HostFamilies) -> None:
    assert families.families["imgur.com"].names == ()  # the shipped one had names
    assert families.family_of("imgur.io") == "imgur.io"  # no longer an alias


def test_merges_are_dated_and_counts_roll_up(families: HostFamilies) -> None:
    [merge] = families.merges()
    assert (merge.family, merge.hosts, merge.date) == (
        "quayfiles.io",
        ("kistupload.cc", "moleshare.is"),
        date(2020, 4, 20),
    )
    per_host = {"kistupload.cc": 3, "moleshare.is": 4, "quayfiles.io": 1, "imgpier.net": 2}
    assert families.roll_up(per_host) == {"quayfiles.io": 8, "imgpier.net": 2}


def test_hosts_named_in_prose(families: HostFamilies) -> None:
    view = TextView.of("The quay link and the moleshare.is one, also i.imgpier.net-Link")
    assert families.named_in(view) == ["quayfiles.io", "imgpier.net"]
    assert families.named_in(TextView.of("version 1.5 of config. Nothing")) == []


@pytest.mark.parametrize(
    "text",
    ["[[family]]\nhosts = ['a.net']\n", "[[family]]\nname = 'x'\nhosts = 'a.net'\n", "[[family"],
)
def test_bad_host_files_are_config_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hosts.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError):
        HostFamilies.load(path)
