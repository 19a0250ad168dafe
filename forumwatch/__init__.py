"""forumwatch: text-only monitoring and trend analysis of forums, imageboards, chats and pastes.

The pipeline is ``crawl -> archive (WARC) -> parse -> enrich -> store -> analyse -> report``;
each stage is a subpackage. The command line (:mod:`forumwatch.cli`) and the web dashboard
(:mod:`forumwatch.web`) are thin layers over these libraries.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
