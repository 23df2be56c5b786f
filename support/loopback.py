"""A real HTTP server on 127.0.0.1 for tests: routes, any status/headers/body, and faults.

    with LoopbackServer() as server:
        server.route("/feed.xml", Reply(body=b"<rss ...>", headers={"ETag": '"v1"'}))
        server.route("/slow", Reply(body=b"x" * 100, drip=(1, 1.0)))   # a byte a second
        server.route("/hang", Reply(hang=True))                          # never answers
        server.route("/dyn", lambda request: Reply(status=304) if request.header(
            "If-None-Match") == '"v1"' else Reply(body=b"..."))
        url = server.url("/feed.xml")

It is a stdlib `ThreadingHTTPServer` (one thread per connection) on an ephemeral
loopback port, so a handler that hangs or drips slowly never blocks other requests or
the test's event loop. Everything the server saw is in `server.requests`. Stopping the
server releases every hanging or dripping handler. The `loopback` fixture in
tests/conftest.py gives each test a started server; `support.farm.Farm` serves its
generated feeds on one.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]  # names lowercased
    client_port: int = 0  # the client's end of the connection: equal ports, one connection

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Reply:
    """What to send back. Defaults: 200 with a Content-Length and an empty body.

    body may also be an iterable of byte chunks (sent as they come, with no
    Content-Length unless `length` is given), so a test can stream 50 MB without building
    it (an iterable is used up by the first request; route a handler that returns a new
    Reply to answer repeatedly). `drip=(n, seconds)` sends the body n bytes at a time
    with a pause between.
    `hang=True` sends nothing at all until the server stops; `hang_after_headers=True`
    sends the status line and headers, then nothing. `length` overrides Content-Length
    (an int, or None to send none, which ends the body by closing the connection).
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    drip: tuple[int, float] | None = None
    hang: bool = False
    hang_after_headers: bool = False
    length: int | str | None = "auto"


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many sources connect at once in round tests

    def __init__(self, owner: LoopbackServer, port: int):
        self.owner = owner
        super().__init__((HOST, port), _RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # a client that gives up mid-answer is what fault tests provoke: not worth a trace
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: with Nagle's algorithm and delayed ACKs that
    # adds ~40 ms to every keep-alive response on loopback (the server, not the client,
    # would be measured)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()},
                          self.client_address[1])
        if owner.record:
            owner.requests.append(request)
        handler = owner.handler_for(self.path)
        if handler is None:
            reply = Reply(status=404, body=b"no such route\n")
        else:
            reply = handler(request) if callable(handler) else handler
        self._send(reply, owner.stopping)

    do_HEAD = do_GET
    do_POST = do_GET

    def _send(self, reply: Reply, stopping: threading.Event) -> None:
        if reply.hang:
            stopping.wait()
            self.close_connection = True
            return
        chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
        length = reply.length
        if length == "auto":
            length = len(reply.body) if isinstance(reply.body, bytes) else None
        self.send_response(reply.status, reply.reason)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if reply.hang_after_headers:
            self.wfile.flush()
            stopping.wait()
            self.close_connection = True
            return
        try:
            for chunk in chunks:
                self._write(chunk, reply.drip, stopping)
                if stopping.is_set():
                    break
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: that is what tests provoke

    def _write(self, chunk: bytes, drip: tuple[int, float] | None, stopping) -> None:
        if drip is None:
            self.wfile.write(chunk)
            return
        size, pause = drip
        for start in range(0, len(chunk), size):
            self.wfile.write(chunk[start : start + size])
            self.wfile.flush()
            if stopping.wait(pause):
                return


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with per-path routes.

    `port=0` (the default) takes an ephemeral port; a fixed port lets a test start the
    server late on an address a client is already trying. `record=False` keeps no log of
    the requests (`requests` stays empty), for servers that answer thousands of rounds.
    """

    def __init__(self, port: int = 0, *, record: bool = True) -> None:
        self._port = port
        self.record = record
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> LoopbackServer:
        """Bind and serve in a background thread."""
        self._server = _Server(self, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging handlers, stop serving and close the socket."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- routes ---

    @property
    def port(self) -> int:
        if self._server is None:
            assert self._port, "an ephemeral port is known only once the server started"
            return self._port
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        """The absolute URL of `path` on this server."""
        return f"http://{HOST}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> str:
        """Answer GETs of `path` (query string ignored) with a fixed Reply or a handler
        `handler(request) -> Reply`; returns the URL."""
        self.routes[path] = reply
        return self.url(path)

    def handler_for(self, path: str) -> Reply | Handler | None:
        """The route for a request path, with or without its query string."""
        return self.routes.get(path) or self.routes.get(path.split("?", 1)[0])

    def requests_to(self, path: str) -> list[Request]:
        """The requests received for `path` so far."""
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]


def serve_files(
    server: LoopbackServer,
    root: Path,
    prefix: str = "/files",
    reply_for: Callable[[Path], Reply] | None = None,
) -> Iterator[tuple[Path, str]]:
    """Route every file under `root` (as prefix/relative/path); yields (file, url).

    `reply_for(file)` chooses the reply; by default the file's bytes with status 200.
    """
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        path = f"{prefix}/{file.relative_to(root).as_posix()}"
        reply = reply_for(file) if reply_for else Reply(body=file.read_bytes())
        yield file, server.route(path, reply)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `predicate` until true or `timeout` seconds pass (for cross-thread checks)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
