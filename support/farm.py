"""A loopback farm of generated RSS feeds, for integration tests and benchmarks.

`Farm(feeds=100, items=50)` serves `/feed/<n>.xml` on a `LoopbackServer` with ETag and
Last-Modified, answering a conditional GET with 304 while nothing changed. The text is
generated from templates in the style of wire reports, so the analysis has real work.
`bump()` adds a new item to every feed (the next round then has news). With `window`, a
feed lists only its newest items, as real feeds do; `step` is the time between items.

`RemoteFarm` runs a Farm (and, for the soak, a server of faulty sources) in its own
process, so that its pure-Python XML generation never competes with the measured process
for the GIL (real feeds are served by other machines).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from support.faults import faulty_routes
from support.loopback import LoopbackServer, Reply, Request

SPEAKERS = [
    ("Serbian President Aleksandar Vucic", "Vucic"),
    ("Kosovo Prime Minister Albin Kurti", "Kurti"),
    ("EU envoy Miroslav Lajcak", "Lajcak"),
    ("NATO Secretary General Mark Rutte", "Rutte"),
    ("Russian Foreign Ministry spokeswoman Maria Zakharova", "Zakharova"),
    ("US Special Representative Gabriel Escobar", "Escobar"),
    ("Kosovo President Vjosa Osmani", "Osmani"),
]
CLAUSES = [
    "the return of Serbian forces to Kosovo would be unacceptable",
    "Belgrade plans to demand the return of its troops to the north",
    "the Brussels dialogue must continue without preconditions",
    "KFOR will reinforce its presence after the latest clashes",
    "the barricades in northern Kosovo must be removed",
    "police arrested a former official near the border crossing",
    "talks on the association of Serb-majority municipalities will resume",
    "no clashes were reported overnight and the situation remained calm",
    "the agreement reached in Ohrid must be implemented in full",
    "troops were put on the highest level of combat readiness",
]


def _paragraph(rng: random.Random) -> str:
    full, surname = rng.choice(SPEAKERS)
    clause, other = rng.sample(CLAUSES, 2)
    return (
        f"{full} said on Tuesday that {clause}. "
        f"“We will not accept {other.split(' ', 2)[-1]},” {surname} told reporters. "
        f"According to officials, {rng.choice(CLAUSES)}."
    )


def _item_xml(feed: int, n: int, when: datetime) -> str:
    rng = random.Random(feed * 100_003 + n)
    title = f"Feed {feed} report {n}: {rng.choice(CLAUSES).capitalize()}"
    body = " ".join(_paragraph(rng) for _ in range(rng.randint(2, 4)))
    return (
        "<item>"
        f"<title>{escape(title)}</title>"
        f"<link>http://127.0.0.1/articles/{feed}/{n}</link>"
        f"<guid isPermaLink=\"false\">farm-{feed}-{n}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(body)}</description>"
        "</item>"
    )


class Farm:
    """Generated RSS feeds on a loopback HTTP server; use as a context manager."""

    def __init__(self, feeds: int = 100, items: int = 50, *, start: datetime | None = None,
                 step: timedelta = timedelta(minutes=1), window: int | None = None):
        self.feeds = feeds
        self.items = items
        self.start = start or datetime.now(UTC) - timedelta(hours=6)
        self.step = step
        self.window = window  # a feed lists its newest `window` items (None: all of them)
        self.extra = 0  # items added by bump()
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[bytes, str]] = {}
        # thousands of soak rounds: the server keeps no log of the requests it answered
        self._server = LoopbackServer(record=False)

    @property
    def base(self) -> str:
        """The server's base URL."""
        return self._server.url("")

    def urls(self) -> list[str]:
        """Every feed's URL."""
        return [f"{self.base}/feed/{n}.xml" for n in range(self.feeds)]

    def bump(self) -> None:
        """Publish one more item in every feed."""
        with self._lock:
            self.extra += 1
            self._cache.clear()

    def document(self, feed: int) -> tuple[bytes, str]:
        """The feed's XML and its ETag."""
        with self._lock:
            if feed not in self._cache:
                total = self.items + self.extra
                first = 0 if self.window is None else max(0, total - self.window)
                entries = "".join(
                    _item_xml(feed, n, self.start + n * self.step)
                    for n in range(total - 1, first - 1, -1)
                )
                xml = (
                    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                    f"<title>Farm feed {feed}</title><link>{self.base}/</link>"
                    f"<description>generated</description>{entries}</channel></rss>"
                ).encode()
                etag = '"' + hashlib.blake2b(xml, digest_size=8).hexdigest() + '"'
                self._cache[feed] = (xml, etag)
            return self._cache[feed]

    def _reply(self, request: Request) -> Reply:
        """A feed, or 304 when the client's ETag is still the feed's."""
        name = request.path.split("?", 1)[0].rsplit("/", 1)[-1].removesuffix(".xml")
        body, etag = self.document(int(name))
        if request.header("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply(body=body, headers={"Content-Type": "application/rss+xml; charset=utf-8",
                                         "ETag": etag})

    def __enter__(self) -> Farm:
        self._server.start()
        for n in range(self.feeds):
            self._server.route(f"/feed/{n}.xml", self._reply)
        return self

    def __exit__(self, *exc) -> None:
        self._server.stop()

    def config_toml(self, store: str, *, every: str = "15m", extra: str = "") -> str:
        """A config with one source per feed (the bundled analysis defaults apply)."""
        return config_toml(self.urls(), store, every=every, extra=extra)


