"""`flashpoint serve`: the dashboard in a browser, read-only, for a few sessions at once.

textual-serve runs one dashboard process per websocket. On top of it:

- its own page (`data/serve/index.html`): asset and websocket URLs are relative to the
  page, so they work from a remote browser, through an ssh tunnel or a reverse proxy; the
  font comes from this server, nothing from a CDN;
- a websocket is accepted only with an Origin that is this server as the browser reached
  it (the Host header) or one given with `--allow-origin`: another site open in the
  analyst's browser cannot drive the dashboard. Bound to loopback, the Host must also
  be a loopback name, so a DNS-rebound name is refused too;
- at most `max_sessions` sessions at once (each is a process of ~60 MB); the one over the
  cap is told so on its screen, then closed (code 1013, "try again later");
- no download route and no static directory listings; terminal sizes are clamped.

The dashboard it launches is `flashpoint run --read-only` (see `dashboard.read_only`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

log = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).parent / "data" / "serve"
MAX_SIZE = (500, 200)  # columns, rows: a session asking for more gets this
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
TRY_AGAIN_LATER = 1013  # websocket close code


def is_loopback(host: str) -> bool:
    """True for a loopback address or name ("127.0.0.1", "::1", "[::1]", "localhost")."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hostname(netloc: str) -> str:
    return urlsplit(f"//{netloc}").hostname or ""


def _clamp(value: str | int | None, default: int, top: int) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return max(1, min(number, top))


class DashboardServer(Server):
    """textual-serve's Server with an Origin check, a session cap and a self-contained page."""

    def __init__(self, command: str, *, host: str, port: int, title: str,
                 max_sessions: int = 4, allowed_origins: tuple[str, ...] = ()):
        super().__init__(command, host=host, port=port, title=title)
        self.max_sessions = max_sessions
        self.allowed_origins = frozenset(o.rstrip("/").lower() for o in allowed_origins)
        self.loopback = is_loopback(host)
        self.sessions = 0

    # --- the web application ---

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(PAGE_DIR), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Say where it serves, in one line (textual-serve prints a banner)."""
        shown = self.host if ":" not in self.host else f"[{self.host}]"
        print(f"flashpoint: serving the dashboard read-only on http://{shown}:{self.port}/ "
              f"(at most {self.max_sessions} sessions); Ctrl+C stops", flush=True)

    def full(self) -> bool:
        """True when every session is taken."""
        return self.sessions >= self.max_sessions

    def _busy_text(self) -> str:
        return (f"Flashpoint: all {self.max_sessions} sessions of this server are in use. "
                "Close another tab or try again later.")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page; a plain 503 when every session is taken."""
        if self.full():
            return web.Response(status=503, text=self._busy_text() + "\n")
        context = {
            "title": self.title,
            "font_size": _clamp(request.query.get("fontsize"), 16, 64),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    # --- sessions ---

    def refusal(self, request: web.Request) -> str | None:
        """Why this websocket request must be refused, or None to accept it."""
        origin = (request.headers.get("Origin") or "").rstrip("/").lower()
        if not origin:
            return "no Origin header: only the dashboard's own page may connect"
        if origin in self.allowed_origins:
            return None
        host = (request.host or "").lower()
        if urlsplit(origin).netloc != host:
            return f"Origin {origin} is not this server ({host})"
        if self.loopback and not is_loopback(_hostname(host)):
            return f"Host {host} is not a loopback name, and this server is bound to loopback"
        return None

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One dashboard session: refused (403) for a foreign Origin, told off when full."""
        reason = self.refusal(request)
        if reason is not None:
            log.warning("websocket refused: %s", reason)
            return web.Response(status=403, text=f"flashpoint: refused: {reason}\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.full():
            # said on the visitor's screen, then closed: "try again later"
            await websocket.send_bytes(f"\r\n  {self._busy_text()}\r\n".encode())
            await websocket.close(code=TRY_AGAIN_LATER,
                                  message=f"all {self.max_sessions} sessions in use".encode())
            return websocket
        self.sessions += 1
        try:
            await self._run_session(websocket, request)
        finally:
            self.sessions -= 1
        return websocket

    async def _run_session(self, websocket: web.WebSocketResponse,
                           request: web.Request) -> None:
        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=False,
        )
        try:
            await service.start(_clamp(request.query.get("width"), 80, MAX_SIZE[0]),
                                _clamp(request.query.get("height"), 24, MAX_SIZE[1]))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("a dashboard session failed")
        finally:
            await service.stop()

    async def _process_messages(self, websocket: web.WebSocketResponse,
                                app_service: AppService) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = message.json()
            except (ValueError, TypeError):
                continue  # not an envelope of the page's: ignored
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(
                    _clamp(data.get("width"), 80, MAX_SIZE[0]),
                    _clamp(data.get("height"), 24, MAX_SIZE[1]))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()


__all__ = ["DashboardServer", "is_loopback"]
