"""The demo's release clock: which sample items are out now, and the feeds as they stand.

A `DemoRelease` holds the items whose offset has passed since `start()`, scaled by
`speed`, so the dashboard's panels visibly fill over about three minutes. Publication
times are the moments of release, so the items look recent. `demo_config()` turns a
theatre config into the demo's: the same actors, topics, cues and recognition subject,
the demo's sources, and a throw-away store.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dashboard.config import Config, Source
from dashboard.demo.feeds import RENDERERS, index_page, render_article
from dashboard.demo.sources import (
    DEFAULT_EVERY,
    FORMATS,
    STORY_HALF_LIFE,
    DemoItem,
    DemoSource,
    load_demo_sources,
)


@dataclass(frozen=True, slots=True)
class Document:
    """A response body with the validators a conditional GET is checked against."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


class DemoRelease:
    """The sample sources, released over time from `start(base_url)`.

    `speed` scales time (2.0 releases everything twice as fast); `clock` returns the
    current time in epoch seconds (tests pass a fake one, so no test has to sleep).
    `base_url` is where the documents are served (their links point there).
    """

    def __init__(
        self,
        *,
        speed: float = 1.0,
        clock: Callable[[], float] = time.time,
        sources: Sequence[DemoSource] | None = None,
        every: str = DEFAULT_EVERY,
    ):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.every = every
        self._clock = clock
        self._sources = {s.id: s for s in (sources or load_demo_sources())}
        self._by_path = {s.path: s for s in self._sources.values()}
        if len(self._by_path) != len(self._sources):
            raise ValueError("two demo sources share a path (at most one GDELT source)")
        self._articles = {i.slug: (s, i) for s in self._sources.values() for i in s.items}
        self._offsets = {s.id: [i.offset for i in s.items] for s in self._sources.values()}
        self._started: float | None = None
        self._base: str | None = None
        self._epoch = datetime.fromtimestamp(0, UTC)
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int], Document] = {}

    def start(self, base_url: str) -> None:
        """Start the clock; the documents are served at `base_url`."""
        self._started = self._clock()
        # whole seconds, so every format (RFC 822 dates have no fractions) agrees
        self._epoch = datetime.fromtimestamp(math.floor(self._started), UTC)
        self._cache.clear()
        self._base = base_url

    @property
    def url(self) -> str:
        """The base URL, like http://127.0.0.1:54321 (only once started)."""
        if self._base is None:
            raise RuntimeError("the demo server is not running (call start() first)")
        return self._base

    # what is out

    def elapsed(self) -> float:
        """Demo seconds since start(): real seconds times `speed`."""
        if self._started is None:
            raise RuntimeError("the demo server has not been started")
        return max(0.0, (self._clock() - self._started) * self.speed)

    def duration(self) -> float:
        """Real seconds from start() until the last item is out."""
        last = max((i.offset for s in self._sources.values() for i in s.items), default=0.0)
        return last / self.speed

    def published(self, item: DemoItem) -> datetime:
        """When an item is (or will be) released: its publication time in the feeds."""
        return self._epoch + timedelta(seconds=math.floor(item.offset / self.speed))

    def released(self, source_id: str) -> list[DemoItem]:
        """The source's items that are out now, oldest first."""
        source = self._sources[source_id]
        count = bisect.bisect_right(self._offsets[source_id], self.elapsed())
        return list(source.items[:count])

    def total(self) -> int:
        """How many items the demo holds in all."""
        return sum(len(s.items) for s in self._sources.values())

    def feed_url(self, source_id: str) -> str:
        """The URL of one source's feed (GDELT's with a realistic query string)."""
        source = self._sources[source_id]
        if source.format == "gdelt":
            return f"{self.url}{source.path}?query=kosovo&mode=artlist&format=json&sort=datedesc"
        return f"{self.url}{source.path}"

    def sources(self) -> list[dict]:
        """Config-ready source tables (as `[[sources]]` in config.toml would give)."""
        return [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "url": self.feed_url(s.id),
                "every": self.every,
                "credibility": s.credibility,
                # a one-line summary has its article page read (GDELT: every page)
                **({"fulltext": "auto"} if s.kind == "rss" else {}),
            }
            for s in self._sources.values()
        ]

    def document(self, source_id: str) -> Document:
        """The source's feed as it stands now (cached per number of released items)."""
        source = self._sources[source_id]
        released = self.released(source_id)
        key = (source_id, len(released))
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        dated = [(item, self.published(item)) for item in reversed(released)]
        updated = dated[0][1] if dated else self._epoch
        body = RENDERERS[source.format](source, dated, self.url, updated)
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        doc = Document(body, FORMATS[source.format][1], etag, updated)
        with self._lock:
            self._cache[key] = doc
        return doc

    def article(self, slug: str) -> bytes | None:
        """The HTML page of a released item, else None."""
        found = self._articles.get(slug)
        if found is None:
            return None
        source, item = found
        if item not in self.released(source.id):
            return None
        return render_article(source, item, self.published(item))

    def index(self) -> bytes:
        """The front page: a list of the feeds."""
        return index_page(list(self._sources.values()))

    def source_at(self, path: str) -> DemoSource | None:
        """The source served at a URL path, if any."""
        return self._by_path.get(path)


def demo_config(base: Config, release: DemoRelease, store_path: str) -> Config:
    """`base` (its actors, topics, cues, recognition) with the demo's sources and store."""
    sources = tuple(Source.model_validate(table) for table in release.sources())
    storage = base.storage.model_copy(update={"path": store_path})
    # the demo's full items run to 40 words and more: only one-line summaries want a page;
    # every page is on the one loopback host, so a short delay between them is polite
    pages = base.pages.model_copy(update={"min_words": 30, "host_delay": 0.2})
    # the story is told in three minutes, not three days: cue hits fade on its clock, so
    # the level rises with the clashes and falls with the talks that end it
    story = STORY_HALF_LIFE / release.speed
    escalation = base.escalation.model_copy(update={"half_life": story, "window": story})
    return base.model_copy(update={"sources": sources, "storage": storage, "pages": pages,
                                   "escalation": escalation})
