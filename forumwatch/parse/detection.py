"""Engine detection from markers in the raw page, without parsing it.

Each engine lists (substring, weight) markers that its default templates print (class names,
script paths, "powered by" links) and a pattern of its URLs. :func:`marker_score` adds up the
weights of the markers found; enough of them together make a confident detection, and any one
alone (a class name that another engine could share) stays well below the detection threshold.
"""

from __future__ import annotations

import re

SCAN_CHARS = 400_000
"""Only the start of a page is scanned: markers sit in the head and the first posts."""


def marker_score(
    html: object,
    url: str,
    markers: tuple[tuple[str, float], ...],
    url_pattern: re.Pattern[str] | None = None,
    url_weight: float = 0.1,
) -> float:
    """Return the summed weight (0..1) of ``markers`` found in ``html``, plus the URL's.

    ``html`` that is not text (bytes, None) scores 0; so does an empty page, whatever its URL.
    """
    if not isinstance(html, str) or not html:
        return 0.0
    head = html[:SCAN_CHARS]
    score = sum(weight for marker, weight in markers if marker in head)
    if score and url_pattern is not None and url_pattern.search(url or ""):
        score += url_weight
    return round(min(1.0, float(score)), 3)
