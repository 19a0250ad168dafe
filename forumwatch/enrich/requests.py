"""Re-upload requests and dead-link complaints, tied to the host or link they are about.

The phrases are lexicons (``data/requests/*.toml``, same format as watch terms; a workspace's
``requests/`` folder adds or replaces them), so new languages need no code. A post that matches
gets one ``request`` annotation per request type (the lexicon's name, e.g. ``reupload`` or
``dead_link``) and host family it is about, found in this order:

1. a host the text names, by domain ("the snapcellar.net link is gone") or by a family's word
   from ``hosts.toml`` ("the snapcellar link");
2. the links of the post it quotes (the request answers them); each such link is also kept as
   a ``request_link`` annotation with the normalised URL;
3. the post's own links ("link dead: https://...").

When none is found the annotation's detail is empty: the request is counted, unattributed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.terms import Lexicon, LexiconMatcher
from forumwatch.enrich.tokens import TextView
from forumwatch.models import Annotation, Link

REQUEST = "request"
REQUEST_LINK = "request_link"
MAX_DETAIL = 300


class RequestDetector:
    """Finds requests in a post and ties them to hosts and links."""

    def __init__(self, lexicons: Iterable[Lexicon], families: HostFamilies) -> None:
        self.matcher = LexiconMatcher(lexicons, kind=REQUEST)
        self.families = families

    def find(
        self, view: TextView, links: Sequence[Link] = (), quoted_links: Sequence[Link] = ()
    ) -> list[Annotation]:
        """The request annotations of one post (empty when it makes no request)."""
        types = [request_type for _kind, request_type, _term in self.matcher.matches(view)]
        return self.attribute(types, view, links, quoted_links)

    def attribute(
        self,
        types: Iterable[str],
        view: TextView,
        links: Sequence[Link] = (),
        quoted_links: Sequence[Link] = (),
    ) -> list[Annotation]:
        """Annotations for request ``types`` already matched in a post, tied to hosts/links."""
        types = list(dict.fromkeys(types))
        if not types:
            return []
        out: list[Annotation] = []
        hosts = self.families.named_in(view)
        if not hosts and quoted_links:
            hosts = self._families_of(quoted_links)
            for request_type in types:
                for link in quoted_links:
                    out.append(
                        Annotation(REQUEST_LINK, request_type, link.normalised_url[:MAX_DETAIL])
                    )
        if not hosts and links:
            hosts = self._families_of(links)
        for request_type in types:
            if not hosts:
                out.append(Annotation(REQUEST, request_type, ""))
            for host in hosts:
                out.append(Annotation(REQUEST, request_type, host[:MAX_DETAIL]))
        return out

    def _families_of(self, links: Iterable[Link]) -> list[str]:
        found: list[str] = []
        for link in links:
            family = self.families.family_of(link.host)
            if family not in found:
                found.append(family)
        return found
