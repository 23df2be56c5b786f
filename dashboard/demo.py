"""The demo: bundled sample feeds served from a loopback server that fills over minutes.

`DemoServer` serves every sample source in `data/demo/items.json` on 127.0.0.1 (RSS 2.0,
Atom, JSON Feed 1.1 and a GDELT DOC 2.0 article list). Each item has an `offset` in
seconds; a feed holds only the items whose offset has passed since `start()`, scaled by
`speed`, so the dashboard's panels visibly fill over about three minutes. Publication
times are the moments of release, so the items look recent. Unchanged feeds answer a
conditional GET with 304, as a well-behaved server does.

`demo_config()` turns a theatre config into the demo's: the same actors, topics, cues
and recognition subject, the demo's sources, and a throw-away store.

The text is sample data written for the demo (see `data/demo/README.md`); it is built
into XML and JSON here and read back by the product's ordinary parsers.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import html
import json
import math
import socket
import socketserver
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

from dashboard.config import Config, Source

DEMO_DIR = Path(__file__).parent / "data" / "demo"
ITEMS_FILE = DEMO_DIR / "items.json"
SAMPLE_NOTICE = "SAMPLE DATA written for the Flashpoint demo: not real reporting."
DEFAULT_EVERY = "15s"
STORY_HALF_LIFE = 30.0  # demo seconds: the half-life of a cue hit in the demo's story
ATOM_NS = "http://www.w3.org/2005/Atom"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
GDELT_SEENDATE = "%Y%m%dT%H%M%SZ"

# format -> (file extension in the feed's path, Content-Type)
FORMATS: dict[str, tuple[str, str]] = {
    "rss": ("xml", "application/rss+xml; charset=utf-8"),
    "atom": ("atom", "application/atom+xml; charset=utf-8"),
    "jsonfeed": ("json", "application/feed+json; charset=utf-8"),
    "gdelt": ("json", "application/json; charset=utf-8"),
}


@dataclass(frozen=True, slots=True)
class DemoItem:
    """One sample article: released `offset` demo-seconds after the server starts."""

    offset: float
    slug: str
    title: str
    body: str  # plain text; paragraphs separated by blank lines
    domain: str = ""  # GDELT only: the outlet's domain
    country: str = ""  # GDELT only: the outlet's country
    summary: str = ""  # when set, the feed carries only this line; the body is on the page

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs."""
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def feed_paragraphs(self) -> list[str]:
        """What the feed carries: the one-line summary, else the whole body."""
        return [self.summary] if self.summary else self.paragraphs


@dataclass(frozen=True, slots=True)
class DemoSource:
    """One sample source and its items, sorted by offset."""

    id: str
    name: str
    format: str  # a key of FORMATS
    credibility: float
    description: str
    items: tuple[DemoItem, ...]

    @property
    def kind(self) -> str:
        """The config's source kind: GDELT answers are `gdelt`, every feed is `rss`."""
        return "gdelt" if self.format == "gdelt" else "rss"

    @property
    def path(self) -> str:
        """The feed's path on the demo server."""
        if self.format == "gdelt":
            return "/api/v2/doc/doc"  # GDELT's own path; the query string is ignored
        return f"/feeds/{self.id}.{FORMATS[self.format][0]}"


def load_demo_sources(path: Path = ITEMS_FILE) -> tuple[DemoSource, ...]:
    """Read the sample sources; raises ValueError when the file is inconsistent."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources: list[DemoSource] = []
    slugs: set[str] = set()
    for raw in data["sources"]:
        if raw["format"] not in FORMATS:
            raise ValueError(f"{raw['id']}: unknown format {raw['format']!r}")
        items = tuple(sorted((DemoItem(**item) for item in raw["items"]),
                             key=lambda i: i.offset))
        for item in items:
            # a slug names the article page, so it must be unique across sources
            if item.slug in slugs or quote(item.slug, safe="-") != item.slug:
                raise ValueError(f"{raw['id']}: slug {item.slug!r} is reused or not URL-safe")
            slugs.add(item.slug)
        sources.append(DemoSource(
            id=raw["id"], name=raw["name"], format=raw["format"],
            credibility=raw["credibility"], description=raw["description"], items=items,
        ))
    if len({s.id for s in sources}) != len(sources):
        raise ValueError("duplicate source id in the demo items")
    return tuple(sources)


# --- rendering (building documents; all parsing is left to the product's parsers) --------

Released = Sequence[tuple[DemoItem, datetime]]  # newest first


def _guid(source: DemoSource, item: DemoItem) -> str:
    return f"flashpoint-demo:{source.id}:{item.slug}"


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def render_rss(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """An RSS 2.0 document; descriptions are HTML paragraphs, as real feeds send them."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = source.name
    ET.SubElement(channel, "link").text = f"{base}/"
    ET.SubElement(channel, "description").text = f"{source.description} {SAMPLE_NOTICE}"
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(updated)
    for item, when in released:
        entry = ET.SubElement(channel, "item")
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "link").text = f"{base}/articles/{item.slug}"
        ET.SubElement(entry, "guid", isPermaLink="false").text = _guid(source, item)
        ET.SubElement(entry, "pubDate").text = format_datetime(when)
        ET.SubElement(entry, "description").text = "".join(
            f"<p>{html.escape(p)}</p>" for p in item.feed_paragraphs
        )
    return _xml(rss)


