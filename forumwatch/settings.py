"""Every setting, declared once: name, default and help.

Values are layered, later sources winning: the declared default < the workspace file
(``forumwatch.toml``, table ``[settings]``) < environment variables (``FORUMWATCH_<NAME>``) <
command-line overrides. ``forumwatch settings`` lists them all with their help.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forumwatch.errors import ConfigError

ENV_PREFIX = "FORUMWATCH_"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings of a workspace. Build one with :func:`load_settings`."""

    store_url: str = _setting(
        "", "SQLAlchemy URL of the store; empty means forumwatch.db inside the workspace."
    )
    warc_dir: str = _setting("warc", "Folder for WARC archives, relative to the workspace.")
    warc_compression_level: int = _setting(
        6, "gzip level of WARC records, 1 (fastest) to 9 (smallest)."
    )
    warc_max_bytes: int = _setting(
        1_000_000_000, "Start a new WARC file once the current one passes this size."
    )
    user_agent: str = _setting(
        "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0",
        "User-Agent header sent to sites (Tor Browser's by default, to blend in).",
    )
    proxy: str = _setting(
        "", "Default proxy for every site, e.g. socks5h://127.0.0.1:9050; empty for none."
    )
    request_timeout_seconds: float = _setting(
        60.0, "Give up on a response after this many seconds (hidden services are slow)."
    )
    connect_timeout_seconds: float = _setting(30.0, "Give up connecting after this many seconds.")
    max_page_bytes: int = _setting(
        10_000_000, "Abort and discard a response larger than this (text-only guard)."
    )
    crawl_concurrency: int = _setting(2, "Requests in flight at once per site.")
    crawl_delay_seconds: float = _setting(
        2.0, "Pause between two requests to the same site, per connection slot."
    )
    crawl_retries: int = _setting(3, "Attempts per URL before it is recorded as failed.")
    crawl_backoff_seconds: float = _setting(
        5.0, "First back-off after a 429/503 or network error; doubles with jitter."
    )
    crawl_page_budget: int = _setting(0, "Most pages fetched per site per run; 0 for no limit.")
    max_gap_days: int = _setting(
        2, "Crawls further apart than this many days leave the days between unmonitored."
    )
    write_batch_pages: int = _setting(
        1, "Pages the single store writer commits in one transaction."
    )
    proxies: str = _setting(
        "",
        "Comma-separated proxy URLs (several Tor SOCKS ports); sites are spread over them "
        "by name. Used instead of `proxy` when set.",
    )
    socks_isolation: bool = _setting(
        True, "Give each site its own SOCKS username/password, so Tor puts it on its own circuit."
    )
    crawl_retry_budget: int = _setting(
        200, "Most retries (attempts after the first) per site per run; 0 for no limit."
    )
    crawl_max_backoff_seconds: float = _setting(
        600.0, "Longest pause after 429/503 answers or network errors (Retry-After included)."
    )
    down_retry_minutes: float = _setting(
        15.0,
        "With `crawl --every`, retry a site found down after this long, doubling up to "
        "the interval.",
    )
    # Analysis and watch-rule alerts (forumwatch/analyse/alerts.py).
    dormant_days: int = _setting(
        365, "A member silent at least this many days who posts again is a dormant return."
    )
    alert_event_days: int = _setting(
        14, "Event rules look at events that started in this many days before the crawl."
    )
    smtp_host: str = _setting("127.0.0.1", "SMTP server for alert e-mails.")
    smtp_port: int = _setting(25, "SMTP port for alert e-mails.")
    smtp_from: str = _setting("forumwatch@localhost", "Sender address of alert e-mails.")
    smtp_starttls: bool = _setting(False, "Use STARTTLS with the SMTP server.")
    smtp_user: str = _setting(
        "", "SMTP login, if the server needs one (password: FORUMWATCH_SMTP_PASSWORD)."
    )
    webhook_timeout_seconds: float = _setting(10.0, "Give up delivering a webhook after this.")
    # The dashboard (forumwatch/web).
    web_idle_minutes: float = _setting(
        30.0, "Dashboard sessions end after this many minutes without a request."
    )
    web_session_hours: float = _setting(
        12.0, "Dashboard sessions end this many hours after login, active or not."
    )


def setting_help() -> list[tuple[str, str, str]]:
    """Return (name, default, help) for every setting, in declaration order."""
    return [
        (f.name, repr(f.default), str(f.metadata.get("help", "")))
        for f in dataclasses.fields(Settings)
    ]


def _coerce(name: str, raw: object, target: object) -> object:
    """Convert a raw value (TOML value or environment string) to the type of ``target``."""
    try:
        if isinstance(target, bool):
            if isinstance(raw, str):
                return raw.strip().lower() in {"1", "true", "yes", "on"}
            return bool(raw)
        if isinstance(target, int):
            return int(str(raw).replace("_", ""))
        if isinstance(target, float):
            return float(str(raw))
        return str(raw)
    except ValueError as error:
        raise ConfigError(
            f"setting {name!r}: cannot read {raw!r} as {type(target).__name__}"
        ) from error


def load_settings(
    file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Build the effective settings: defaults < file < environment < overrides.

    Args:
        file: a TOML file with a ``[settings]`` table; missing files are ignored.
        environ: the environment to read ``FORUMWATCH_*`` variables from (default os.environ).
        overrides: values from the command line; ``None`` values are ignored.

    Raises:
        ConfigError: an unknown setting name, or a value of the wrong type.
    """
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in dataclasses.fields(Settings)}
    values: dict[str, object] = {}
    if file is not None and file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{file}: {error}") from error
        table = data.get("settings", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{file}: [settings] must be a table")
        for name, raw in table.items():
            if name not in known:
                raise ConfigError(f"{file}: unknown setting {name!r}")
            values[name] = _coerce(name, raw, known[name])
    env = os.environ if environ is None else environ
    for name, default in known.items():
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key], default)
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, raw, known[name])
    return dataclasses.replace(defaults, **values)  # type: ignore[arg-type]
