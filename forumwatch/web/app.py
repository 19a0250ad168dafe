"""The app factory and what every view shares: context, the page guard, rendering.

:func:`create_app` builds a Starlette app for a workspace. Every page is an endpoint wrapped
by :func:`page`, which loads the session (or redirects to the login form), checks the role the
page needs and, for a POST, the CSRF token and origin; then the view runs with the
:class:`~forumwatch.web.auth.Viewer`. Store reads run in a thread pool (the event loop never
waits on the database); the only writes are sessions, the audit log and generated reports.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.privacy import Pseudonymiser
from forumwatch.settings import Settings
from forumwatch.store.base import Store
from forumwatch.web import csrf
from forumwatch.web.audit import Auditor
from forumwatch.web.auth import SESSION_COOKIE, LoginThrottle, Role, Sessions, Viewer
from forumwatch.web.display import defang
from forumwatch.web.headers import SecurityHeadersMiddleware
from forumwatch.workspace import Workspace

P = ParamSpec("P")
T = TypeVar("T")
STATIC = Path(__file__).parent / "static"
View = Callable[[Request, Viewer], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def wall_clock() -> datetime:
    """The current UTC time (the dashboard's default clock)."""
    return datetime.now(UTC)


@dataclass
class WebContext:
    """What the views share: the workspace, its store, the templates and the guards."""

    workspace: Workspace
    store: Store
    templates: Environment
    sessions: Sessions
    auditor: Auditor
    pseudonymiser: Pseudonymiser
    now: Callable[[], datetime] = wall_clock
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    cache: dict[Any, tuple[datetime, Any]] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        """The workspace's settings."""
        return self.workspace.settings

    async def read(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store read in the thread pool."""
        return await run_in_threadpool(function, *args, **kwargs)

    async def cached(self, key: Any, seconds: float, function: Callable[[], T]) -> T:
        """A read's result kept for ``seconds`` (costly analyses such as event detection)."""
        now = self.now()
        found = self.cache.get(key)
        if found is not None and now - found[0] < timedelta(seconds=seconds):
            value: T = found[1]
            return value
        value = await run_in_threadpool(function)
        self.cache[key] = (now, value)
        return value


def context(request: Request) -> WebContext:
    """The app's shared context."""
    found: WebContext = request.app.state.web
    return found


def client_of(request: Request) -> str:
    """The client's address, for the audit log."""
    return request.client.host if request.client is not None else ""


def render(
    request: Request,
    viewer: Viewer | None,
    template: str,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """A page from a template (autoescaped), with the viewer and their CSRF token."""
    ctx = context(request)
    html = ctx.templates.get_template(template).render(
        request=request,
        viewer=viewer,
        csrf_token=viewer.csrf_token if viewer is not None else "",
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(
    request: Request, viewer: Viewer | None, status_code: int, message: str
) -> HTMLResponse:
    """An error page that says what went wrong in one sentence."""
    return render(
        request, viewer, "error.html.j2", status_code, status=status_code, message=message
    )


def page(role: Role = "viewer") -> Callable[[View], Endpoint]:
    """Wrap a view: session required (else the login form), ``role`` or above (else 403, and
    an audit entry), and for POST a valid CSRF token and same origin (else 403 and an entry)."""

    def decorate(view: View) -> Endpoint:
        @functools.wraps(view)
        async def endpoint(request: Request) -> Response:
            ctx = context(request)
            token = request.cookies.get(SESSION_COOKIE)
            viewer = await ctx.read(ctx.sessions.current, token, ctx.now())
            if viewer is None:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                next_part = "" if request.method != "GET" else "?next=" + quote(target, safe="")
                response: Response = RedirectResponse("/login" + next_part, status_code=303)
                if token:
                    response.delete_cookie(SESSION_COOKIE, path="/")
                return response
            if request.method == "POST":
                form = await request.form()
                if not csrf.same_origin(request) or not csrf.tokens_match(
                    form.get(csrf.FIELD), viewer.csrf_token
                ):
                    await ctx.read(
                        ctx.auditor.record,
                        viewer.name,
                        viewer.role,
                        "csrf",
                        {"path": request.url.path},
                        "rejected",
                        client_of(request),
                    )
                    return error_page(request, viewer, 403, "The form was stale or not ours.")
            if not viewer.can(role):
                await ctx.read(
                    ctx.auditor.record,
                    viewer.name,
                    viewer.role,
                    "forbidden",
                    {"path": request.url.path, "needs": role},
                    "denied",
                    client_of(request),
                )
                return error_page(request, viewer, 403, f"This needs the {role} role.")
            try:
                return await view(request, viewer)
            except NotFoundError as error:
                return error_page(request, viewer, 404, str(error))
            except ConfigError as error:
                return error_page(request, viewer, 400, str(error))

        return endpoint

    return decorate


def template_environment() -> Environment:
    """The dashboard's Jinja2 environment: autoescaping on for every template."""
    environment = Environment(
        loader=PackageLoader("forumwatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["number"] = lambda value: f"{int(value or 0):,}"
    environment.filters["when"] = _when
    environment.filters["percent"] = lambda value: "-" if value is None else f"{value:.1%}"
    environment.filters["defang"] = defang
    return environment


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _routes() -> list[BaseRoute]:
    from forumwatch.web.views import (
        actors,
        admin,
        explore,
        login,
        overview,
        reports,
        search,
        threads,
        trends,
    )

    routes: list[BaseRoute] = [
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/favicon.ico", _no_favicon),
    ]
    for module in (
        login,
        overview,
        explore,
        trends,
        actors,
        search,
        threads,
        reports,
        admin,
    ):
        routes.extend(module.ROUTES)
    return routes


async def _no_favicon(request: Request) -> Response:
    return Response(status_code=204)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, None, 404, "No such page.")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error_page(request, None, status, "The request could not be served.")


def create_app(
    workspace: Workspace,
    store: Store | None = None,
    now: Callable[[], datetime] = wall_clock,
) -> Starlette:
    """The dashboard app for ``workspace`` (its own store unless one is given).

    Args:
        workspace: settings, store location, reports folder and pseudonym key.
        store: an open store to use instead of opening the workspace's.
        now: the clock for sessions and the audit log.
    """
    opened = store if store is not None else workspace.open_store()
    settings = workspace.settings
    pseudonymiser = workspace.pseudonymiser()
    templates = template_environment()
    templates.globals["pseudonym"] = pseudonymiser.handle
    ctx = WebContext(
        workspace=workspace,
        store=opened,
        templates=templates,
        sessions=Sessions(
            opened,
            idle=timedelta(minutes=settings.web_idle_minutes),
            lifetime=timedelta(hours=settings.web_session_hours),
        ),
        auditor=Auditor(opened, now),
        pseudonymiser=pseudonymiser,
        now=now,
    )
    handlers: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        404: _not_found,
        HTTPException: _http_error,
    }
    app = Starlette(routes=_routes(), exception_handlers=dict(handlers))
    app.add_middleware(SecurityHeadersMiddleware)
    app.state.web = ctx
    return app
