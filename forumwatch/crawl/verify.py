"""Verification: re-hash every archived response and compare it with the store.

This is what lets an analyst show, months later, that a post in a report was parsed from a
response whose bytes are unchanged since capture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from forumwatch.crawl.warc import digest_matches, read_raw_payload, read_response, sha256_label
from forumwatch.errors import ArchiveError
from forumwatch.store.base import Store


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One fetch whose archived record does not match what the store says."""

    fetch_id: int
    url: str
    warc_file: str
    offset: int
    reason: str


@dataclass
class VerifyReport:
    """The outcome of a verification run."""

    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every archived response matched."""
        return not self.mismatches


def verify_archive(
    store: Store, warc_dir: Path, on_checked: Callable[[int], None] | None = None
) -> VerifyReport:
    """Re-hash every archived response the store points to; report every mismatch."""
    report = VerifyReport()
    for fetch in store.archived_fetches():
        report.checked += 1
        try:
            record = read_response(warc_dir, fetch.warc_file, fetch.warc_offset)
        except ArchiveError as error:
            report.mismatches.append(
                Mismatch(fetch.id, fetch.url, fetch.warc_file, fetch.warc_offset, str(error))
            )
            continue
        digest = hashlib.sha256(record.body).hexdigest()
        reason = None
        if digest != fetch.sha256:
            reason = f"payload SHA-256 {digest} differs from the stored {fetch.sha256}"
        elif record.payload_digest and record.payload_digest != sha256_label(fetch.sha256):
            # Another tool's archive (import): its digest may be SHA-1 and cover the payload
            # as stored, before content decoding. Check it on those bytes, by its algorithm.
            raw = read_raw_payload(warc_dir, fetch.warc_file, fetch.warc_offset)
            if digest_matches(record.payload_digest, raw) is False:
                reason = f"WARC-Payload-Digest {record.payload_digest} does not match the payload"
        if reason is None and record.url != fetch.url:
            reason = f"record is for {record.url}, the store says {fetch.url}"
        if reason is not None:
            report.mismatches.append(
                Mismatch(fetch.id, fetch.url, fetch.warc_file, fetch.warc_offset, reason)
            )
        if on_checked is not None:
            on_checked(report.checked)
    return report
