"""Per-host politeness for article pages: few requests at once, spaced out in time.

Feeds are one request per source per interval; article pages are many requests, often to
one news site. `HostGate` bounds them per host: at most `concurrency` requests at once and
at least `delay` seconds between the starts of two requests to the same host.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The host part that politeness and robots.txt are kept per: scheme://host:port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


MAX_HOSTS = 2000  # hosts remembered at most; idle ones are forgotten past it


class HostGate:
    """At most `concurrency` requests per host at once, starts `delay` seconds apart."""

    def __init__(self, concurrency: int = 2, delay: float = 1.0):
        self.concurrency = concurrency
        self.delay = delay
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}  # requests holding or awaiting a slot, per host

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Wait for a free slot on the URL's host and for its turn, then hold the slot."""
        host = host_of(url)
        slots = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
        self._users[host] = self._users.get(host, 0) + 1
        try:
            async with slots:
                # one waiter at a time reserves the next start time, so starts stay spaced
                async with self._locks.setdefault(host, asyncio.Lock()):
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, now))
                    self._next_start[host] = start + self.delay
                if start > now:
                    await asyncio.sleep(start - now)
                yield
        finally:
            self._users[host] -= 1
        if len(self._slots) > MAX_HOSTS:
            self._forget()

    def _forget(self) -> None:
        """Forget hosts nobody is waiting for whose delay has passed."""
        now = time.monotonic()
        idle = [h for h in self._slots
                if not self._users.get(h) and self._next_start.get(h, 0.0) <= now]
        for host in idle:
            for table in (self._slots, self._next_start, self._locks, self._users):
                table.pop(host, None)
