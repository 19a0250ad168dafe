"""Score a parser against a fixture manifest: precision and recall per field.

The engine fixtures in ``tests/fixtures/engines/<engine>/`` hold real captures and a
``manifest.json`` with the ground truth from the engine's database. Every manifest follows the
same conventions (see its ``conventions`` entry), so one evaluation serves every engine:

* each field is a set of facts keyed by (file, id); a fact matches when the parser found the
  same key with an equal value (times within ``time_tolerance``: pages show minutes, and
  "x minutes ago" is relative to the capture);
* precision = matched / facts the parser produced; recall = matched / facts expected; a value
  the parser leaves unknown (None, e.g. a time the page does not show) is not produced, so it
  lowers recall only;
* ids of categories that collide with forum ids (FlaskBB numbers them apart) are expected as
  ``c<id>``; an index page that also lists threads is scored as a listing too;
* quotes and links are multisets per post; a parsed link that the manifest does not list but
  whose text (without scheme) appears in the expected post text is a bare URL the parser found
  in the text on purpose (the manifest lists hrefs only), and is not counted.

The quality gate (:mod:`forumwatch.parse.gate`) pins these numbers;
``python -m forumwatch.parse.evaluate DIR`` prints the table for one fixture directory and
``python -m forumwatch.parse.evaluate --all ROOT`` for every engine under ROOT.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from forumwatch.models import IndexPage, ListingPage, Post, Quote, Section, ThreadPage
from forumwatch.parse.base import EngineParser
from forumwatch.parse.text import collapse_whitespace

Key = tuple[Any, ...]
_LISTING_KINDS = frozenset(("forum", "board", "category", "listing"))
_THREAD_KINDS = frozenset(("topic", "thread"))
_CHILD_KEYS = ("forums", "subforums", "subcategories", "children")
CATEGORY_ID_PREFIX = "c"
"""Native id prefix of categories whose ids collide with forum ids (parsers follow it)."""


@dataclass(slots=True)
class FieldScore:
    """How many facts of one field were expected, found, and matched."""

    name: str
    expected: int = 0
    found: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        """matched / found (1.0 when nothing was found and nothing expected)."""
        return self.matched / self.found if self.found else float(self.expected == 0)

    @property
    def recall(self) -> float:
        """matched / expected (1.0 when nothing was expected)."""
        return self.matched / self.expected if self.expected else 1.0


@dataclass(slots=True)
class Evaluation:
    """Scores per field, examples of differences, and the parse problems met."""

    engine: str
    scores: dict[str, FieldScore] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    problems: int = 0
    files: int = 0

    def score(self, name: str) -> FieldScore:
        """The score of field ``name`` (created empty when first asked for)."""
        if name not in self.scores:
            self.scores[name] = FieldScore(name)
        return self.scores[name]

    def table(self) -> str:
        """A Markdown table of every field's counts, precision and recall."""
        lines = [
            f"{self.engine}: {self.files} files, {self.problems} parse problems",
            "| field | expected | found | matched | precision | recall |",
            "|---|---|---|---|---|---|",
        ]
        for name in sorted(self.scores):
            s = self.scores[name]
            lines.append(
                f"| {name} | {s.expected} | {s.found} | {s.matched} "
                f"| {s.precision:.3f} | {s.recall:.3f} |"
            )
        return "\n".join(lines)


@dataclass(slots=True)
class _Comparer:
    evaluation: Evaluation
    tolerance: timedelta
    max_differences: int = 60

    def scalar(self, name: str, expected: Mapping[Key, Any], found: Mapping[Key, Any]) -> None:
        score = self.evaluation.score(name)
        score.expected += len(expected)
        # A value the parser left unknown (None) is a miss, not a wrong claim.
        score.found += sum(
            1 for key, value in found.items() if value is not None or expected.get(key, 0) is None
        )
        for key, value in expected.items():
            if key in found and self._equal(value, found[key]):
                score.matched += 1
            else:
                self._note(name, key, value, found.get(key, "<missing>"))
        for key in found.keys() - expected.keys():
            self._note(name, key, "<not expected>", found[key])

    def multiset(self, name: str, expected: Counter[Key], found: Counter[Key]) -> None:
        score = self.evaluation.score(name)
        score.expected += sum(expected.values())
        score.found += sum(found.values())
        score.matched += sum((expected & found).values())
        for key in expected - found:
            self._note(name, key, "<expected>", "<missing>")
        for key in found - expected:
            self._note(name, key, "<not expected>", "<found>")

    def _equal(self, expected: Any, found: Any) -> bool:
        if isinstance(expected, tuple) and isinstance(found, tuple):
            return len(expected) == len(found) and all(
                self._equal(a, b) for a, b in zip(expected, found, strict=True)
            )
        if isinstance(expected, datetime) and isinstance(found, datetime):
            return abs(expected - found) <= self.tolerance
        return bool(expected == found)

    def _note(self, name: str, key: Key, expected: Any, found: Any) -> None:
        if len(self.evaluation.differences) < self.max_differences:
            self.evaluation.differences.append(
                f"{name} {key}: expected {expected!r}, got {found!r}"
            )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _text(value: Any) -> str:
    return collapse_whitespace(value) if isinstance(value, str) else ""


