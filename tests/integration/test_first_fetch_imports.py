"""A round's first fetch imports nothing once `import_connection_backend` ran (the round
runs it in a thread before it fetches): imported inside the first fetch, anyio's backend
held the collecting screen's event loop 10-20 ms (docs/PERFORMANCE.md §4, "Loop stalls: a
seventh pass"). Checked in a fresh interpreter against a real loopback server, so a later
httpx or anyio that imports something else at its first connection fails this test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST_FETCH = """
import asyncio, sys
from dashboard.config import Fetch, Source
from dashboard.fetching import make_client, retrieve
from dashboard.fetching.client import import_connection_backend
from support.loopback import LoopbackServer, Reply

RSS = b"<rss version='2.0'><channel><item><title>t</title></item></channel></rss>"
if sys.argv[1] == "warm":
    import_connection_backend()
before = set(sys.modules)

async def fetch(url):
    fetch = Fetch()
    async with make_client(fetch) as client:
        await retrieve(Source(id="s", url=url, kind="rss", every="1h"), client=client,
                       fetch=fetch, etag=None, last_modified=None)

with LoopbackServer() as server:
    asyncio.run(fetch(server.route("/feed.xml", Reply(body=RSS))))
print(" ".join(sorted(m for m in set(sys.modules) - before if m.startswith("anyio"))))
"""


def first_fetch_imports(mode: str) -> list[str]:
    """The anyio modules a first fetch imports in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", FIRST_FETCH, mode], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=True)
    return done.stdout.split()


def test_a_first_fetch_imports_anyio_s_backend_unless_it_was_imported_before() -> None:
    assert "anyio._backends._asyncio" in first_fetch_imports("cold")
    assert first_fetch_imports("warm") == []
