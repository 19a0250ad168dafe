"""Exports: posts, links, series and events as CSV, JSON lines or Parquet, for other tools.

Posts and links stream from the store in id order, ``batch`` rows at a time (keyset pages),
and each batch is written before the next is read, so memory stays flat whatever the store's
size. Handles are pseudonymised by default (author columns, and any handle inside text, titles
and URLs); ``--redact`` writes ``[redacted]``; ``--reveal`` keeps them. CSV cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are prefixed with ``'``:
crawled text is written by adversaries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from forumwatch.analyse.series import Series
from forumwatch.errors import ReportError
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.build import build_report
from forumwatch.report.data import ReportRequest
from forumwatch.report.findings import event_record
from forumwatch.report.masking import HandleMasker
from forumwatch.store.base import Store

EXPORT_KINDS = ("posts", "links", "series", "events")
EXPORT_FORMATS = ("csv", "jsonl", "parquet")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

POST_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("post_id", pa.int64()),
    ("site", pa.string()),
    ("section", pa.string()),
    ("thread_native_id", pa.string()),
    ("thread_title", pa.string()),
    ("post_native_id", pa.string()),
    ("author", pa.string()),
    ("posted_at", pa.timestamp("s", tz="UTC")),
    ("language", pa.string()),
    ("title", pa.string()),
    ("text", pa.string()),
    ("version", pa.int32()),
    ("content_hash", pa.string()),
    ("captured_at", pa.timestamp("s", tz="UTC")),
    ("fetch_id", pa.int64()),
]
LINK_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("post_id", pa.int64()),
    ("position", pa.int32()),
    ("site", pa.string()),
    ("post_native_id", pa.string()),
    ("posted_at", pa.timestamp("s", tz="UTC")),
    ("author", pa.string()),
    ("raw_url", pa.string()),
    ("normalised_url", pa.string()),
    ("host", pa.string()),
    ("registrable_domain", pa.string()),
    ("network", pa.string()),
    ("media_class", pa.string()),
    ("extension", pa.string()),
    ("first_seen_at", pa.timestamp("s", tz="UTC")),
    ("first_post", pa.bool_()),
]
SERIES_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("series", pa.string()),
    ("unit", pa.string()),
    ("granularity", pa.string()),
    ("period_start", pa.date32()),
    ("value", pa.float64()),
    ("state", pa.string()),
    ("unavailable_days", pa.int32()),
    ("base", pa.float64()),
    ("definition", pa.string()),
]
EVENT_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("type", pa.string()),
    ("site", pa.string()),
    ("section", pa.string()),
    ("host", pa.string()),
    ("start", pa.string()),
    ("end", pa.string()),
    ("magnitude", pa.float64()),
    ("reason", pa.string()),
    ("confidence", pa.float64()),
    ("series", pa.string()),
    ("finding", pa.string()),
    ("evidence", pa.string()),
]


@dataclass(frozen=True)
class ExportRequest:
    """What to export.

    Attributes:
        kind: ``posts``, ``links``, ``series`` or ``events``.
        fmt: ``csv``, ``jsonl`` or ``parquet``.
        sites: site names (None: every site).
        start, end: posts (and links) by post time within these UTC days; series and events
            default to the 90 days up to the last stored post.
        redact: handles become ``[redacted]``.
        reveal: real handles are kept.
        batch: rows per store read.
        watch_list: for events (see :class:`~forumwatch.report.data.ReportRequest`).
    """

    kind: str
    fmt: str = "csv"
    sites: tuple[str, ...] | None = None
    start: date | None = None
    end: date | None = None
    redact: bool = False
    reveal: bool = False
    batch: int = 5000
    watch_list: tuple[tuple[str, str, date], ...] = ()
    max_gap_days: int = 2


def _moment(day: date | None, later: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if later else day, time(), tzinfo=UTC)


def _site_ids(store: Store, sites: Sequence[str] | None) -> list[int] | None:
    if not sites:
        return None
    known = {s.name: s.id for s in store.list_sites() if s.id is not None}
    missing = [n for n in sites if n not in known]
    if missing:
        raise ReportError(f"no site named {', '.join(repr(n) for n in missing)}")
    return [known[n] for n in sites]


def _post_rows(
    store: Store, request: ExportRequest, masker: HandleMasker
) -> Iterator[list[dict[str, Any]]]:
    site_ids = _site_ids(store, request.sites)
    low, high = _moment(request.start), _moment(request.end, later=True)
    after = 0
    while True:
        batch = store.export_posts(site_ids, low, high, after, request.batch)
        if not batch:
            return
        after = batch[-1].id
        yield [
            {
                "post_id": p.id,
                "site": p.site,
                "section": masker.text(p.section),
                "thread_native_id": p.thread_native_id,
                "thread_title": masker.text(p.thread_title),
                "post_native_id": p.native_id,
                "author": masker.handle(p.handle),
                "posted_at": p.posted_at,
                "language": p.language,
                "title": masker.text(p.title),
                "text": masker.text(p.text),
                "version": p.version,
                "content_hash": p.content_hash,
                "captured_at": p.captured_at,
                "fetch_id": p.fetch_id,
            }
            for p in batch
        ]


def _link_rows(
    store: Store, request: ExportRequest, masker: HandleMasker
) -> Iterator[list[dict[str, Any]]]:
    site_ids = _site_ids(store, request.sites)
    low, high = _moment(request.start), _moment(request.end, later=True)
    after = (0, -1)
    while True:
        batch = store.export_links(site_ids, low, high, after, request.batch)
        if not batch:
            return
        after = (batch[-1].post_id, batch[-1].position)
        yield [
            {
                "post_id": link.post_id,
                "position": link.position,
                "site": link.site,
                "post_native_id": link.post_native_id,
                "posted_at": link.posted_at,
                "author": masker.handle(link.handle),
                "raw_url": masker.text(link.raw_url),
                "normalised_url": masker.text(link.normalised_url),
                "host": link.host,
                "registrable_domain": link.registrable_domain,
                "network": link.network,
                "media_class": link.media_class,
                "extension": link.extension,
                "first_seen_at": link.first_seen_at,
                "first_post": link.first_post,
            }
            for link in batch
        ]


def _period(store: Store, request: ExportRequest) -> tuple[date, date]:
    end = request.end
    if end is None:
        last = store.counts().last_post_at
        end = last.date() if last is not None else datetime.now(UTC).date()
    return request.start or end - timedelta(days=89), end


def _report_request(store: Store, request: ExportRequest) -> ReportRequest:
    start, end = _period(store, request)
    return ReportRequest(
        start,
        end,
        request.sites,
        request.redact,
        request.reveal,
        request.watch_list,
        max_gap_days=request.max_gap_days,
        context_days=(end - start).days + 1,
    )


def _series_rows(
    store: Store, request: ExportRequest, pseudonymiser: Pseudonymiser, now: datetime
) -> Iterator[list[dict[str, Any]]]:
    data = build_report(store, _report_request(store, request), pseudonymiser, now)
    named: list[tuple[str, Series]] = []
    for site in data.sites:
        named.append((site.total.name, site.total))
        named += [(f"posts: {site.name}/{s.name}", s) for s in site.sections]
    others = data.keywords + data.keyword_shares + data.hosts + data.tag_shares + data.languages
    named += [(s.name, s) for s in others]
    for name, series in named:
        yield [
            {
                "series": name,
                "unit": series.unit,
                "granularity": str(series.granularity),
                "period_start": point.day,
                "value": point.value,
                "state": str(point.state),
                "unavailable_days": point.unavailable_days,
                "base": point.base,
                "definition": series.definition,
            }
            for point in series.points
        ]


def _event_rows(
    store: Store, request: ExportRequest, pseudonymiser: Pseudonymiser, now: datetime, as_json: bool
) -> Iterator[list[dict[str, Any]]]:
    data = build_report(store, _report_request(store, request), pseudonymiser, now)
    handles = {a.handle for a in store.authors(_site_ids(store, request.sites))}
    masker = HandleMasker(pseudonymiser, handles)
    rows = []
    for finding in data.findings:
        record = event_record(finding.event, masker, finding.text)
        if not as_json:
            record["evidence"] = json.dumps(record["evidence"], ensure_ascii=False, default=str)
        rows.append(record)
    yield rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_text(
    batches: Iterator[list[dict[str, Any]]], columns: Sequence[str], fmt: str, out: IO[bytes]
) -> int:
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    count = 0
    try:
        writer = csv.writer(stream) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(columns)
        for rows in batches:
            if writer is not None:
                writer.writerows([[_cell(row.get(c)) for c in columns] for row in rows])
            else:
                stream.write(
                    "".join(
                        json.dumps(
                            {c: _json_value(row.get(c)) for c in columns},
                            ensure_ascii=False,
                            default=str,
                        )
                        + "\n"
                        for row in rows
                    )
                )
            count += len(rows)
        stream.flush()
    finally:
        stream.detach()
    return count


def _write_parquet(
    batches: Iterator[list[dict[str, Any]]],
    columns: Sequence[tuple[str, pa.DataType]],
    out: IO[bytes],
) -> int:
    schema = pa.schema(list(columns))
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for rows in batches:
            if not rows:
                continue
            arrays = {name: [row.get(name) for row in rows] for name, _ in columns}
            writer.write_table(pa.Table.from_pydict(arrays, schema=schema))
            count += len(rows)
    return count


def export(
    store: Store,
    request: ExportRequest,
    pseudonymiser: Pseudonymiser,
    out: IO[bytes],
    now: datetime,
) -> int:
    """Write one export to a binary stream and return the number of rows written.

    Args:
        store: the store to read.
        request: what to export and how.
        pseudonymiser: the workspace's (``Workspace.pseudonymiser(redact=...)``), or a
            :class:`~forumwatch.privacy.Revealer` for ``--reveal``.
        out: a binary file (Parquet needs one that can be written in parts, not a terminal).
        now: the time of the export (series and events read up to it).

    Raises:
        ReportError: an unknown kind or format, or an unknown site.
    """
    if request.kind not in EXPORT_KINDS:
        raise ReportError(f"unknown export {request.kind!r}; use one of {', '.join(EXPORT_KINDS)}")
    if request.fmt not in EXPORT_FORMATS:
        raise ReportError(f"unknown format {request.fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    columns: list[tuple[str, pa.DataType]]
    batches: Iterator[list[dict[str, Any]]]
    if request.kind in ("posts", "links"):
        handles = {a.handle for a in store.authors(_site_ids(store, request.sites))}
        masker = HandleMasker(pseudonymiser, handles)
        reader: Callable[[Store, ExportRequest, HandleMasker], Iterator[list[dict[str, Any]]]]
        reader, columns = (
            (_post_rows, POST_COLUMNS) if request.kind == "posts" else (_link_rows, LINK_COLUMNS)
        )
        batches = reader(store, request, masker)
    elif request.kind == "series":
        columns, batches = SERIES_COLUMNS, _series_rows(store, request, pseudonymiser, now)
    else:
        columns = EVENT_COLUMNS
        batches = _event_rows(store, request, pseudonymiser, now, request.fmt == "jsonl")
    if request.fmt == "parquet":
        return _write_parquet(batches, columns, out)
    return _write_text(batches, [name for name, _ in columns], request.fmt, out)
