"""Small local sites that log members in the way phpBB, MyBB, SMF, vBulletin and XenForo do.

Each serves its engine's login form (markup after the engines' default templates: phpBB
prosilver ``login_body.html``, MyBB 1.8 ``member_login``, SMF 2.0 ``Login.template.php``,
vBulletin 4's navbar form, XenForo 2's ``login`` template), with the engine's hidden token,
checks the posted fields like the engine would, sets its session cookie, and shows the board
index with a logout link to members and a login request to guests. Every request is recorded.
"""

# ruff: noqa: E501 - engine markup is kept as the templates write it, one tag a line

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


@dataclass(frozen=True)
class EngineForm:
    """How one engine's login looks from the outside."""

    login_path: str
    post_path: str
    user_field: str
    password_field: str
    token_field: str
    cookie: str
    logout_href: str
    form: str
    redirect_page: bool = False


ENGINES: dict[str, EngineForm] = {
    "phpbb": EngineForm(
        "/ucp.php?mode=login",
        "/ucp.php?mode=login",
        "username",
        "password",
        "form_token",
        "phpbb3_abcde_sid",
        "./ucp.php?mode=logout&amp;sid={token}",
        """<form action="./ucp.php?mode=login" method="post" id="login" data-focus="username">
<div class="panel"><div class="inner"><div class="content"><h2 class="login-title">Login</h2>
<fieldset class="fields1">
<dl><dt><label for="username">Username:</label></dt><dd><input type="text" tabindex="1" name="username" id="username" size="25" value="" class="inputbox autowidth" /></dd></dl>
<dl><dt><label for="password">Password:</label></dt><dd><input type="password" tabindex="2" id="password" name="password" size="25" class="inputbox autowidth" autocomplete="off" /></dd></dl>
<dl><dd><label for="autologin"><input type="checkbox" name="autologin" id="autologin" tabindex="4" /> Remember me</label></dd></dl>
<input type="hidden" name="redirect" value="./index.php" />
<input type="hidden" name="creation_time" value="1583064000" />
<input type="hidden" name="form_token" value="{token}" />
<dl><dt>&nbsp;</dt><dd><input type="submit" name="login" tabindex="6" value="Login" class="button1" /></dd></dl>
</fieldset></div></div></div></form>""",
    ),
    "mybb": EngineForm(
        "/member.php?action=login",
        "/member.php",
        "username",
        "password",
        "my_post_key",
        "mybbuser",
        "member.php?action=logout&amp;logoutkey={token}",
        """<form action="member.php" method="post">
<table border="0" cellspacing="0" cellpadding="5" class="tborder">
<tr><td class="thead" colspan="2"><strong>Login</strong></td></tr>
<tr><td class="trow1" width="25%"><strong>Username:</strong></td><td class="trow1"><input type="text" class="textbox" name="username" size="25" style="width: 200px;" value="" /></td></tr>
<tr><td class="trow2"><strong>Password:</strong></td><td class="trow2"><input type="password" class="textbox" name="password" size="25" style="width: 200px;" value="" /> (<a href="member.php?action=lostpw">Lost Password?</a>)</td></tr>
<tr><td class="trow1" colspan="2" align="center"><label><input type="checkbox" class="checkbox" name="remember" checked="checked" value="yes" /> Remember me</label></td></tr>
</table>
<div align="center"><input type="submit" class="button" name="submit" value="Login" /></div>
<input type="hidden" name="action" value="do_login" />
<input type="hidden" name="url" value="" />
<input type="hidden" name="my_post_key" value="{token}" />
</form>""",
    ),
    "smf": EngineForm(
        "/index.php?action=login",
        "/index.php?action=login2",
        "user",
        "passwrd",
        "c5e2a1f0",
        "SMFCookie956",
        "index.php?action=logout;sesc={token}",
        """<form action="index.php?action=login2" name="frmLogin" id="frmLogin" method="post" accept-charset="UTF-8">
<div class="tborder login"><div class="cat_bar"><h3 class="catbg">Login</h3></div>
<div class="roundframe">
<dl><dt>Username:</dt><dd><input type="text" name="user" size="20" value="" class="input_text" /></dd>
<dt>Password:</dt><dd><input type="password" name="passwrd" value="" size="20" class="input_password" /></dd></dl>
<dl><dt>Minutes to stay logged in:</dt><dd><input type="text" name="cookielength" size="4" maxlength="4" value="60" class="input_text" /></dd>
<dt>Always stay logged in:</dt><dd><input type="checkbox" name="cookieneverexp" class="input_check" /></dd></dl>
<p><input type="submit" value="Login" class="button_submit" /></p>
<input type="hidden" name="hash_passwrd" value="" /><input type="hidden" name="c5e2a1f0" value="{token}" />
</div></div></form>""",
    ),
    "vbulletin": EngineForm(
        "/",
        "/login.php?s=&do=login",
        "vb_login_username",
        "vb_login_password",
        "securitytoken",
        "bb_sessionhash",
        "login.php?do=logout&amp;logouthash={token}",
        """<form id="navbar_loginform" action="login.php?s=&amp;do=login" method="post">
<fieldset id="logindetails" class="logindetails"><div><div>
<input type="text" class="textbox default-value" name="vb_login_username" id="navbar_username" size="10" accesskey="u" tabindex="101" value="User Name" />
<input type="password" class="textbox" tabindex="102" name="vb_login_password" id="navbar_password" size="10" />
<input type="text" class="textbox default-value" tabindex="102" name="vb_login_password_hint" id="navbar_password_hint" size="10" value="Password" style="display:none;" />
<input type="submit" class="loginbutton" tabindex="104" value="Log in" accesskey="s" />
</div></div></fieldset>
<div id="remember" class="remember"><label for="cb_cookieuser_navbar"><input type="checkbox" name="cookieuser" value="1" id="cb_cookieuser_navbar" class="cb_cookieuser_navbar" accesskey="c" tabindex="103" /> Remember Me?</label></div>
<input type="hidden" name="s" value="" />
<input type="hidden" name="securitytoken" value="{token}" />
<input type="hidden" name="do" value="login" />
<input type="hidden" name="vb_login_md5password" />
<input type="hidden" name="vb_login_md5password_utf" />
</form>""",
        redirect_page=True,
    ),
    "xenforo": EngineForm(
        "/index.php?login/",
        "/index.php?login/login",
        "login",
        "password",
        "_xfToken",
        "xf_session",
        "/index.php?logout/&amp;t={token}",
        """<form action="/index.php?login/login" method="post" class="block">
<input type="hidden" name="_xfToken" value="{token}" />
<div class="block-container"><div class="block-body">
<dl class="formRow formRow--input"><dt><div class="formRow-labelWrapper"><label class="formRow-label" for="_xfUid-1">Your name or email address</label></div></dt>
<dd><input type="text" class="input" name="login" autocomplete="username" id="_xfUid-1" /></dd></dl>
<dl class="formRow formRow--input"><dt><div class="formRow-labelWrapper"><label class="formRow-label" for="_xfUid-2">Password</label></div></dt>
<dd><div class="inputGroup inputGroup--joined"><input type="password" class="input" name="password" autocomplete="current-password" id="_xfUid-2" /></div></dd></dl>
<dl class="formRow"><dt></dt><dd><ul class="inputChoices"><li class="inputChoices-choice"><label class="iconic"><input type="checkbox" name="remember" value="1" checked="checked" /><span class="iconic-label">Stay logged in</span></label></li></ul></dd></dl>
</div>
<dl class="formRow formSubmitRow"><dt></dt><dd><div class="formSubmitRow-controls"><button type="submit" class="button--primary button"><span class="button-text">Log in</span></button></div></dd></dl>
</div>
<input type="hidden" name="_xfRedirect" value="/" />
</form>""",
    ),
}


