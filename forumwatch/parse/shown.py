"""Read what a node shows a reader, minus parts that engines mix into it.

Engines print a time next to links (names, thread titles), edit notices inside a post's date,
and labels in front of values ("Edit Reason: typo"). These helpers take those parts out so that
the date reader and the parsers see only the value. Relative labels ("17 minutes ago",
"Yesterday") often carry the exact date in a ``title`` attribute; :func:`shown_time` prefers it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

_LEADING_LABEL = re.compile(r"^[^:\n]{1,40}:\s*")
_DIGIT = re.compile(r"\d")
_SKIPPED = frozenset(("a", "script", "style", "template", "noscript"))


def shown_time(node: LexborNode, skip_classes: frozenset[str] = frozenset()) -> str:
    """The time a node shows: its text without links, and exact ``title`` dates preferred.

    An element (the node itself or a descendant) whose ``title`` contains a digit stands for
    its title, so ``<span title="11-25-2026, 12:20 AM">2 hours ago</span>`` reads as the date.
    Links (names, thread titles) and elements with a class in ``skip_classes`` are left out.
    """
    title = node.attrs.get("title") if node.tag != "a" else None
    if title and _DIGIT.search(title):
        return " ".join(title.split())
    parts: list[str] = []
    _collect(node, skip_classes, parts, True)
    return " ".join("".join(parts).split())


def _collect(
    node: LexborNode, skip_classes: frozenset[str], parts: list[str], titles: bool
) -> None:
    # Iterative over siblings, recursive over depth: time elements nest a few levels at most,
    # and a deeper hostile nesting is bounded by the page guard.
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
            continue
        # Element names never start with "-" ("-comment", "-doctype"); None is either a node
        # of another kind or, in theory, an element without a name.
        if tag in _SKIPPED or (tag[0] == "-" if tag else not child.is_element_node):
            continue
        if skip_classes:
            classes = child.attrs.get("class")
            if classes and not skip_classes.isdisjoint(classes.split()):
                continue
        title = child.attrs.get("title") if titles else None
        if title and _DIGIT.search(title):
            parts.append(f" {title} ")
            continue
        parts.append(" ")
        _collect(child, skip_classes, parts, titles)
        parts.append(" ")


def text_without_links(node: LexborNode | None) -> str:
    """The node's text with whitespace collapsed, leaving out the text of links inside it."""
    if node is None:
        return ""
    parts: list[str] = []
    _collect(node, frozenset(), parts, False)
    return " ".join("".join(parts).split())


def without_label(text: str | None) -> str | None:
    """Drop a short leading label ("Reason: typo" gives "typo"); None when nothing is left."""
    if not text:
        return None
    return _LEADING_LABEL.sub("", text, count=1).strip() or None
