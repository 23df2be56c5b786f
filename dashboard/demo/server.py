"""The demo's loopback HTTP server: `flashpoint demo` reads its sample feeds over HTTP.

The demo runs the product's real collector, so its feeds come the way real feeds come:
over HTTP, with conditional GETs (an unchanged feed answers 304) and article pages read
for one-line summaries. This server is product code because the installed command needs
it; the tests' and benchmarks' servers live in `support/` (not in the wheel).
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from dashboard.demo.release import DemoRelease, Document


class DemoServer(DemoRelease):
    """The sample sources on a loopback HTTP server, released over time.

    Takes `DemoRelease`'s arguments. Use `start()`/`stop()`, or the server as a context
    manager.
    """

    _http: _LoopbackHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> DemoServer:  # type: ignore[override]
        """Bind a free loopback port, start serving in a daemon thread and start the clock."""
        if self._http is not None:
            raise RuntimeError("the demo server is already running")
        http = _LoopbackHTTPServer(self)
        host, port = http.server_address[:2]
        super().start(f"http://{host}:{port}")
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
        return super().url


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


