"""The enrichment chain applied to every post between parsing and storing."""

from __future__ import annotations

from forumwatch.enrich.links import classify_links
from forumwatch.models import ParsedPage, Post, PostEnrichment, ThreadPage


class Enricher:
    """Turns parsed posts into what the store keeps about them besides their text."""

    def enrich(self, post: Post) -> PostEnrichment:
        """Enrich one post."""
        return PostEnrichment(links=classify_links(post.links))

    def enrich_page(self, page: ParsedPage) -> dict[str, PostEnrichment]:
        """Enrich every post of a page, keyed by the post's native id."""
        if not isinstance(page, ThreadPage):
            return {}
        return {post.native_id: self.enrich(post) for post in page.posts}
