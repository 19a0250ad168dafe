"""Site profiles: a TOML file per site, stored with the site, read by every crawler.

```toml
[crawl]                       # politeness and transport; anything left out comes from settings
delay_seconds = 5.0           # pause between two requests per connection slot
concurrency = 1               # requests in flight at once
page_budget = 2000            # most pages per run (0: no limit); the rest waits for the next run
retries = 3                   # attempts per URL
retry_budget = 100            # most retries per run
backoff_seconds = 10.0        # first pause after a 429/503 or network error; doubles, with jitter
max_backoff_seconds = 600.0   # cap of that pause (Retry-After included)
max_page_bytes = 5_000_000    # larger responses are aborted and discarded
request_timeout_seconds = 90  # total deadline of one response, slow drips included
connect_timeout_seconds = 30
proxy = "socks5h://127.0.0.1:9050"   # this site's proxy (default: settings proxy / proxies)
socks_isolation = true        # own SOCKS credentials, hence own Tor circuit
user_agent = "Mozilla/5.0 ..."
scope = "/forum/"             # path prefix of the crawl scope (default: the base URL's folder)

[login]                       # a form login, or a cookie jar exported from a browser
engine = "phpbb"              # phpbb, mybb, smf, vbulletin, xenforo (default: the site's engine)
url = "ucp.php?mode=login"    # the login page, relative to the base URL (default per engine)
username = "watcher"          # or username_env = "VAR"
password_env = "FW_HARBOUR_PASSWORD"    # or password_file = "/run/secrets/harbour"
cookies_file = "/path/to/cookies.txt"   # Netscape format, for sites behind captchas
logged_in_selector = 'a[href*="logout"]'  # present on every page while logged in

[parse]                       # the parser's selectors etc.: see forumwatch.parse.profile
```

A password is never written into a profile (which is stored with the site): ``password =``
is refused; the secret is read from the environment or a file when the crawl starts.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from forumwatch.errors import ConfigError
from forumwatch.models import Site
from forumwatch.parse.profile import ParseProfile
from forumwatch.settings import Settings

LOGIN_ENGINES = ("phpbb", "mybb", "smf", "vbulletin", "xenforo")
"""Engines whose login form forumwatch knows."""


@dataclass(frozen=True, slots=True)
class CrawlPolicy:
    """The effective politeness and transport of one site: profile over settings."""

    delay_seconds: float
    concurrency: int
    page_budget: int
    retries: int
    retry_budget: int
    backoff_seconds: float
    max_backoff_seconds: float
    max_page_bytes: int
    request_timeout_seconds: float
    connect_timeout_seconds: float
    proxy: str
    socks_isolation: bool
    user_agent: str
    scope: str | None = None


# [crawl] key -> the setting that gives its default (None: no setting, default None).
_CRAWL_KEYS: dict[str, str | None] = {
    "delay_seconds": "crawl_delay_seconds",
    "concurrency": "crawl_concurrency",
    "page_budget": "crawl_page_budget",
    "retries": "crawl_retries",
    "retry_budget": "crawl_retry_budget",
    "backoff_seconds": "crawl_backoff_seconds",
    "max_backoff_seconds": "crawl_max_backoff_seconds",
    "max_page_bytes": "max_page_bytes",
    "request_timeout_seconds": "request_timeout_seconds",
    "connect_timeout_seconds": "connect_timeout_seconds",
    "proxy": None,
    "socks_isolation": "socks_isolation",
    "user_agent": "user_agent",
    "scope": None,
}
_LOGIN_KEYS = frozenset(
    {
        "engine",
        "url",
        "username",
        "username_env",
        "password_env",
        "password_file",
        "cookies_file",
        "logged_in_selector",
    }
)
_SECRET_KEYS = frozenset({"password", "passwd", "secret", "token"})


@dataclass(frozen=True, slots=True)
class LoginProfile:
    """How to get a session on a site; the password itself is never held here."""

    engine: str | None = None
    url: str | None = None
    username: str | None = None
    username_env: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    cookies_file: str | None = None
    logged_in_selector: str | None = None

    @property
    def form_login(self) -> bool:
        """True when the profile asks for a form login (rather than only cookies)."""
        return bool(self.username or self.username_env) and bool(
            self.password_env or self.password_file
        )

    @property
    def configured(self) -> bool:
        """True when the site needs any session at all."""
        return self.form_login or bool(self.cookies_file)

    def credentials(self, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
        """The username and password, read now from the environment or the secrets file.

        Raises:
            ConfigError: a variable is unset or the file unreadable (the message never
                contains the secret).
        """
        env = os.environ if environ is None else environ
        username = self.username
        if self.username_env:
            username = env.get(self.username_env)
            if not username:
                raise ConfigError(f"login: environment variable {self.username_env} is not set")
        if not username:
            raise ConfigError("login: no username (username or username_env)")
        if self.password_env:
            password = env.get(self.password_env)
            if not password:
                raise ConfigError(f"login: environment variable {self.password_env} is not set")
            return username, password
        if self.password_file:
            try:
                password = Path(self.password_file).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ConfigError(
                    f"login: cannot read the password file {self.password_file}: {error.strerror}"
                ) from None
            if not password:
                raise ConfigError(f"login: the password file {self.password_file} is empty")
            return username, password
        raise ConfigError("login: no password source (password_env or password_file)")


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """A parsed site profile: the raw ``[crawl]`` values, the login, and ``[parse]`` as given."""

    crawl: Mapping[str, Any] = field(default_factory=dict)
    login: LoginProfile = field(default_factory=LoginProfile)
    parse: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    def policy(self, settings: Settings, site_proxy: str | None = None) -> CrawlPolicy:
        """The effective crawl policy: the profile's values, else the site's, else settings."""
        values: dict[str, Any] = {}
        for key, setting in _CRAWL_KEYS.items():
            if key in self.crawl:
                values[key] = self.crawl[key]
            elif setting is not None:
                values[key] = getattr(settings, setting)
        proxy = self.crawl.get("proxy") or site_proxy or ""
        values["proxy"] = str(proxy)
        values.setdefault("scope", None)
        return CrawlPolicy(**values)


def parse_profile(text: str, source: str = "profile") -> SiteProfile:
    """Read a profile from TOML text.

    Raises:
        ConfigError: malformed TOML, an unknown table or key, a value of the wrong type, or a
            password written into the profile.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: {error}") from error
    unknown = set(data) - {"crawl", "login", "parse"}
    if unknown:
        raise ConfigError(f"{source}: unknown table(s) {', '.join(sorted(unknown))}")
    crawl = _table(data, "crawl", source)
    login = _table(data, "login", source)
    parse = _table(data, "parse", source)
    if parse:
        ParseProfile.from_mapping({"parse": {"engine": "phpbb", **parse}}, name=source)
    return SiteProfile(_check_crawl(crawl, source), _check_login(login, source), parse, text)


