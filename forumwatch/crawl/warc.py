"""The archive: every fetched page as a WARC request + response record pair.

Records are gzip members, so each one can be read back from its offset alone. Digests are
SHA-256 (``WARC-Payload-Digest: sha256:<base32>``); the store keeps the same digest in hex
with the file name, offset and length of the response record, which is what
``forumwatch verify`` checks. Each process writes its own files and never appends to an
existing one, so a killed crawl leaves at worst one truncated last record behind.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from forumwatch import __version__
from forumwatch.errors import ArchiveError

# Headers that would let a reader of the archive log in as us: never written.
SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization", "set-cookie"})
# The archived body is the decoded one, so these would describe bytes that are not there.
ENCODING_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


# warcio compresses at level 9, which cost more CPU than parsing in a crawl; level 6 makes
# files ~3% larger at a third of the cost (the `warc_compression_level` setting). Each record
# is still its own gzip member.
COMPRESSION_LEVEL = 6
WARC_VERSION = "WARC/1.1"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _http_block(first_line: str, headers: Sequence[tuple[str, str]]) -> bytes:
    """The HTTP status line and headers of a record, as warcio would write them.

    Headers are ASCII on the wire; a value that is not (a hostile or broken server) is
    percent-encoded per RFC 8187 by warcio's own rules, so readers see what they always saw.
    """
    text = first_line + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    try:
        return text.encode("ascii") + b"\r\n"
    except UnicodeEncodeError:
        protocol, _, status = first_line.partition(" ")
        block: bytes = StatusAndHeaders(status, list(headers), protocol=protocol).to_ascii_bytes()
        return block


def _record_header(
    record_type: str,
    record_id: str,
    fields: Sequence[tuple[str, str]],
    block_digest: str,
    length: int,
) -> bytes:
    """The WARC header block of one record (UTF-8, as WARC 1.1 allows)."""
    lines = [
        WARC_VERSION,
        f"WARC-Type: {record_type}",
        f"WARC-Record-ID: {record_id}",
        *(f"{name}: {value}" for name, value in fields),
        f"WARC-Block-Digest: {block_digest}",
    ]
    if record_type == "warcinfo":
        lines.append("Content-Type: application/warc-fields")
    else:
        lines.append(f"Content-Type: application/http; msgtype={record_type}")
    lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _gzip_member(parts: Sequence[bytes], level: int = COMPRESSION_LEVEL) -> bytes:
    """One record as its own gzip member (so it can be read from its offset alone)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    out = [compressor.compress(part) for part in parts]
    out.append(compressor.compress(b"\r\n\r\n"))
    out.append(compressor.flush())
    return b"".join(out)


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """Where a response record was written, and the SHA-256 (hex) of its payload."""

    warc_file: str
    offset: int
    length: int
    sha256: str


