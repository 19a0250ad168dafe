"""Pseudonyms: stable within a workspace, keyed (not guessable), redaction on request."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from forumwatch.privacy import REDACTED, Pseudonymiser, Revealer, load_or_create_key


def test_pseudonyms_are_stable_per_key_and_differ_between_keys(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    assert load_or_create_key(tmp_path) == key
    first = Pseudonymiser(key).handle("green_fox")
    assert first == Pseudonymiser(key).handle("green_fox")
    assert first.startswith("member-") and "green_fox" not in first
    assert Pseudonymiser(load_or_create_key(tmp_path / "other")).handle("green_fox") != first
    assert Pseudonymiser(key).handle("green_fox2") != first


def test_the_key_file_is_private(tmp_path: Path) -> None:
    load_or_create_key(tmp_path)
    mode = (tmp_path / "secret.key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_pseudonym_is_not_an_unkeyed_hash_of_the_handle(tmp_path: Path) -> None:
    pseudonym = Pseudonymiser(load_or_create_key(tmp_path)).handle("green_fox")
    unkeyed = hashlib.sha256(b"green_fox").hexdigest()
    assert pseudonym.removeprefix("member-") not in unkeyed


def test_handles_inside_text_are_replaced_as_whole_words(tmp_path: Path) -> None:
    names = Pseudonymiser(load_or_create_key(tmp_path))
    text = "green_fox wrote: thanks @Green_Fox, ask green_foxes or bob about tomatoes"
    result = names.text(text, ["green_fox", "bob"])
    assert "green_fox " not in result and "@Green_Fox" not in result
    assert "green_foxes" in result  # a longer word is not the handle
    assert names.handle("bob") in result


def test_redaction_and_reveal() -> None:
    assert Pseudonymiser(b"k" * 16, redact=True).handle("green_fox") == REDACTED
    assert Revealer().handle("green_fox") == "green_fox"
