"""`flashpoint serve` for real: a server on a loopback port, spoken to over HTTP and websockets
(issue 14 point 1, issue 16 point 10)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from dashboard.alert_state import state_path_for
from dashboard.models import Item
from dashboard.storage import Round, open_store

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flashpoint(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dashboard.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out.decode(errors="replace"), err.decode(errors="replace")


class Served:
    def __init__(self, proc: subprocess.Popen, port: int, store: Path):
        self.proc, self.port, self.store = proc, port, store
        self.base = f"http://127.0.0.1:{port}"

    @property
    def alert_state(self) -> Path:
        return state_path_for(self.store)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    store = tmp_path / "store.json"
    writer = open_store(store)
    writer.commit_round(Round(NOW, items=[Item("i0", "wire", "A title", "A summary", None,
                                               NOW, NOW)]))
    writer.close()
    config = tmp_path / "config.toml"
    config.write_text(f"""
[theatre]
name = "Served <theatre>"

[storage]
path = "{store}"

[[sources]]
id = "wire"
url = "http://127.0.0.1:9/feed.xml"

[[alerts]]
id = "lvl"
on = "level"
""")
    port = free_port()
    proc = flashpoint("--config", str(config), "serve", "--port", str(port), "--sessions", "2")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
    else:
        stop(proc)
        pytest.fail("serve did not listen within 30 s")
    yield Served(proc, port, store)
    stop(proc)


async def session(http: aiohttp.ClientSession, served: Served, *, origin: str | None = "self",
                  headers: dict[str, str] | None = None) -> aiohttp.ClientWebSocketResponse:
    sent = dict(headers or {})
    if origin == "self":
        sent["Origin"] = served.base
    elif origin is not None:
        sent["Origin"] = origin
    return await http.ws_connect(f"{served.base}/ws?width=80&height=24", headers=sent)


async def screen_bytes(ws: aiohttp.ClientWebSocketResponse, *, until: bytes | None = None,
                       seconds: float = 30.0) -> bytes:
    """What the session drew within `seconds` (or until `until` shows up)."""
    got = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            msg = await ws.receive(timeout=max(0.1, end - time.monotonic()))
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            got += msg.data
            if until is not None and until in got:
                break
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                          aiohttp.WSMsgType.CLOSING):
            break
    return got


async def test_the_page_loads_nothing_from_elsewhere_and_its_urls_are_relative(served):
    async with aiohttp.ClientSession() as http:
        async with http.get(served.base + "/") as page:
            assert page.status == 200
            html = await page.text()
        assert "googleapis" not in html and "0.0.0.0" not in html
        assert "Served &lt;theatre&gt;" in html, "the title is escaped"
        urls = re.findall(r'(?:src|href)="([^"]+)"|url\("([^"]+)"\)', html)
        assets = [a or b for a, b in urls]
        assert assets and all(not re.match(r"^[a-z]+:|^/", a) for a in assets), assets
        for asset in assets:  # each resolves beside the page, as a remote browser asks
            async with http.get(f"{served.base}/{asset}") as reply:
                assert reply.status == 200, asset
        async with http.get(served.base + "/static/") as listing:
            assert listing.status in (403, 404)
        async with http.get(served.base + "/download/x") as download:
            assert download.status == 404


async def test_a_websocket_from_another_origin_is_refused(served):
    async with aiohttp.ClientSession() as http:
        for origin, headers in (
            ("http://evil.example", None),  # another site in the analyst's browser
            (None, None),  # no Origin at all
            # DNS rebinding: a hostile name pointed at 127.0.0.1 is its own origin
            (f"http://evil.example:{served.port}", {"Host": f"evil.example:{served.port}"}),
        ):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session(http, served, origin=origin, headers=headers)
            assert refused.value.status == 403
        ws = await session(http, served)  # its own page's origin is welcome
        assert b"Served" in await screen_bytes(ws, until=b"Served")
        await ws.close()


async def test_sessions_are_capped_and_the_extra_one_is_told_why(served):
    async with aiohttp.ClientSession() as http:
        first, second = await session(http, served), await session(http, served)
        for ws in (first, second):
            assert await screen_bytes(ws, until=b"Served"), "each session draws its dashboard"
        async with http.get(served.base + "/") as page:
            assert page.status == 503
            assert "all 2 sessions" in await page.text()
        extra = await session(http, served)
        said = await screen_bytes(extra, seconds=10)
        assert b"all 2 sessions of this server are in use" in said
        assert extra.close_code == 1013
        await first.close()
        # the server notices the tab went away and ends its session: a second at rest, up
        # to 20 under load (the whole suite at load 14 took longer than the 1 s once slept)
        deadline = asyncio.get_running_loop().time() + 20
        while True:
            async with http.get(served.base + "/") as page:
                if page.status != 503 or asyncio.get_running_loop().time() > deadline:
                    break
            await asyncio.sleep(0.2)
        again = await session(http, served)
        assert b"Served" in await screen_bytes(again, until=b"Served"), "a freed place is reused"
        for ws in (second, again):
            await ws.close()


async def test_keys_sent_by_a_visitor_change_nothing(served):
    before = served.store.read_bytes()
    async with aiohttp.ClientSession() as http:
        ws = await session(http, served)
        await screen_bytes(ws, until=b"Served")
        for key in ("m", "y", "n", "p", "r", "c"):
            await ws.send_json(["stdin", key])
        drawn = await screen_bytes(ws, until=b"Read-only:", seconds=15)
        await ws.close()
    assert b"Read-only:" in drawn, "the visitor is told why"
    assert not served.alert_state.exists(), "m muted the alerts through the browser"
    assert served.store.read_bytes() == before


def test_a_host_that_is_not_loopback_needs_expose_and_says_what_it_exposes(tmp_path):
    refused = flashpoint("--db", str(tmp_path / "s.json"), "serve", "--host", "0.0.0.0")
    _, err = refused.communicate(timeout=30)
    assert refused.returncode == 2
    assert b"--expose" in err and b"Traceback" not in err
    port = free_port()
    exposed = flashpoint("--db", str(tmp_path / "s.json"), "serve", "--host", "0.0.0.0",
                         "--expose", "--port", str(port),
                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = exposed.stderr.readline().decode()
    stop(exposed)
    assert "exposing a read-only dashboard of" in line
    assert "every network interface" in line and f"port {port}" in line
