"""Logging in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from forumwatch.web import csrf
from forumwatch.web.app import client_of, context, page, render
from forumwatch.web.auth import SESSION_COOKIE, Viewer


def _safe_next(target: object) -> str:
    """Only local paths: an attacker's ``next=https://...`` must not leave the dashboard."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and len(target) < 2000
        # Browsers drop tabs and newlines from URLs: "/\t/evil.example" would become "//...".
        and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return target
    return "/"


def _login_form(request: Request, message: str = "", status_code: int = 200) -> Response:
    token = csrf.new_token()
    response = render(
        request,
        None,
        "login.html.j2",
        status_code,
        login_token=token,
        message=message,
        next=_safe_next(request.query_params.get("next", "/")),
    )
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


async def login_form(request: Request) -> Response:
    """GET /login: the form."""
    return _login_form(request)


async def login(request: Request) -> Response:
    """POST /login: check the password, open a session, log the attempt either way."""
    ctx = context(request)
    form = await request.form()
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))
    client = client_of(request)
    if not csrf.same_origin(request) or not csrf.tokens_match(
        form.get(csrf.FIELD), request.cookies.get(csrf.LOGIN_COOKIE)
    ):
        await ctx.read(ctx.auditor.record, name, "", "csrf", {"path": "/login"}, "rejected", client)
        return _login_form(request, "The form expired; please try again.", 403)
    keys = (f"name:{name}", f"client:{client}")
    if ctx.throttle.blocked(keys):
        await ctx.read(ctx.auditor.record, name, "", "login", {}, "throttled", client)
        return _login_form(request, "Too many failed attempts; try again later.", 429)
    opened = await ctx.read(ctx.sessions.login, name, password, ctx.now())
    if opened is None:
        ctx.throttle.failed(keys)
        await ctx.read(ctx.auditor.record, name, "", "login", {}, "failed", client)
        return _login_form(request, "Wrong name or password.", 401)
    ctx.throttle.succeeded(keys)
    token, user = opened
    await ctx.read(ctx.auditor.record, user.name, user.role, "login", {}, "ok", client)
    response = RedirectResponse(_safe_next(form.get("next", "/")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/login")
    return response


@page()
async def logout(request: Request, viewer: Viewer) -> Response:
    """POST /logout: end the session."""
    ctx = context(request)
    await ctx.read(ctx.sessions.logout, viewer)
    await ctx.read(
        ctx.auditor.record, viewer.name, viewer.role, "logout", {}, "ok", client_of(request)
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
