"""The one HTTP client a process uses for every source."""

from __future__ import annotations

import contextlib
import functools
import importlib
import ssl
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from dashboard.config import Fetch

# Only encodings that retrieve() inflates itself, with a cap (no br/zstd: uncapped here).
ACCEPT_ENCODING = "gzip, deflate"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context every client of this process shares: certificates and
    host names checked against certifi's CA bundle, nothing taken from the environment.
    Made once: loading the bundle costs 20-60 ms of CPU, and `fetch --once` with article
    pages made it twice (the feeds' client and the pages')."""
    return httpx.create_ssl_context(verify=True, trust_env=False)


def import_connection_backend() -> None:
    """Import what a client's first connection imports (anyio's asyncio backend, 10-20 ms),
    so that a round can do it in a thread before it fetches: imported inside the first
    fetch, it held the event loop of a collecting screen (docs/PERFORMANCE.md §4, "Loop
    stalls: a seventh pass"). A later anyio that names it otherwise imports it there."""
    with contextlib.suppress(ImportError):
        importlib.import_module("anyio._backends._asyncio")


def make_client(fetch: Fetch, *, connections: int | None = None) -> httpx.AsyncClient:
    """An AsyncClient for all sources: configured User-Agent, a connection pool bounded by
    `fetch.concurrency`, redirects followed up to `fetch.max_redirects`, connection
    failures retried `fetch.retries` times with backoff (httpcore's own retry), TLS
    verified, nothing taken from the environment (no proxies, netrc) and no cookies kept
    (a feed needs none, and a jar would carry one source's state into later rounds).

    Per-phase timeouts are a backstop; `retrieve` puts a deadline on the whole exchange.
    `connections` overrides the pool size (article pages have their own client and pool,
    so they never hold a connection a feed is waiting for).
    """
    connections = connections or fetch.concurrency
    transport = httpx.AsyncHTTPTransport(
        verify=tls_context(),
        retries=fetch.retries,
        limits=httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
        ),
        trust_env=False,
    )
    return httpx.AsyncClient(
        transport=transport,
        headers={
            "User-Agent": fetch.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        follow_redirects=True,
        max_redirects=fetch.max_redirects,
        timeout=httpx.Timeout(fetch.deadline),
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=())),
        trust_env=False,
    )
