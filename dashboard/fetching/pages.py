"""Article pages behind items: fetched politely through the feeds' hardened path.

`PageFetcher.fetch(url)` checks robots.txt, waits for the host's turn (`HostGate`), then
reads the page with `retrieve_url` (whole-request deadline, byte cap, redirect limit) on
a client of its own, so pages never take a connection a feed is waiting for. It returns
the raw `Fetched` page or raises `PageError` with a short reason code and a message; the
text is extracted later, in a worker (`extract.py`).
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

import httpx

from dashboard.config import Fetch, Pages
from dashboard.fetching.client import make_client
from dashboard.fetching.politeness import HostGate
from dashboard.fetching.retrieval import Fetched, FetchError, NotModified, Postponed, retrieve_url
from dashboard.fetching.robots import RobotsCache

ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# a redirect to one of these paths is a sign-in wall, not the article
LOGIN_PATH = re.compile(r"(^|/)(log-?in|sign-?in|signon|auth|account|subscribe|register)"
                        r"(/|\.|$|\?)", re.IGNORECASE)


class PageError(Exception):
    """A page that could not be read: `reason` is a short code, `message` says why."""

    def __init__(self, reason: str, message: str, url: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.url = url


def _reason(message: str) -> str:
    if "byte cap" in message or "inflates past" in message:
        return "too_large"
    if message.startswith("timed out"):
        return "timed_out"
    if message.startswith("HTTP "):
        return "http"
    if message == "empty response":
        return "empty"
    return "unreachable"


class PageFetcher:
    """Fetches article pages: robots.txt, per-host politeness, then the capped GET."""

    def __init__(self, fetch: Fetch, pages: Pages, *, client: httpx.AsyncClient | None = None):
        self.fetch = fetch
        self.pages = pages
        self.client = client or make_client(fetch, connections=pages.concurrency)
        self.robots = RobotsCache(self.client, fetch)
        self.gate = HostGate(pages.host_concurrency, pages.host_delay)
        self.limit = asyncio.Semaphore(pages.concurrency)

    async def fetch_page(self, url: str) -> Fetched:
        """The page at `url` (after redirects), or PageError saying why it cannot be read."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise PageError("unreachable", "not an http(s) link")
        refused = await self.robots.refusal(url)
        if refused:
            raise PageError("robots", refused)
        async with self.limit, self.gate.slot(url):
            try:
                got = await retrieve_url(url, client=self.client, fetch=self.fetch,
                                         max_bytes=self.pages.max_bytes, accept=ACCEPT_HTML)
            except FetchError as exc:
                raise PageError(_reason(exc.message), exc.message) from None
            except Postponed as exc:
                raise PageError("http", exc.message) from None
        assert not isinstance(got, NotModified)  # no validators were sent
        if got.url != url and LOGIN_PATH.search(urlsplit(got.url).path):
            raise PageError("login", "redirected to a sign-in page", got.url)
        return got

    async def aclose(self) -> None:
        """Close the page client."""
        await self.client.aclose()
