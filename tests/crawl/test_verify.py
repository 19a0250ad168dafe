"""`verify`: every archived response re-hashed against the store; tampering is reported."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from forumwatch.crawl.verify import verify_archive
from forumwatch.crawl.warc import COMPRESSION_LEVEL, WarcArchive
from forumwatch.models import Fetch, PageKind, Site
from forumwatch.store import Store
from tests.conftest import T0

PAGE = b"<html><body><p>Frost expected tonight, cover the seedlings.</p></body></html>"


def archive_page(store: Store, site: Site, folder: Path, url: str, body: bytes) -> None:
    archive = WarcArchive(folder, prefix="verify")
    record = archive.write(url, T0, "GET", [], 200, "OK", [("Content-Type", "text/html")], body)
    archive.close()
    assert site.id is not None
    store.record_fetch(
        site.id,
        Fetch(
            site.name,
            url,
            T0,
            T0,
            PageKind.THREAD,
            200,
            None,
            "text/html",
            len(body),
            record.sha256,
            record.warc_file,
            record.offset,
            record.length,
        ),
    )


def test_untouched_archive_verifies(store: Store, site: Site, tmp_path: Path) -> None:
    for number in range(3):
        archive_page(
            store, site, tmp_path, f"http://127.0.0.1:9/t{number}", PAGE + bytes([48 + number])
        )
    report = verify_archive(store, tmp_path)
    assert report.checked == 3 and report.ok


def gzip_members(data: bytes) -> list[bytes]:
    """Split a WARC.gz into its records: each record is one gzip member."""
    members = []
    while data:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append(decompressor.decompress(data))
        data = decompressor.unused_data
    return members


def recompress(member: bytes) -> bytes:
    compressor = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(member) + compressor.flush()


def test_recompressing_unchanged_records_reproduces_the_file(
    store: Store, site: Site, tmp_path: Path
) -> None:
    archive_page(store, site, tmp_path, "http://127.0.0.1:9/t1", PAGE)
    [warc] = list(tmp_path.glob("*.warc.gz"))
    assert b"".join(recompress(m) for m in gzip_members(warc.read_bytes())) == warc.read_bytes()


def test_a_changed_byte_in_the_archive_is_reported(
    store: Store, site: Site, tmp_path: Path
) -> None:
    archive_page(store, site, tmp_path, "http://127.0.0.1:9/t1", PAGE)
    [warc] = list(tmp_path.glob("*.warc.gz"))
    members = gzip_members(warc.read_bytes())
    assert any(b"seedlings" in member for member in members)
    # Recompressed as the archive writes them, earlier records keep their bytes, so the
    # response record stays at the offset the store points to.
    warc.write_bytes(b"".join(recompress(m.replace(b"seedlings", b"seedlingz")) for m in members))
    report = verify_archive(store, tmp_path)
    assert not report.ok
    assert "SHA-256" in report.mismatches[0].reason


def test_a_missing_archive_file_is_reported(store: Store, site: Site, tmp_path: Path) -> None:
    archive_page(store, site, tmp_path, "http://127.0.0.1:9/t1", PAGE)
    for warc in tmp_path.glob("*.warc.gz"):
        warc.unlink()
    report = verify_archive(store, tmp_path)
    assert len(report.mismatches) == 1


def test_another_tools_sha1_archive_with_encoded_payload_verifies(
    store: Store, site: Site, tmp_path: Path
) -> None:
    encoded = gzip.compress(PAGE)
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)  # warcio's defaults: SHA-1 digests
    headers = StatusAndHeaders(
        "200 OK",
        [
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(encoded))),
        ],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        "http://127.0.0.1:9/old",
        "response",
        payload=BytesIO(encoded),
        length=len(encoded),
        http_headers=headers,
    )
    writer.write_record(record)
    (tmp_path / "other-tool.warc.gz").write_bytes(buffer.getvalue())
    assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert site.id is not None
    store.record_fetch(
        site.id,
        Fetch(
            site.name,
            "http://127.0.0.1:9/old",
            T0,
            T0,
            PageKind.THREAD,
            200,
            None,
            "text/html",
            len(PAGE),
            hashlib.sha256(PAGE).hexdigest(),
            "other-tool.warc.gz",
            0,
        ),
    )
    report = verify_archive(store, tmp_path)
    assert report.checked == 1 and report.ok, report.mismatches