def parse_table(site: Site, profile: SiteProfile) -> ParseProfile:
    """The checked ``[parse]`` table of a site's profile; engine, timezone and language default
    to the site's own.

    Raises:
        ConfigError: the table is invalid.
    """
    table = dict(profile.parse)
    if site.engine and site.engine != "auto":
        table.setdefault("engine", site.engine)
    table.setdefault("timezone", site.timezone)
    if site.language:
        table.setdefault("language", site.language)
    return ParseProfile.from_mapping({"parse": table}, name=site.name)


def load_profile(path: Path) -> SiteProfile:
    """Read a profile file.

    Raises:
        ConfigError: the file is unreadable or invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read profile {path}: {error.strerror}") from error
    return parse_profile(text, str(path))


def _table(data: Mapping[str, Any], name: str, source: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [{name}] must be a table")
    return table


def _check_crawl(table: dict[str, Any], source: str) -> dict[str, Any]:
    policy_types = {f.name: f.type for f in fields(CrawlPolicy)}
    checked: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _CRAWL_KEYS:
            known = ", ".join(sorted(_CRAWL_KEYS))
            raise ConfigError(f"{source}: unknown [crawl] key {key!r} (known: {known})")
        expected = str(policy_types[key])
        if expected.startswith("bool"):
            ok = isinstance(value, bool)
        elif expected.startswith("int"):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif expected.startswith("float"):
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            value = float(value) if ok else value
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ConfigError(f"{source}: [crawl] {key} = {value!r} is not a valid {expected}")
        checked[key] = value
    if checked.get("concurrency", 1) < 1 or checked.get("retries", 1) < 1:
        raise ConfigError(f"{source}: [crawl] concurrency and retries must be at least 1")
    proxy = checked.get("proxy")
    if proxy and not str(proxy).startswith(("socks5://", "socks5h://", "http://", "https://")):
        raise ConfigError(f"{source}: [crawl] proxy must be a socks5h://, socks5:// or http:// URL")
    return checked


def _check_login(table: dict[str, Any], source: str) -> LoginProfile:
    for key, value in table.items():
        if key in _SECRET_KEYS:
            raise ConfigError(
                f"{source}: [login] {key} is not accepted (profiles are stored with the site); "
                "use password_env or password_file"
            )
        if key not in _LOGIN_KEYS:
            known = ", ".join(sorted(_LOGIN_KEYS))
            raise ConfigError(f"{source}: unknown [login] key {key!r} (known: {known})")
        if not isinstance(value, str):
            raise ConfigError(f"{source}: [login] {key} must be a string")
    engine = table.get("engine")
    if engine is not None and engine not in LOGIN_ENGINES:
        raise ConfigError(
            f"{source}: [login] engine {engine!r} has no known login form "
            f"({', '.join(LOGIN_ENGINES)})"
        )
    login = LoginProfile(**table)
    if (login.username or login.username_env) and not (login.password_env or login.password_file):
        raise ConfigError(f"{source}: [login] needs password_env or password_file")
    return login
