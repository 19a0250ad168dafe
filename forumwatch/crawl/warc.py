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
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

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


class _SHA256WARCWriter(WARCWriter):  # type: ignore[misc]
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def _gzip_member(data: bytes, level: int = COMPRESSION_LEVEL) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


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
        self._writer: Any = None
        self._serial = 0
        self._token = secrets.token_hex(3)

    def _open(self, when: datetime) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = f"{when:%Y%m%d%H%M%S}-{os.getpid()}-{self._token}-{self._serial:05d}"
        self._name = f"{self.prefix}-{stamp}.warc.gz"
        self._file = (self.folder / self._name).open("xb")
        self._writer = _SHA256WARCWriter(BytesIO(), gzip=False, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            self._name,
            {"software": f"forumwatch/{__version__}", "format": "WARC File Format 1.1"},
        )
        info.rec_headers.replace_header("WARC-Date", _warc_date(when))
        self._emit(info)

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
        if self._file is None or self._file.tell() >= self.max_bytes:
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
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": sha256_label(sha256)},
        )
        offset = self._file.tell()
        self._emit(response)
        length = self._file.tell() - offset
        request_http = StatusAndHeaders(
            f"{method} {_path_of(url)} HTTP/1.1",
            [(k, v) for k, v in request_headers if k.lower() not in SECRET_HEADERS],
            is_http_request=True,
        )
        request = self._writer.create_warc_record(
            url,
            "request",
            http_headers=request_http,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._emit(request)
        # Flushed to the OS at once: a killed process loses nothing that the store points to.
        self._file.flush()
        return ArchivedResponse(self._name, offset, length, sha256)

    def _emit(self, record: Any) -> None:
        """Write one record as its own gzip member at the end of the current file."""
        assert self._file is not None
        buffer = BytesIO()
        self._writer.out = buffer
        self._writer.write_record(record)
        self._file.write(_gzip_member(buffer.getvalue(), self.compression_level))

    def close(self) -> None:
        """Flush and close the current file, if any."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            self._writer = None


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

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