def sha256_label(hex_digest: str) -> str:
    """The WARC digest label for a hex SHA-256 (``sha256:<base32>``)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcArchive:
    """Writes WARC files into ``folder``, starting a new file past ``max_bytes``.

    Records are written directly (no generic record builder): a crawl archives every page it
    fetches, and warcio's machinery cost as much CPU per page as compressing it. warcio still
    reads them back (:func:`read_response`), digests included.

    Args:
        folder: where the files go (created if missing).
        prefix: file name prefix, usually the workspace or worker name.
        max_bytes: size after which the next record goes to a new file.
    """

    def __init__(
        self,
        folder: Path,
        prefix: str = "forumwatch",
        max_bytes: int = 1_000_000_000,
        compression_level: int = COMPRESSION_LEVEL,
    ):
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.compression_level = compression_level
        self._file: IO[bytes] | None = None
        self._name = ""
        self._position = 0
        self._serial = 0
        self._token = secrets.token_hex(3)

    def _open(self, when: datetime) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = f"{when:%Y%m%d%H%M%S}-{os.getpid()}-{self._token}-{self._serial:05d}"
        self._name = f"{self.prefix}-{stamp}.warc.gz"
        self._file = (self.folder / self._name).open("xb")
        self._position = 0
        fields = f"software: forumwatch/{__version__}\r\nformat: WARC File Format 1.1\r\n".encode()
        header = _record_header(
            "warcinfo",
            _record_id(),
            (("WARC-Filename", self._name), ("WARC-Date", _warc_date(when))),
            sha256_label(hashlib.sha256(fields).hexdigest()),
            len(fields),
        )
        self._append(_gzip_member((header, fields), self.compression_level))

    def write(
        self,
        url: str,
        captured_at: datetime,
        method: str,
        request_headers: Sequence[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> ArchivedResponse:
        """Append a response record and its request record; return the response's location.

        Credentials (cookies, authorization headers) are left out of both records.
        """
        if self._file is None or self._position >= self.max_bytes:
            self.close()
            self._open(captured_at)
        assert self._file is not None
        date = _warc_date(captured_at)
        sha256 = hashlib.sha256(body).hexdigest()
        kept = [
            (k, v)
            for k, v in response_headers
            if k.lower() not in SECRET_HEADERS and k.lower() not in ENCODING_HEADERS
        ]
        kept.append(("Content-Length", str(len(body))))
        http_block = _http_block(f"HTTP/1.1 {status} {reason}".strip(), kept)
        block_digest = hashlib.sha256(http_block)
        block_digest.update(body)
        response_id = _record_id()
        response_header = _record_header(
            "response",
            response_id,
            (
                ("WARC-Target-URI", url),
                ("WARC-Date", date),
                ("WARC-Payload-Digest", sha256_label(sha256)),
            ),
            sha256_label(block_digest.hexdigest()),
            len(http_block) + len(body),
        )
        response = _gzip_member((response_header, http_block, body), self.compression_level)
        request_block = _http_block(
            f"{method} {_path_of(url)} HTTP/1.1",
            [(k, v) for k, v in request_headers if k.lower() not in SECRET_HEADERS],
        )
        request_header = _record_header(
            "request",
            _record_id(),
            (
                ("WARC-Target-URI", url),
                ("WARC-Date", date),
                ("WARC-Concurrent-To", response_id),
                ("WARC-Payload-Digest", sha256_label(_EMPTY_SHA256)),
            ),
            sha256_label(hashlib.sha256(request_block).hexdigest()),
            len(request_block),
        )
        request = _gzip_member((request_header, request_block), self.compression_level)
        offset = self._position
        # One write, flushed to the OS at once: a killed process loses nothing that the store
        # points to, and leaves at worst a truncated last member.
        self._append(response + request)
        return ArchivedResponse(self._name, offset, len(response), sha256)

    def _append(self, data: bytes) -> None:
        assert self._file is not None
        self._file.write(data)
        self._file.flush()
        self._position += len(data)

    def close(self) -> None:
        """Flush and close the current file, if any."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A response record read back from the archive."""

    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    payload_digest: str | None


def read_response(folder: Path, warc_file: str, offset: int) -> StoredRecord:
    """Read the response record at ``offset`` of ``warc_file``.

    Raises:
        ArchiveError: the file is missing, or no response record starts at that offset.
    """
    path = folder / warc_file
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    break
                body = record.content_stream().read()
                return StoredRecord(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    date=record.rec_headers.get_header("WARC-Date"),
                    status=int(record.http_headers.get_statuscode()),
                    headers=list(record.http_headers.headers),
                    body=body,
                    payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                )
    except OSError as error:
        raise ArchiveError(f"{path}: {error}") from error
    except Exception as error:
        raise ArchiveError(f"{path} at {offset}: unreadable record ({error})") from error
    raise ArchiveError(f"{path} at {offset}: no response record")


def read_raw_payload(folder: Path, warc_file: str, offset: int) -> bytes:
    """The response record's HTTP payload at ``offset`` exactly as stored (still encoded).

    ``WARC-Payload-Digest`` is computed over these bytes, which differ from the decoded body
    when the response was stored with a content or transfer encoding (other tools' archives).
    """
    path = folder / warc_file
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream, no_record_parse=False):
                data: bytes = record.raw_stream.read()
                return data
    except OSError as error:
        raise ArchiveError(f"{path}: {error}") from error
    except Exception as error:
        raise ArchiveError(f"{path} at {offset}: unreadable record ({error})") from error
    raise ArchiveError(f"{path} at {offset}: no record")


def digest_matches(label: str, payload: bytes) -> bool | None:
    """Check a WARC digest label (``sha256:BASE32``, ``sha1:BASE32`` or hex) against bytes.

    Returns None for an algorithm this check does not know.
    """
    algorithm, _, value = label.partition(":")
    try:
        digest = hashlib.new(algorithm.lower().replace("-", ""), payload).digest()
    except ValueError:
        return None
    value = value.strip()
    return (
        value.upper() == base64.b32encode(digest).decode("ascii") or value.lower() == digest.hex()
    )


def iter_responses(path: Path) -> Iterator[tuple[int, StoredRecord]]:
    """Every response record of a WARC file with its offset (used by ``import``)."""
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            body = record.content_stream().read()
            offset = iterator.get_record_offset()
            yield (
                offset,
                StoredRecord(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    date=record.rec_headers.get_header("WARC-Date"),
                    status=int(record.http_headers.get_statuscode()),
                    headers=list(record.http_headers.headers),
                    body=body,
                    payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                ),
            )
