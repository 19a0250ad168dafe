"""Make hostile HTML safe to hand to the HTML parser in bounded time.

Lexbor builds the tree in time that grows with the square of the nesting depth of block
elements (each new block checks the whole stack of open elements): 100,000 nested ``<div>`` take
about 30 s. Real pages nest a few dozen levels, so :func:`limit_nesting` drops opening tags
beyond ``max_depth`` levels (and their closing tags); text is kept. It runs only on pages with
many tags, so that ordinary pages pay nothing for it.
"""

from __future__ import annotations

import re
from collections import Counter

TAG_COUNT_THRESHOLD = 20_000
"""Pages with fewer ``<`` than this cannot nest deep enough to be slow; they are not scanned."""

MAX_DEPTH = 512
"""Deepest nesting kept (browsers cap the parser's tree depth at the same value)."""

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]{0,30})(?=[\s/>])[^>]*>")
_VOID = frozenset(
    (
        "area", "base", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
        "meta", "param", "source", "track", "wbr",
    )
)  # fmt: skip
# Elements whose opening tag closes an open sibling of the same kind.
_SIBLING_CLOSING = {
    "p": ("p",),
    "li": ("li",),
    "dd": ("dd", "dt"),
    "dt": ("dd", "dt"),
    "tr": ("tr", "td", "th"),
    "td": ("td", "th"),
    "th": ("td", "th"),
    "option": ("option",),
}
_RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "plaintext"))


def needs_nesting_limit(html: str) -> bool:
    """True when ``html`` has enough tags that its nesting depth must be checked."""
    # A tag takes at least 3 characters, so short pages are not even counted.
    return len(html) > 3 * TAG_COUNT_THRESHOLD and html.count("<") > TAG_COUNT_THRESHOLD


def limit_nesting(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """Drop tags nested deeper than ``max_depth``; return the new HTML and the tags dropped.

    The scan is a simplified HTML tree builder (a stack of open element names, void elements,
    sibling-closing ``<p>``/``<li>``/``<td>``...): good enough to bound depth, never used to
    read content. When nothing is too deep the original string is returned unchanged.
    """
    stack: list[str] = []
    dropped_open: Counter[str] = Counter()
    pieces: list[str] = []
    position = 0
    removed = 0
    raw_until: str | None = None
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if raw_until is not None:
            if closing and name == raw_until:
                raw_until = None
            else:
                continue
        if closing:
            if dropped_open[name] > 0:
                dropped_open[name] -= 1
                pieces.append(html[position : match.start()])
                position = match.end()
                removed += 1
                continue
            _close(stack, name)
            continue
        if name in _VOID:
            continue
        siblings = _SIBLING_CLOSING.get(name)
        if siblings and stack and stack[-1] in siblings:
            stack.pop()
        if name in _RAW_TEXT:
            raw_until = name
            continue
        if len(stack) >= max_depth:
            dropped_open[name] += 1
            pieces.append(html[position : match.start()])
            position = match.end()
            removed += 1
            continue
        stack.append(name)
    if not removed:
        return html, 0
    pieces.append(html[position:])
    return "".join(pieces), removed


def _close(stack: list[str], name: str) -> None:
    """Pop ``stack`` down to the nearest open ``name`` (looking a bounded way down)."""
    lowest = max(0, len(stack) - 64)
    for index in range(len(stack) - 1, lowest - 1, -1):
        if stack[index] == name:
            del stack[index:]
            return
