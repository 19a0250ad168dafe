"""The exception tree: one root, narrow subclasses.

Every error forumwatch raises on purpose derives from :class:`ForumwatchError`, so the command
line can turn any of them into a one-line message and a non-zero exit code.
"""

from __future__ import annotations


class ForumwatchError(Exception):
    """Root of every error that forumwatch raises on purpose."""


class ConfigError(ForumwatchError):
    """A setting, profile or data file is missing or malformed."""


class WorkspaceError(ForumwatchError):
    """The workspace folder is missing, not initialised, or unusable."""


class StoreError(ForumwatchError):
    """The store cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The store was written by a newer forumwatch than this one."""


class NotFoundError(StoreError):
    """A named object (site, user, report) does not exist in the store."""


class CrawlError(ForumwatchError):
    """A crawl cannot start or must stop (as opposed to one failed fetch, which is logged)."""


class InvalidURLError(CrawlError):
    """A URL given by the user is malformed or has an unsupported scheme."""


class SiteUnreachableError(CrawlError):
    """A site could not be reached at all during a crawl."""


class SessionError(CrawlError):
    """A site's session is unusable: logged out, captcha, ban or maintenance page."""


class ParseError(ForumwatchError):
    """A page could not be parsed at all (parsers normally record problems instead)."""


class ArchiveError(ForumwatchError):
    """A WARC file is unreadable or does not match the store."""


class ReportError(ForumwatchError):
    """A report or export cannot be produced."""