def _own_links(found: tuple[str, ...], expected: list[str], expected_text: str) -> tuple[str, ...]:
    """Drop parsed bare URLs that the manifest shows as text only."""
    remaining = Counter(expected)
    kept: list[str] = []
    for url in found:
        if remaining[url] > 0:
            remaining[url] -= 1
            kept.append(url)
        elif url.split("://", 1)[-1] not in expected_text:
            kept.append(url)
    return tuple(kept)


def _prefix_tags(prefix: Any) -> tuple[str, ...]:
    return (str(prefix),) if prefix else ()


def _quote_fact(file: str, post_id: str, quote: Mapping[str, Any] | Quote) -> Key:
    if isinstance(quote, Quote):
        return (
            file,
            post_id,
            quote.depth,
            quote.author,
            quote.post_native_id,
            _text(quote.text),
            quote.links,
        )
    return (
        file,
        post_id,
        quote.get("depth"),
        quote.get("author"),
        _id(quote.get("post_id")),
        _text(quote.get("text")),
        tuple(quote.get("links") or ()),
    )


def _compare_posts(
    compare: _Comparer, file: str, expected: list[Mapping[str, Any]], found: tuple[Post, ...]
) -> None:
    want: dict[Key, Mapping[str, Any]] = {(file, _id(p.get("post_id"))): p for p in expected}
    got: dict[Key, Post] = {(file, p.native_id): p for p in found}
    compare.scalar("posts", dict.fromkeys(want, True), dict.fromkeys(got, True))
    compare.scalar(
        "post_authors",
        {k: p.get("author") for k, p in want.items()},
        {k: p.author.handle if p.author else None for k, p in got.items()},
    )
    compare.scalar(
        "post_times",
        {k: _time(p.get("time_utc")) for k, p in want.items()},
        {k: p.posted_at for k, p in got.items()},
    )
    compare.scalar(
        "post_text",
        {k: _text(p.get("text")) for k, p in want.items()},
        {k: _text(p.text) for k, p in got.items()},
    )
    compare.scalar(
        "post_titles",
        {k: p["title"] for k, p in want.items() if p.get("title")},
        {k: p.title for k, p in got.items() if p.title},
    )
    compare.scalar(
        "post_edits",
        {
            k: (e.get("by"), _time(e.get("time_utc")), e.get("reason"))
            for k, p in want.items()
            if (e := p.get("edited"))
        },
        {k: (p.edit.by, p.edit.at, p.edit.reason) for k, p in got.items() if p.edit},
    )
    want_quotes: Counter[Key] = Counter()
    got_quotes: Counter[Key] = Counter()
    want_links: Counter[Key] = Counter()
    got_links: Counter[Key] = Counter()
    for key, post in want.items():
        post_id = key[1] or ""
        text = _text(post.get("text"))
        quotes = post.get("quotes") or []
        want_quotes.update(_quote_fact(file, post_id, q) for q in quotes)
        want_links.update((file, post_id, url) for url in post.get("links") or [])
        parsed = got.get(key)
        if parsed is None:
            continue
        for quote, expected_quote in _pair_quotes(parsed.quotes, quotes):
            links = _own_links(
                quote.links,
                list(expected_quote.get("links") or []),
                _text(expected_quote.get("text")),
            )
            adjusted = Quote(quote.depth, quote.author, quote.text, quote.post_native_id, links)
            got_quotes[_quote_fact(file, post_id, adjusted)] += 1
        links = _own_links(parsed.links, list(post.get("links") or []), text)
        got_links.update((file, post_id, url) for url in links)
    for key, parsed in got.items():
        if key not in want:
            got_quotes.update(_quote_fact(file, parsed.native_id, q) for q in parsed.quotes)
            got_links.update((file, parsed.native_id, url) for url in parsed.links)
    compare.multiset("post_quotes", want_quotes, got_quotes)
    compare.multiset("post_links", want_links, got_links)


def _pair_quotes(
    found: tuple[Quote, ...], expected: list[Mapping[str, Any]]
) -> Iterator[tuple[Quote, Mapping[str, Any]]]:
    for index, quote in enumerate(found):
        yield quote, expected[index] if index < len(expected) else {}


