"""robots.txt for article hosts, read once per host and kept (protego parses it).

What an answer means follows RFC 9309: a robots.txt that parses is obeyed for the
configured user agent; 4xx (none there) allows everything; one that cannot be read
(5xx, 429, a connection failure, or no complete answer within `deadline`) disallows the
whole host, since the site may be saying "stay away" by failing. A host whose robots.txt
hangs therefore costs one deadline, once: its pages are then refused from the cache
without waiting, and other hosts are never held up. Answers are kept `ttl` seconds (an
unreadable one `retry` seconds) and refreshed with a conditional GET.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from dashboard.config import Fetch
from dashboard.fetching.politeness import host_of
from dashboard.fetching.retrieval import FetchError, NotModified, Postponed, retrieve_url

ROBOTS_MAX_BYTES = 500_000  # what Google reads of a robots.txt; the rest is ignored
ROBOTS_DEADLINE = 10.0
MAX_HOSTS = 2000  # rules kept at most (GDELT links reach thousands of hosts over weeks)


@dataclass
class _Rules:
    parser: object | None  # a Protego, or None: every path allowed
    refused: str | None  # why the whole host is refused (robots.txt unreadable)
    expires: float
    etag: str | None = None
    last_modified: str | None = None


class RobotsCache:
    """Answers "may this user agent fetch this URL?", one robots.txt read per host."""

    def __init__(self, client: httpx.AsyncClient, fetch: Fetch, *, ttl: float = 86400.0,
                 retry: float = 3600.0):
        self.client = client
        self.fetch = fetch
        self.deadline = min(ROBOTS_DEADLINE, fetch.deadline)
        self.ttl = ttl
        self.retry = retry
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def refusal(self, url: str) -> str | None:
        """None when `url` may be fetched, else why not (a short human message)."""
        host = host_of(url)
        async with self._locks.setdefault(host, asyncio.Lock()):  # one read per host
            rules = self._rules.get(host)
            if rules is None or rules.expires <= time.monotonic():
                rules = self._rules[host] = await self._read(host, rules)
        if len(self._rules) > MAX_HOSTS:
            self._forget()
        if rules.refused:
            return rules.refused
        if rules.parser is not None and not rules.parser.can_fetch(url, self.fetch.user_agent):
            return "robots.txt disallows this page for our user agent"
        return None

    def _forget(self) -> None:
        """Drop the rules read longest ago (and their idle locks) down to half the cap."""
        keep = sorted(self._rules, key=lambda h: self._rules[h].expires)[-MAX_HOSTS // 2:]
        self._rules = {h: self._rules[h] for h in keep}
        self._locks = {h: lock for h, lock in self._locks.items()
                       if h in self._rules or lock.locked()}

    async def _read(self, host: str, old: _Rules | None) -> _Rules:
        from protego import Protego  # here: only sources with article pages need it

        now = time.monotonic()
        try:
            got = await retrieve_url(
                f"{host}/robots.txt", client=self.client, fetch=self.fetch,
                etag=old.etag if old else None,
                last_modified=old.last_modified if old else None,
                deadline=self.deadline, max_bytes=ROBOTS_MAX_BYTES, accept="text/plain, */*",
            )
        except FetchError as exc:
            if exc.message.startswith("HTTP 4"):
                return _Rules(None, None, now + self.ttl)  # no robots.txt: all allowed
            if "byte cap" in exc.message:  # RFC 9309: parse at least the first 500 KiB
                return _Rules(None, None, now + self.ttl)
            if exc.message == "empty response":
                return _Rules(None, None, now + self.ttl)
            return _Rules(None, _unreadable(exc.message), now + self.retry)
        except Postponed as exc:
            return _Rules(None, _unreadable(exc.message), now + self.retry)
        if isinstance(got, NotModified) and old is not None:
            old.expires = now + self.ttl
            return old
        if isinstance(got, NotModified):
            return _Rules(None, None, now + self.ttl)
        text = got.body.decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
        except Exception:  # a robots.txt protego cannot read says nothing we can obey
            parser = None
        return _Rules(parser, None, now + self.ttl, got.etag, got.last_modified)


def _unreadable(why: str) -> str:
    return f"robots.txt could not be read ({why}); the host is treated as disallowing all"
