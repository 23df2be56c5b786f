"""Every document of feedparser's test corpus, served over loopback and fetched like a source.

Each document must end as items or as a clear FetchError/ParseError: never an unhandled
exception. The corpus lives in shared/ next to the repository (see its README); the tests
skip with a reason where it is absent. The whole corpus takes about 20 s on two cores, which is
half this layer's test budget, so the fast suite takes every 5th document and the full
run is marked slow (`make soak` runs it).
"""

from __future__ import annotations

import asyncio
import io
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from dashboard.config import Fetch, Source
from dashboard.fetching import (
    FetchError,
    NotModified,
    ParseError,
    make_client,
    retrieve,
)
from dashboard.pipeline import WorkerPool
from dashboard.textclean import clean_text
from support.loopback import LoopbackServer, Reply, serve_files
from tests.conftest import SHARED

CORPUS = SHARED / "corpora" / "feedparser-tests"
# The documents' own comment may name response headers feedparser's harness sent; the
# content type matters for encoding detection. Status/Location point at that harness's
# own port, so they are not replayed.
_HEADER = re.compile(rb"^Header:\s*(Content-type|Content-Language|ETag|Last-Modified):\s*(.+?)"
                     rb"\s*$", re.MULTILINE | re.IGNORECASE)
_ENCODING = {".gz": "gzip", ".z": "deflate"}


def _documents() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in
                  ("README.md", "LICENSE"))


def _reply_for(file: Path) -> Reply:
    body = file.read_bytes()
    headers = {}
    if file.suffix in _ENCODING:
        headers["Content-Encoding"] = _ENCODING[file.suffix]
    for name, value in _HEADER.findall(body[:2000]):
        headers[name.decode()] = value.decode("latin-1")
    return Reply(body=body, headers=headers)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool()
    yield p
    p.close()


async def _run(
    files: list[Path], server: LoopbackServer, pool: WorkerPool
) -> tuple[Counter, set[Path]]:
    """Fetch and parse every file: outcome counts and the files that gave items. Fails on
    any exception other than FetchError/ParseError."""
    fetch = Fetch(deadline=10, concurrency=8)
    served = dict(serve_files(server, CORPUS, "/corpus", _reply_for))
    limit = asyncio.Semaphore(fetch.concurrency)
    outcomes: Counter = Counter()
    with_items: set[Path] = set()
    failures: list[str] = []

    async def one(client, file: Path) -> None:
        source = Source(id="corpus", url=served[file], every="1h")
        async with limit:
            try:
                got = await retrieve(source, client=client, fetch=fetch, etag=None,
                                     last_modified=None)
                if isinstance(got, NotModified):
                    outcomes["not modified"] += 1
                    return
                items = await pool.parse(got.body, kind="rss", content_type=got.content_type,
                                         timeout=fetch.parse_deadline)
            except (FetchError, ParseError) as exc:
                assert str(exc) and len(str(exc)) < 200, (file, str(exc))
                assert "\x1b" not in str(exc)
                kind = "fetch error" if isinstance(exc, FetchError) else "parse error"
                outcomes[kind] += 1
                return
            except Exception as exc:  # collected so one run lists every such document
                failures.append(f"{file.relative_to(CORPUS)}: {type(exc).__name__}: {exc}")
                return
            outcomes["with items" if items else "no items"] += 1
            with_items.add(file)
            outcomes["items"] += len(items)
            for item in items:
                assert not any(ord(c) < 32 and c not in "\n\t" for c in item.title + item.summary)
                assert item.link is None or item.link.lower().startswith(("http://", "https://"))

    async with make_client(fetch) as client:
        await asyncio.gather(*(one(client, f) for f in files))
    assert not failures, "unhandled exceptions:\n" + "\n".join(failures[:20])
    return outcomes, with_items


def _titled_entries(file: Path) -> bool:
    """True when feedparser itself finds an entry whose title has visible text."""
    if file.suffix in _ENCODING:
        return False  # compressed: checked through retrieve only
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entries = feedparser.parse(io.BytesIO(file.read_bytes()), sanitize_html=False,
                                   resolve_relative_uris=False).entries
    return any(clean_text(str(e.get("title", ""))) for e in entries)


async def _check(files: list[Path], server: LoopbackServer, pool: WorkerPool) -> None:
    outcomes, with_items = await _run(files, server, pool)
    print(f"\ncorpus: {len(files)} documents -> " + ", ".join(
        f"{k}: {v}" for k, v in sorted(outcomes.items())))
    handled = ("with items", "no items", "fetch error", "parse error", "not modified")
    assert sum(outcomes[k] for k in handled) == len(files)
    # no recoverable entry is lost: where feedparser sees a titled entry, we keep items
    titled = {f for f in files if _titled_entries(f)}
    assert titled and titled <= with_items, sorted(str(f) for f in titled - with_items)[:10]


NO_CORPUS = f"feedparser test corpus not found at {CORPUS}"


@pytest.mark.skipif(not _documents(), reason=NO_CORPUS)
async def test_every_5th_corpus_document_gives_items_or_a_clear_error(loopback, pool):
    await _check(_documents()[::5], loopback, pool)


@pytest.mark.slow
@pytest.mark.skipif(not _documents(), reason=NO_CORPUS)
async def test_every_corpus_document_gives_items_or_a_clear_error(loopback, pool):
    await _check(_documents(), loopback, pool)
