"""The archive: records read back byte for byte, digests match, credentials never written."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from forumwatch.crawl.warc import WarcArchive, iter_responses, read_response, sha256_label
from tests.conftest import T0

BODY = b"<html><body><p>Weather in Utrecht: rain again</p></body></html>"


def write_one(folder: Path, body: bytes = BODY) -> tuple[WarcArchive, object]:
    archive = WarcArchive(folder, prefix="test")
    record = archive.write(
        url="http://127.0.0.1:9/viewtopic.php?t=1",
        captured_at=T0,
        method="GET",
        request_headers=[
            ("User-Agent", "ua"),
            ("Cookie", "phpbb3_sid=SECRET1"),
            ("Authorization", "Basic SECRET2"),
        ],
        status=200,
        reason="OK",
        response_headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", "phpbb3_sid=SECRET3"),
            ("Content-Encoding", "gzip"),
        ],
        body=body,
    )
    return archive, record


def test_record_reads_back_with_matching_digest(tmp_path: Path) -> None:
    archive, record = write_one(tmp_path)
    archive.close()
    stored = read_response(tmp_path, record.warc_file, record.offset)  # type: ignore[attr-defined]
    assert stored.body == BODY
    assert hashlib.sha256(stored.body).hexdigest() == record.sha256  # type: ignore[attr-defined]
    assert stored.payload_digest == sha256_label(record.sha256)  # type: ignore[attr-defined]
    assert stored.status == 200
    assert stored.date.startswith("2020-03-01T12:00:00")


def test_credentials_never_reach_the_archive(tmp_path: Path) -> None:
    archive, record = write_one(tmp_path)
    archive.close()
    raw = gzip.decompress((tmp_path / record.warc_file).read_bytes())  # type: ignore[attr-defined]
    assert b"SECRET" not in raw
    assert b"WARC-Type: request" in raw and b"WARC-Type: response" in raw


def test_several_records_each_readable_from_their_offset(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="test")
    records = []
    for number in range(5):
        body = f"<html>page {number}</html>".encode()
        records.append(
            (
                body,
                archive.write(
                    f"http://127.0.0.1:9/p{number}",
                    T0,
                    "GET",
                    [],
                    200,
                    "OK",
                    [("Content-Type", "text/html")],
                    body,
                ),
            )
        )
    archive.close()
    for body, record in records:
        assert read_response(tmp_path, record.warc_file, record.offset).body == body
    listed = list(iter_responses(tmp_path / records[0][1].warc_file))
    assert [r.body for _, r in listed] == [b for b, _ in records]
    assert [offset for offset, _ in listed] == [r.offset for _, r in records]


def test_new_file_after_size_limit(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="test", max_bytes=200)
    first = archive.write("http://127.0.0.1:9/a", T0, "GET", [], 200, "OK", [], b"<html>a</html>")
    second = archive.write("http://127.0.0.1:9/b", T0, "GET", [], 200, "OK", [], b"<html>b</html>")
    archive.close()
    assert first.warc_file != second.warc_file


def test_warcio_checks_every_digest_of_every_record(tmp_path: Path) -> None:
    """warcio's own checker (``warcio check``) passes block and payload digests of each record,
    including headers that are not ASCII (percent-encoded as warcio writes them)."""
    from warcio.archiveiterator import ArchiveIterator

    archive, record = write_one(tmp_path)
    archive.write(
        "http://127.0.0.1:9/viewtopic.php?t=2",
        T0,
        "GET",
        [("User-Agent", "ua")],
        200,
        "OK",
        [("Content-Type", "text/html"), ("X-Note", "caf\u00e9")],
        BODY,
    )
    archive.close()
    seen: list[tuple[str, bool | None]] = []
    with (tmp_path / record.warc_file).open("rb") as stream:  # type: ignore[attr-defined]
        iterator = ArchiveIterator(stream, check_digests=True)
        for stored in iterator:
            stored.content_stream().read()
            seen.append((stored.rec_type, stored.digest_checker.passed))
            if stored.rec_type == "response":
                assert stored.rec_headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert seen == [
        ("warcinfo", True),
        ("response", True),
        ("request", True),
        ("response", True),
        ("request", True),
    ]