def _compare_thread_page(
    compare: _Comparer, file: str, entry: Mapping[str, Any], page: ThreadPage
) -> None:
    key = (file,)
    compare.scalar("thread_title", {key: entry.get("thread_title")}, {key: page.thread.title})
    compare.scalar(
        "thread_section", {key: _id(entry.get("forum_id"))}, {key: page.thread.section_native_id}
    )
    compare.scalar(
        "thread_pagination",
        {key: (entry.get("page"), entry.get("pages"))},
        {key: (page.pagination.page, page.pagination.pages)},
    )
    if "locked" in entry:
        compare.scalar("thread_locked", {key: entry["locked"]}, {key: page.thread.locked})
    if "thread_prefix" in entry:
        compare.scalar(
            "thread_tags", {key: _prefix_tags(entry["thread_prefix"])}, {key: page.thread.tags}
        )
    _compare_posts(compare, file, list(entry.get("posts") or []), page.posts)


def _compare_listing(
    compare: _Comparer, file: str, entry: Mapping[str, Any], page: ListingPage
) -> None:
    key = (file,)
    section = page.section
    section_id = _id(entry.get("forum_id", entry.get("board")))
    section_title = entry.get("forum_title", entry.get("board_title"))
    compare.scalar(
        "listing_section",
        {key: (section_id, section_title) if section_id is not None else None},
        {key: (section.native_id, section.title) if section else None},
    )
    if "parent_forum_id" in entry:
        compare.scalar(
            "listing_parent",
            {key: _id(entry.get("parent_forum_id"))},
            {key: section.parent_native_id if section else None},
        )
    compare.scalar(
        "listing_pagination",
        {key: (entry.get("page"), entry.get("pages"))},
        {key: (page.pagination.page, page.pagination.pages)},
    )
    want = {(file, _id(t.get("id"))): t for t in entry.get("threads") or []}
    got = {(file, t.native_id): t for t in page.threads}
    compare.scalar("listing_threads", dict.fromkeys(want, True), dict.fromkeys(got, True))
    for name, expected_value, found_value in (
        ("listing_thread_titles", lambda t: t.get("title"), lambda t: t.title),
        ("listing_thread_authors", lambda t: t.get("author"), lambda t: t.author),
        ("listing_thread_replies", lambda t: t.get("replies"), lambda t: t.replies),
        (
            "listing_thread_last_post",
            lambda t: _time(t.get("last_post_time_utc")),
            lambda t: t.last_post_at,
        ),
        (
            "listing_thread_first_post",
            lambda t: _time(t.get("first_post_time_utc")),
            lambda t: t.first_post_at,
        ),
        (
            "listing_thread_flags",
            lambda t: (bool(t.get("sticky")), bool(t.get("locked"))),
            lambda t: (t.sticky, t.locked),
        ),
    ):
        compare.scalar(
            name,
            {k: expected_value(t) for k, t in want.items()},
            {k: found_value(t) for k, t in got.items()},
        )
    if any("prefix" in t for t in want.values()):
        compare.scalar(
            "listing_thread_tags",
            {k: _prefix_tags(t.get("prefix")) for k, t in want.items()},
            {k: t.tags for k, t in got.items()},
        )
    compare.scalar(
        "listing_subsections",
        {(file, _id(s.get("id"))): s.get("title") for s in entry.get("subforums") or []},
        {(file, s.native_id): s.title for s in page.subsections},
    )


def _tree(
    nodes: list[Mapping[str, Any]], parent: str | None
) -> Iterator[tuple[Mapping[str, Any], str | None]]:
    for node in nodes:
        yield node, parent
        for child_key in _CHILD_KEYS:
            yield from _tree(list(node.get(child_key) or []), _id(node.get("id")))


def _separate_category_ids(categories: list[Mapping[str, Any]]) -> bool:
    """True when category ids collide with forum ids (two id spaces, as in FlaskBB)."""
    top = {_id(node.get("id")) for node in categories}
    below = {
        _id(node.get("id"))
        for category in categories
        for child_key in _CHILD_KEYS
        for child in category.get(child_key) or []
        for node, _ in _tree([child], None)
    }
    return bool(top & below)


def _compare_index(
    compare: _Comparer, file: str, entry: Mapping[str, Any], page: IndexPage
) -> None:
    categories = list(entry.get("categories") or [])
    if _separate_category_ids(categories):
        categories = [
            {**category, "id": f"{CATEGORY_ID_PREFIX}{category.get('id')}"}
            for category in categories
        ]
    expected = list(_tree(categories, None))
    got: dict[Key, Section] = {(file, s.native_id): s for s in page.sections}
    compare.scalar(
        "index_sections",
        {(file, _id(node.get("id"))): (node.get("title"), parent) for node, parent in expected},
        {k: (s.title, s.parent_native_id) for k, s in got.items()},
    )
    counted = [(n, p) for n, p in expected if "topics" in n or "posts" in n]
    compare.scalar(
        "index_counts",
        {(file, _id(n.get("id"))): (n.get("topics"), n.get("posts")) for n, _ in counted},
        {k: (s.thread_count, s.post_count) for k, s in got.items() if s.thread_count is not None},
    )
    dated = [n for n, _ in expected if n.get("last_post_time_utc")]
    compare.scalar(
        "index_last_post",
        {(file, _id(n.get("id"))): _time(n.get("last_post_time_utc")) for n in dated},
        {k: s.last_post_at for k, s in got.items() if s.last_post_at is not None},
    )


