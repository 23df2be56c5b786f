"""The one HTTP client a process uses for every source."""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from dashboard.config import Fetch

# Only encodings that retrieve() inflates itself, with a cap (no br/zstd: uncapped here).
ACCEPT_ENCODING = "gzip, deflate"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


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