def render_atom(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """An Atom 1.0 document with plain-text summaries."""
    feed = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(feed, "id").text = f"urn:flashpoint-demo:{source.id}"
    ET.SubElement(feed, "title").text = source.name
    ET.SubElement(feed, "subtitle").text = f"{source.description} {SAMPLE_NOTICE}"
    ET.SubElement(feed, "updated").text = updated.isoformat()
    ET.SubElement(feed, "link", rel="self", href=f"{base}{source.path}")
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = source.name
    for item, when in released:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = _guid(source, item)
        ET.SubElement(entry, "title", type="text").text = item.title
        ET.SubElement(entry, "link", rel="alternate", href=f"{base}/articles/{item.slug}")
        ET.SubElement(entry, "published").text = when.isoformat()
        ET.SubElement(entry, "updated").text = when.isoformat()
        ET.SubElement(entry, "summary", type="text").text = "\n\n".join(item.feed_paragraphs)
    return _xml(feed)


def render_json_feed(source: DemoSource, released: Released, base: str,
                     updated: datetime) -> bytes:
    """A JSON Feed 1.1 document with `content_text` bodies."""
    feed = {
        "version": JSONFEED_VERSION,
        "title": source.name,
        "home_page_url": f"{base}/",
        "feed_url": f"{base}{source.path}",
        "description": f"{source.description} {SAMPLE_NOTICE}",
        "authors": [{"name": source.name}],
        "items": [
            {
                "id": _guid(source, item),
                "url": f"{base}/articles/{item.slug}",
                "title": item.title,
                "content_text": "\n\n".join(item.feed_paragraphs),
                "date_published": when.isoformat(),
            }
            for item, when in released
        ],
    }
    return json.dumps(feed, indent=1, ensure_ascii=False).encode("utf-8")


def render_gdelt(source: DemoSource, released: Released, base: str, updated: datetime) -> bytes:
    """A GDELT DOC 2.0 `mode=artlist&format=json` answer: titles only, as GDELT gives."""
    articles = [
        {
            "url": f"{base}/articles/{item.slug}",
            "url_mobile": "",
            "title": item.title,
            "seendate": when.strftime(GDELT_SEENDATE),
            "socialimage": "",
            "domain": item.domain or "sample.invalid",
            "language": "English",
            "sourcecountry": item.country,
        }
        for item, when in released
    ]
    return json.dumps({"articles": articles}, indent=1, ensure_ascii=False).encode("utf-8")


RENDERERS: dict[str, Callable[[DemoSource, Released, str, datetime], bytes]] = {
    "rss": render_rss,
    "atom": render_atom,
    "jsonfeed": render_json_feed,
    "gdelt": render_gdelt,
}


def render_article(source: DemoSource, item: DemoItem, when: datetime) -> bytes:
    """The small HTML page an item's link points to, marked as sample data."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in item.paragraphs)
    page = (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(item.title)}</title></head><body>\n"
        f"<p><strong>{html.escape(SAMPLE_NOTICE)}</strong></p>\n"
        f"<h1>{html.escape(item.title)}</h1>\n"
        f"<p><em>{html.escape(source.name)}, {html.escape(format_datetime(when))}</em></p>\n"
        f"{paragraphs}</body></html>\n"
    )
    return page.encode("utf-8")


def _index_page(sources: Sequence[DemoSource]) -> bytes:
    links = "".join(
        f"<li><a href=\"{html.escape(s.path)}\">{html.escape(s.name)}</a></li>" for s in sources
    )
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Flashpoint demo</title></head><body>"
        f"<p><strong>{html.escape(SAMPLE_NOTICE)}</strong></p><ul>{links}</ul></body></html>\n"
    ).encode()


# --- the server ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """A response body with the validators a conditional GET is checked against."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


class DemoServer:
    """The sample sources on a loopback HTTP server, released over time.

    `speed` scales time (2.0 releases everything twice as fast); `clock` returns the
    current time in epoch seconds (tests pass a fake one, so no test has to sleep).
    Use `start()`/`stop()`, or the server as a context manager.
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
        self._epoch = datetime.fromtimestamp(0, UTC)
        self._http: _LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int], Document] = {}

    # lifecycle

    def start(self) -> DemoServer:
        """Bind a free loopback port, start serving in a daemon thread and start the clock."""
        if self._http is not None:
            raise RuntimeError("the demo server is already running")
        http = _LoopbackHTTPServer(self)
        self._started = self._clock()
        # whole seconds, so every format (RFC 822 dates have no fractions) agrees
        self._epoch = datetime.fromtimestamp(math.floor(self._started), UTC)
        self._cache.clear()
        self._http = http
        # a short poll interval keeps stop() prompt
        self._thread = threading.Thread(target=http.serve_forever, args=(0.05,),
                                        name="demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; safe to call twice."""
        http, self._http = self._http, None
        if http is None:
            return
        http.shutdown()
        http.close_connections()
        http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._http is not None

    @property
    def url(self) -> str:
        """The base URL, like http://127.0.0.1:54321 (only while running)."""
        if self._http is None:
            raise RuntimeError("the demo server is not running (call start() first)")
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

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
        """The server's front page: a list of the feeds."""
        return _index_page(list(self._sources.values()))

    def source_at(self, path: str) -> DemoSource | None:
        """The source served at a URL path, if any."""
        return self._by_path.get(path)


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match: `*` or a list of (possibly weak) entity tags."""
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


class _LoopbackHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 that can drop its open connections.

    Clients keep connections alive, and a handler thread serves its connection until the
    client hangs up; stop() closes them so nothing answers after the demo has ended.
    """

    daemon_threads = True

    def __init__(self, demo: DemoServer):
        self.demo = demo
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can stall on DNS
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request_thread(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        """Shut down every open connection, so its handler thread ends."""
        with self._open_lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Routes: `/` (index), a source's feed path, `/articles/<slug>`."""

    protocol_version = "HTTP/1.1"
    server_version = "FlashpointDemo/1"
    # headers and body go out in separate writes; without this, Nagle's algorithm and
    # delayed ACKs add ~40 ms to every response
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # the TUI owns the terminal; a request log would scribble over it

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        demo = self.server.demo  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        source = demo.source_at(path)
        if source is not None:
            self._send_document(demo.document(source.id), send_body)
        elif path.startswith("/articles/"):
            page = demo.article(path.removeprefix("/articles/"))
            if page is None:
                self._send(404, b"not found (or not released yet)\n", "text/plain; charset=utf-8",
                           send_body)
            else:
                self._send(200, page, "text/html; charset=utf-8", send_body)
        elif path in ("/", "/index.html"):
            self._send(200, demo.index(), "text/html; charset=utf-8", send_body)
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)

    def _not_modified(self, doc: Document) -> bool:
        # RFC 9110: If-None-Match, when present, decides alone
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, doc.etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return doc.last_modified <= since
        return False

    def _send_document(self, doc: Document, send_body: bool) -> None:
        headers = {
            "ETag": doc.etag,
            "Last-Modified": format_datetime(doc.last_modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(doc):
            self._send(304, b"", None, False, headers)
        else:
            self._send(200, doc.body, doc.content_type, send_body, headers)

    def _send(self, status: int, body: bytes, content_type: str | None, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def demo_config(base: Config, server: DemoServer, store_path: str) -> Config:
    """`base` (its actors, topics, cues, recognition) with the demo's sources and store."""
    sources = tuple(Source.model_validate(table) for table in server.sources())
    storage = base.storage.model_copy(update={"path": store_path})
    # the demo's full items run to 40 words and more: only one-line summaries want a page;
    # every page is on the one loopback host, so a short delay between them is polite
    pages = base.pages.model_copy(update={"min_words": 30, "host_delay": 0.2})
    # the story is told in three minutes, not three days: cue hits fade on its clock, so
    # the level rises with the clashes and falls with the talks that end it
    story = STORY_HALF_LIFE / server.speed
    escalation = base.escalation.model_copy(update={"half_life": story, "window": story})
    return base.model_copy(update={"sources": sources, "storage": storage, "pages": pages,
                                   "escalation": escalation})