def _page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    ).encode()


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""


@dataclass
class EngineLoginSite:
    """A login-gated board imitating one engine; use as a context manager."""

    engine: str
    username: str
    password: str
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    port: int = 0

    def __post_init__(self) -> None:
        self.spec = ENGINES[self.engine]
        self.token = secrets.token_hex(12)
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> EngineLoginSite:
        self._server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def app(
        self, environ: dict[str, Any], start_response: Callable[..., object]
    ) -> Iterable[bytes]:
        """The WSGI application."""
        method = environ["REQUEST_METHOD"]
        query = environ.get("QUERY_STRING", "")
        target = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.requests.append((method, target, body))
        cookies = dict(
            part.strip().split("=", 1)
            for part in environ.get("HTTP_COOKIE", "").split(";")
            if "=" in part
        )
        member = cookies.get(self.spec.cookie) in self.sessions
        spec = self.spec
        if method == "POST" and target == spec.post_path:
            return self._log_in(dict(parse_qsl(body.decode())), start_response)
        if target == spec.login_path and not member:
            form = spec.form.replace("{token}", self.token)
            return _respond(start_response, _page("Login", form))
        if member:
            logout = spec.logout_href.replace("{token}", self.token)
            body_html = (
                f'<div id="header"><a href="{logout}">Log out</a></div>'
                '<div class="forums"><h2>Allotment Talk</h2><p>Welcome back.</p></div>'
            )
            return _respond(start_response, _page("Board index", body_html))
        login = spec.login_path.lstrip("/")
        guest = (
            f'<div id="header"><a href="{login or "index.php"}">Log in</a></div>'
            "<p>You must be logged in to view this board.</p>"
        )
        if spec.login_path == "/":
            guest += spec.form.replace("{token}", self.token)
        return _respond(start_response, _page("Board index", guest))

    def _log_in(
        self, form: dict[str, str], start_response: Callable[..., object]
    ) -> Iterable[bytes]:
        spec = self.spec
        if (
            form.get(spec.user_field) == self.username
            and form.get(spec.password_field) == self.password
            and form.get(spec.token_field) == self.token
        ):
            session = secrets.token_hex(16)
            self.sessions.add(session)
            cookie = ("Set-Cookie", f"{spec.cookie}={session}; path=/; HttpOnly")
            if spec.redirect_page:
                page = _page("Redirecting", "<p>Thank you for logging in.</p>")
                return _respond(start_response, page, [cookie])
            return _respond(start_response, b"", [cookie, ("Location", "/")], "302 Found")
        return _respond(start_response, _page("Error", "<p>Invalid username or password.</p>"))


def _respond(
    start_response: Callable[..., object],
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
    status: str = "200 OK",
) -> Iterable[bytes]:
    start_response(
        status,
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        + (headers or []),
    )
    return [body]
