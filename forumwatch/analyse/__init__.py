"""Analysis: pure functions of (store, parameters) that return series, tables and events.

Modules (each function's docstring states its figure's definition):

- :mod:`~forumwatch.analyse.series`: ``Series``, ``SeriesPoint``, ``Granularity`` (day, week,
  month), ``DayState`` (observed, unavailable, unmonitored), ``Scope`` (site, section,
  language, thread), resampling, shares, CSV rows.
- :mod:`~forumwatch.analyse.activity`: posts, active members, new members; per section and per
  section language.
- :mod:`~forumwatch.analyse.keywords`: lexicon and term mentions, their share of posts.
- :mod:`~forumwatch.analyse.linkindex`: the file-sharing index (each URL once), re-shares.
- :mod:`~forumwatch.analyse.hosts`: links per host and family, complaints, top hosts.
- :mod:`~forumwatch.analyse.tags`: threads and the share carrying a tag.
- :mod:`~forumwatch.analyse.actors`: first/last seen, dormant returns, shared handles (exact,
  normalised, fuzzy), watch lists.
- :mod:`~forumwatch.analyse.anomalies`: change points and outliers on count series.
- :mod:`~forumwatch.analyse.events`: ``Event``, ``EventType``, ``Reason``, ``detect_events``
  (detectors in ``detect``, ``hostevents``, ``tagtrend``).
- :mod:`~forumwatch.analyse.alerts`: watch rules, webhook and e-mail notifications.
- :mod:`~forumwatch.analyse.catalog`: every series by name, headline figures.
"""
