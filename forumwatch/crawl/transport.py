"""The HTTP client of one site: its proxy, its Tor circuit, its timeouts.

* ``socks5h://`` proxies resolve host names in the proxy: a ``.onion`` name reaches Tor
  unresolved (httpx sends every SOCKS5 CONNECT as a domain name, never a local lookup).
* With ``socks_isolation`` each site gets its own SOCKS username/password, derived from its
  name; Tor (``IsolateSOCKSAuth``, on by default) then keeps each site on its own circuit, so
  one site's traffic cannot be linked to another's and one slow circuit does not stall all.
* Several proxies (several Tor SOCKS ports) spread the sites over them, by a stable hash of
  the site name, so a site always uses the same port.
* No redirects are followed by httpx (the fetcher checks each hop against the scope), and the
  environment's proxy variables are ignored (``trust_env=False``): nothing leaves the proxy
  a site is configured with.
"""

from __future__ import annotations

import functools
import hashlib
import ssl
from urllib.parse import urlsplit, urlunsplit

import httpx

from forumwatch.crawl.profile import CrawlPolicy
from forumwatch.errors import ConfigError
from forumwatch.settings import Settings

ACCEPT = "text/html,application/xhtml+xml;q=0.9"


def proxy_list(settings: Settings) -> list[str]:
    """The configured default proxies: the ``proxies`` list, else ``proxy``, else none."""
    listed = [p.strip() for p in settings.proxies.split(",") if p.strip()]
    if listed:
        return listed
    return [settings.proxy] if settings.proxy else []


def choose_proxy(site_name: str, policy: CrawlPolicy, settings: Settings) -> str | None:
    """The proxy URL a site uses: its own, else one of the defaults chosen by its name."""
    if policy.proxy:
        return policy.proxy
    proxies = proxy_list(settings)
    if not proxies:
        return None
    index = int.from_bytes(hashlib.sha256(site_name.encode()).digest()[:8], "big")
    return proxies[index % len(proxies)]


def isolation_credentials(site_name: str) -> tuple[str, str]:
    """The SOCKS username/password that puts a site on its own Tor circuit.

    Stable for a site (its circuit survives restarts of the crawler), distinct between sites,
    and revealing nothing about the name to the proxy.
    """
    digest = hashlib.sha256(f"forumwatch-circuit:{site_name}".encode()).hexdigest()
    return f"fw-{digest[:16]}", digest[16:32]


def build_proxy(site_name: str, policy: CrawlPolicy, settings: Settings) -> httpx.Proxy | None:
    """The httpx proxy of a site, with isolation credentials for SOCKS when asked for.

    Raises:
        ConfigError: the proxy URL has an unsupported scheme.
    """
    url = choose_proxy(site_name, policy, settings)
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"socks5", "socks5h", "http", "https"}:
        raise ConfigError(f"site {site_name!r}: unsupported proxy scheme in {describe_proxy(url)}")
    if parts.scheme.startswith("socks") and policy.socks_isolation and not parts.username:
        return httpx.Proxy(url, auth=isolation_credentials(site_name))
    return httpx.Proxy(url)


def describe_proxy(url: str | None) -> str:
    """A proxy URL fit for logs: any credentials in it are left out."""
    if not url:
        return "direct"
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client: each would otherwise load the CA bundle (~1 MB)."""
    return httpx.create_ssl_context()


def build_client(
    site_name: str,
    policy: CrawlPolicy,
    settings: Settings,
    cookies: httpx.Cookies | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An httpx client for one site: proxy and circuit, timeouts, connection cap, no redirects.

    ``transport`` replaces the network (tests hand in an ``httpx.MockTransport``).
    """
    timeout = httpx.Timeout(policy.request_timeout_seconds, connect=policy.connect_timeout_seconds)
    limits = httpx.Limits(
        max_connections=max(1, policy.concurrency),
        max_keepalive_connections=max(1, policy.concurrency),
    )
    return httpx.AsyncClient(
        proxy=None if transport is not None else build_proxy(site_name, policy, settings),
        transport=transport,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        verify=_tls_context(),
        cookies=cookies,
        headers={"User-Agent": policy.user_agent, "Accept": ACCEPT},
        trust_env=False,
    )
