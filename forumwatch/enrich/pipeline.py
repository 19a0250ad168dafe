"""The enrichment chain applied to every post between parsing and storing.

For each post: links (hrefs plus URLs written in the text, defanging undone), then, on the
text with URLs cut out, language, watch terms, requests, crypto and places. The data files
(lexicons, request phrases, host families, place rules) are the shipped ones in
``forumwatch/enrich/data/`` plus a workspace's own (``lexicons/``, ``requests/``, ``hosts.toml``,
``places.toml``), so analysts change what is found without touching code; after a change,
``forumwatch enrich --rebuild`` re-enriches the stored posts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from forumwatch.enrich.crypto import find_crypto
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.language import COMMON_LANGUAGES, LanguageDetector
from forumwatch.enrich.links import classify_links, extract_links
from forumwatch.enrich.places import PlaceFinder, gazetteer
from forumwatch.enrich.requests import REQUEST, RequestDetector
from forumwatch.enrich.terms import TERM, LexiconMatcher, load_lexicons
from forumwatch.enrich.tokens import TextView
from forumwatch.models import Annotation, Link, ParsedPage, Post, PostEnrichment, ThreadPage

LEXICONS_FOLDER = "lexicons"
REQUESTS_FOLDER = "requests"
HOSTS_FILE = "hosts.toml"
PLACES_FILE = "places.toml"


@dataclass(frozen=True)
class EnrichmentFiles:
    """Where a workspace keeps its enrichment data (any of them may be missing)."""

    lexicons: Path | None = None
    requests: Path | None = None
    hosts: Path | None = None
    places: Path | None = None

    @classmethod
    def in_folder(cls, folder: Path) -> EnrichmentFiles:
        """The standard names inside a workspace folder."""
        return cls(
            folder / LEXICONS_FOLDER,
            folder / REQUESTS_FOLDER,
            folder / HOSTS_FILE,
            folder / PLACES_FILE,
        )


class Enricher:
    """Turns parsed posts into what the store keeps about them besides their text.

    Args:
        files: a workspace's data files; None uses the shipped data only.
        languages: languages the detector may answer (None: any of its 176).
        places: False skips place detection (its gazetteer takes about a second to build).
    """

    def __init__(
        self,
        files: EnrichmentFiles | None = None,
        languages: frozenset[str] | None = COMMON_LANGUAGES,
        places: bool = True,
    ) -> None:
        files = files or EnrichmentFiles()
        self.files = files
        self.families = HostFamilies.load(files.hosts)
        self.language = LanguageDetector(languages)
        request_lexicons = load_lexicons(REQUESTS_FOLDER, files.requests)
        self.requests = RequestDetector(request_lexicons, self.families)
        # Watch terms and request phrases are matched in one pass over the words.
        self.terms = LexiconMatcher(
            load_lexicons(LEXICONS_FOLDER, files.lexicons),
            TERM,
            {REQUEST: request_lexicons},
        )
        self.places = PlaceFinder(gazetteer(files.places)) if places else None

    @classmethod
    def for_workspace(cls, folder: Path) -> Enricher:
        """The enricher of a workspace folder, with its analysts' data files."""
        return cls(EnrichmentFiles.in_folder(folder))

    def enrich(
        self, post: Post, quoted_links: Mapping[str, Sequence[Link]] | None = None
    ) -> PostEnrichment:
        """Enrich one post.

        ``quoted_links`` maps native ids of other posts of the site to their links, so that a
        request quoting one of them is tied to the links it answers.
        """
        return self.enrich_many([post], [quoted_links or {}])[0]

    def enrich_many(
        self,
        posts: Sequence[Post],
        quoted_links: Sequence[Mapping[str, Sequence[Link]]] | None = None,
    ) -> list[PostEnrichment]:
        """Enrich several posts, stage by stage (each stage's code and data stay in the CPU's
        caches, which is faster than post by post).

        ``quoted_links`` gives, per post, the links of the posts it may quote (see
        :meth:`enrich`).
        """
        prepared = [extract_links(post.links, post.text) for post in posts]
        languages = self.language.detect_many([prose for _, prose in prepared])
        views = [TextView.of(prose) for _, prose in prepared]
        out: list[PostEnrichment] = []
        for index, post in enumerate(posts):
            links, view, language = prepared[index][0], views[index], languages[index]
            annotations: list[Annotation] = []
            request_types: list[str] = []
            for kind, lexicon, term in self.terms.matches(view):
                if kind == REQUEST:
                    request_types.append(lexicon)
                else:
                    annotations.append(Annotation(kind, lexicon, term))
            if request_types:
                known = quoted_links[index] if quoted_links is not None else None
                quoted = self._quoted(post, known)
                annotations += self.requests.attribute(request_types, view, links, quoted)
            annotations += find_crypto(view)
            if self.places is not None:
                annotations += self.places.find(view, language)
            out.append(PostEnrichment(links, language, tuple(annotations)))
        return out

    @staticmethod
    def _quoted(post: Post, quoted_links: Mapping[str, Sequence[Link]] | None) -> list[Link]:
        if not post.quotes:
            return []
        found: list[Link] = []
        for quote in post.quotes:
            if quote.depth != 1:
                continue
            found += classify_links(quote.links)
            if quoted_links is not None and quote.post_native_id is not None:
                found += quoted_links.get(quote.post_native_id, ())
        unique = {link.normalised_url: link for link in found}
        return list(unique.values())

    def enrich_page(
        self, page: ParsedPage, quoted_links: Mapping[str, Sequence[Link]] | None = None
    ) -> dict[str, PostEnrichment]:
        """Enrich every post of a page, keyed by the post's native id.

        A post quoting an earlier post of the same page is tied to that post's links; for posts
        on other pages pass ``quoted_links`` (for example from the store).
        """
        if not isinstance(page, ThreadPage):
            return {}
        known: dict[str, Sequence[Link]] = dict(quoted_links or {})
        posts = list(page.posts)
        for post in posts:
            # Quotes point back to earlier posts; their links are known before any request.
            known[post.native_id] = extract_links(post.links, post.text)[0]
        enriched = self.enrich_many(posts, [known] * len(posts))
        return {
            post.native_id: enrichment for post, enrichment in zip(posts, enriched, strict=True)
        }