def config_toml(urls: list[str], store: str, *, every: str = "15m", extra: str = "") -> str:
    """A config with one source `feed-<n>` per URL (the bundled analysis defaults apply)."""
    lines = [extra, f'[storage]\npath = "{store}"\n']
    for n, url in enumerate(urls):
        lines.append(f'[[sources]]\nid = "feed-{n}"\nurl = "{url}"\nevery = "{every}"\n')
    return "\n".join(lines)


def serve(spec: dict) -> None:
    """The farm process: serve the farm described by `spec`, say where, bump on each line."""
    start = datetime.fromisoformat(spec["start"]) if spec.get("start") else None
    farm = Farm(spec["feeds"], spec["items"], start=start,
                step=timedelta(seconds=spec.get("step", 60)), window=spec.get("window"))
    faults: list[str] = []
    with farm, contextlib.ExitStack() as stack:
        if spec.get("faults") is not None:
            server = stack.enter_context(LoopbackServer())
            faults = faulty_routes(server, random.Random(spec["faults"]))
        print(json.dumps({"urls": farm.urls(), "faults": faults}), flush=True)
        for _ in sys.stdin:
            farm.bump()
            print("bumped", flush=True)


class RemoteFarm:
    """A Farm served by its own process (see the module docstring); `bump` waits for it.

    `faults=<seed>` also serves the soak's faulty sources (their URLs in `faults`).
    """

    def __init__(self, feeds: int, items: int, *, start: datetime | None = None,
                 step: timedelta = timedelta(minutes=1), window: int | None = None,
                 faults: int | None = None):
        spec = {"feeds": feeds, "items": items, "start": start.isoformat() if start else None,
                "step": step.total_seconds(), "window": window, "faults": faults}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "support.farm", json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=Path(__file__).resolve().parents[1])
        assert self._proc.stdout is not None
        said = json.loads(self._proc.stdout.readline())
        self._urls: list[str] = said["urls"]
        self.faults: list[str] = said["faults"]

    def urls(self) -> list[str]:
        """Every feed's URL."""
        return self._urls

    def config_toml(self, store: str, *, every: str = "15m", extra: str = "") -> str:
        """A config with one source per feed (the bundled analysis defaults apply)."""
        return config_toml(self._urls, store, every=every, extra=extra)

    @property
    def pid(self) -> int:
        """The farm process's id."""
        return self._proc.pid

    def bump(self) -> None:
        """Publish one more item in every feed (returns once the farm has)."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write("bump\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline().strip()
        if line != "bumped":
            raise RuntimeError(f"the farm process said {line!r}, not 'bumped'")

    def close(self) -> None:
        """Stop the farm process."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait(timeout=10)

    def __enter__(self) -> RemoteFarm:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