def evaluate_manifest(
    parser: EngineParser,
    manifest: Mapping[str, Any],
    read_page: Callable[[str], str],
    *,
    time_tolerance: timedelta = timedelta(seconds=60),
) -> Evaluation:
    """Parse every page a manifest lists and score the results field by field.

    Args:
        parser: the engine parser to score.
        manifest: a fixture manifest (``files`` entries with ``file``, ``url``, ``kind``,
            ``captured_at_utc`` and the expected values).
        read_page: returns the HTML of a file named in the manifest.
        time_tolerance: how far a parsed time may be from the expected one.
    """
    evaluation = Evaluation(engine=str(manifest.get("engine", parser.name)))
    compare = _Comparer(evaluation, time_tolerance)
    for entry in manifest.get("files") or []:
        kind = entry.get("kind")
        file = entry["file"]
        captured = _time(entry.get("captured_at_utc"))
        if captured is None:
            continue
        html, url = read_page(file), entry["url"]
        if kind in _THREAD_KINDS:
            thread_page = parser.parse_thread(html, url, captured)
            evaluation.problems += len(thread_page.problems)
            _compare_thread_page(compare, file, entry, thread_page)
        elif kind in _LISTING_KINDS:
            listing = parser.parse_listing(html, url, captured)
            evaluation.problems += len(listing.problems)
            _compare_listing(compare, file, entry, listing)
        elif kind == "index":
            index = parser.parse_index(html, url, captured)
            evaluation.problems += len(index.problems)
            _compare_index(compare, file, entry, index)
            if entry.get("threads"):  # a home page that lists the latest threads too
                _compare_listing(compare, file, entry, parser.parse_listing(html, url, captured))
        else:
            continue
        evaluation.files += 1
    return evaluation


def evaluate_directory(
    parser: EngineParser,
    directory: Path,
    *,
    time_tolerance: timedelta = timedelta(seconds=60),
) -> Evaluation:
    """Score ``parser`` on a fixture directory holding ``manifest.json`` and its pages."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))

    def read_page(name: str) -> str:
        return (directory / name).read_text(encoding="utf-8", errors="replace")

    return evaluate_manifest(parser, manifest, read_page, time_tolerance=time_tolerance)


def main(argv: list[str] | None = None) -> int:
    """Print evaluation tables: ``evaluate DIR [ENGINE]`` or ``evaluate --all ROOT``.

    ``--all ROOT`` scores every engine directory under ROOT (one table per engine, then a
    summary); ``--baseline FILE`` then exits 1 when a field falls below its pinned numbers, and
    ``--pin FILE`` writes the numbers reached as the new baseline.
    """
    from forumwatch.parse import gate

    parser = argparse.ArgumentParser(prog="python -m forumwatch.parse.evaluate")
    parser.add_argument("directory", help="a fixture directory (or, with --all, their root)")
    parser.add_argument("engine", nargs="?", help="engine name (default: the manifest's)")
    parser.add_argument("--all", action="store_true", help="score every engine under DIRECTORY")
    parser.add_argument("--baseline", type=Path, help="fail below this pinned baseline")
    parser.add_argument("--pin", type=Path, help="write the numbers reached as a baseline")
    args_list = sys.argv[1:] if argv is None else argv
    if not args_list:
        parser.print_usage(sys.stderr)
        return 2
    args = parser.parse_args(args_list)
    root = Path(args.directory)
    if args.all:
        evaluations = gate.evaluate_all(root)
    else:
        evaluation = gate.evaluate_engine_directory(root, args.engine)
        evaluations = {root.name: evaluation}
        print(evaluation.table())
        for line in evaluation.differences:
            print(" ", line)
    if args.all:
        print(gate.tables(evaluations))
    if args.pin is not None:
        args.pin.write_text(gate.dump_baseline(gate.pin(evaluations)), encoding="utf-8")
    if args.baseline is not None:
        directories = gate.engine_directories(root) if args.all else [root]
        real = [path.name for path in directories if gate.is_real_capture(path)]
        baseline = gate.load_baseline(args.baseline)
        if not args.all:  # one directory: its engine only
            baseline = {name: baseline.get(name, {}) for name in evaluations}
        failed = gate.check(evaluations, baseline, real)
        for line in failed:
            print("FAIL", line)
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
