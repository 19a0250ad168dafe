"""The dashboard: an ASGI app (Starlette, Jinja2) over the store and the analysis.

Library first: :func:`forumwatch.web.app.create_app` builds the app for a workspace; the
``serve`` command only runs it under uvicorn. Security lives in :mod:`~forumwatch.web.auth`
(argon2 passwords, roles, server-side sessions), :mod:`~forumwatch.web.csrf`,
:mod:`~forumwatch.web.headers` (CSP and friends) and :mod:`~forumwatch.web.audit`; crawled text
is shown through :mod:`~forumwatch.web.display` (escaped, links defanged, handles pseudonymised).
"""
