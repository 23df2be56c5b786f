"""Article pages: extraction accuracy, time per page, worker memory, a 250-page round.

    python -m bench.extraction            # every part
    python -m bench.extraction accuracy   # only the F1 over the benchmark's pages

The 181 pages of ../shared/corpora/article-extraction-benchmark/ (real news and blog
pages with hand-marked bodies, MIT licence) are served from loopback HTTP servers and
read through the project's own path: PageFetcher (robots.txt, politeness, capped client),
then trafilatura and the analysis in the parse workers (`fulltext.read_page`). The metric
is the benchmark's (its README): lower-cased `\\w+` words, 4-word shingles with
multiplicity, precision and recall averaged over pages, F1 of the averages.

Parts: `accuracy` (F1, and time per page read one at a time: median and p95), `memory`
(peak RSS of the worker processes after reading every page), `round` (one Collector
round of a source with 250 article links over 25 hosts beside 20 plain feeds, against a
round of the 20 feeds alone: round time, pages read, when the plain feeds were asked for
and how long they took), `statements` (statements per item with a one-line summary
alone and with the article page, on the benchmark's pages and on the demo's items).
"""

from __future__ import annotations

import asyncio
import collections
import gzip
import json
import multiprocessing
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "article-extraction-benchmark"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


# --- the metric -------------------------------------------------------------------------


def shingles(text: str) -> collections.Counter:
    """4-word shingles of lower-cased `\\w+` tokens, with multiplicity."""
    words = re.findall(r"\w+", text.lower())
    return collections.Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def precision_recall(extracted: str, truth: str) -> tuple[float, float]:
    """One page's precision and recall (both 1 when both texts are empty)."""
    got, want = shingles(extracted), shingles(truth)
    if not got and not want:
        return 1.0, 1.0
    tp = sum((got & want).values())
    fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def f1(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) from per-page pairs, as the benchmark averages them."""
    p = statistics.fmean(x for x, _ in pairs)
    r = statistics.fmean(y for _, y in pairs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def corpus() -> dict[str, tuple[bytes, str]]:
    """Page id -> (HTML bytes, hand-marked body)."""
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    return {pid: (gzip.decompress((CORPUS / "html" / f"{pid}.html.gz").read_bytes()),
                  entry["articleBody"]) for pid, entry in truth.items()}


# --- loopback hosts ---------------------------------------------------------------------


class Host:
    """A loopback HTTP server (one host: its own port) serving fixed bodies by path, and
    noting when each path was asked for."""

    def __init__(self, routes: dict[str, tuple[bytes, str]]):
        self.routes = routes
        self.asked: dict[str, float] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                owner.asked.setdefault(self.path, time.monotonic())
                body, kind = owner.routes.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in owner.routes else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # a client that resets a kept-alive connection (a round's end) is not worth a
        # traceback on stderr, as support.loopback's server decides too
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


HTML = "text/html; charset=utf-8"  # what most servers say, whatever the page holds


def _config(sources: str = ""):
    """The shipped theatre (actors, topics, cues) with these `[[sources]]` (TOML) and a
    0.2 s host delay (the benchmark's hosts are loopback servers of ours)."""
    from dashboard.config import load_config, parse_config

    base = load_config(REPO / "config.toml")
    return base.model_copy(update={
        "sources": parse_config(sources).sources if sources else (),
        "pages": base.pages.model_copy(update={"host_delay": 0.2}),
    })


# --- accuracy, time per page, memory ----------------------------------------------------


async def _read_all(pages: dict[str, tuple[bytes, str]]):
    from dashboard.fetching.pages import PageFetcher
    from dashboard.models import Item
    from dashboard.pipeline import AnalysisSetup, WorkerPool, prepare_worker, read_page

    config = _config()
    setup = AnalysisSetup.of(config)
    hosts = [Host({}) for _ in range(8)]
    urls = {}
    for n, (pid, (html, _)) in enumerate(pages.items()):
        host = hosts[n % len(hosts)]
        host.routes[f"/{pid}"] = (html, HTML)
        urls[pid] = host.url(f"/{pid}")
    pool = WorkerPool(initializer=prepare_worker, initargs=(setup,))
    fetcher = PageFetcher(config.fetch, config.pages)
    reads, times = {}, []
    try:
        pool.start()
        await asyncio.sleep(3)  # let the workers finish starting: time pages, not start-up
        for pid, url in urls.items():  # one at a time: the time per page, not throughput
            item = Item(id=pid, source_id="bench", title="", summary="", link=url,
                        published=NOW, fetched=NOW)
            started = time.perf_counter()
            reads[pid] = await read_page(item, fetcher=fetcher, pool=pool, setup=setup,
                                         credibility=1.0,
                                         parse_deadline=config.fetch.parse_deadline)
            times.append(time.perf_counter() - started)
        peak = _workers_peak_rss()
    finally:
        await fetcher.aclose()
        pool.close()
        for host in hosts:
            host.close()
    return reads, times, peak


def _workers_peak_rss() -> list[int]:
    """Peak resident memory (VmHWM, bytes) of this process's worker children."""
    peaks = []
    for child in multiprocessing.active_children():
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) * 1024)
    return peaks


def accuracy() -> dict:
    """F1 over the benchmark through the project's path, with time per page and memory."""
    pages = corpus()
    reads, times, peaks = asyncio.run(_read_all(pages))
    pairs = [precision_recall(reads[pid].item.page.text, truth)
             for pid, (_, truth) in pages.items()]
    p, r, score = f1(pairs)
    failed = collections.Counter(read.item.page.reason for read in reads.values()
                                 if read.item.page.state != "ok")
    times.sort()
    result = {
        "pages": len(pages), "precision": p, "recall": r, "f1": score,
        "failed": dict(failed),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
        "worker_peak_mb": [round(x / 1e6) for x in peaks],
        "reads": reads,
    }
    print(f"extraction: {len(pages)} pages through loopback + PageFetcher + workers: "
          f"P {p:.3f}  R {r:.3f}  F1 {score:.3f} (target >= 0.95); failed: {dict(failed)}")
    print(f"time per page, one at a time (fetch, extract, analyse): median "
          f"{result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    print(f"worker peak RSS (VmHWM): {result['worker_peak_mb']} MB")
    return result


# --- statements per item ----------------------------------------------------------------


def _one_line(text: str, words: int = 25) -> str:
    return " ".join(text.split()[:words])


def statements_per_item(reads) -> None:
    """Statements per item: a one-line summary alone vs with the article page."""
    from dashboard.analysis.analyzer import Analyzer
    from dashboard.analysis.article import page_extras

    analyzer = Analyzer(_config())
    alone = with_page = 0
    ok = [r.item.page for r in reads.values() if r.item.page.state == "ok"]
    for page in ok:
        feed = analyzer.analyse(page.title, _one_line(page.text))
        alone += len(feed.statements)
        with_page += len(feed.statements) + len(
            page_extras(feed, analyzer.analyse("", page.text)).statements)
    print(f"statements per item, benchmark pages ({len(ok)}): title + one-line summary "
          f"{alone / len(ok):.2f}, with the article page {with_page / len(ok):.2f}")
    from dashboard.demo import load_demo_sources, render_article
    from dashboard.fetching.extract import extract_page

    # the items whose feed has no body: one-line summaries, and GDELT's titles
    summarised = [(s, i) for s in load_demo_sources() for i in s.items
                  if i.summary or s.kind == "gdelt"]
    alone = with_page = 0
    for source, demo_item in summarised:
        page = extract_page(render_article(source, demo_item, NOW), HTML, "http://127.0.0.1/")
        feed = analyzer.analyse(demo_item.title, demo_item.summary)
        alone += len(feed.statements)
        with_page += len(feed.statements) + len(
            page_extras(feed, analyzer.analyse("", page.text)).statements)
    print(f"statements per item, demo items with a one-line summary or a title only "
          f"({len(summarised)}): "
          f"feed {alone / len(summarised):.2f}, with the article page "
          f"{with_page / len(summarised):.2f}")


# --- a round with 250 article links -----------------------------------------------------


def _rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Article {n}</title><link>{link}</link>"
                    f"<guid>{link}</guid><description>One line.</description></item>"
                    for n, link in enumerate(links))
    return f'<rss version="2.0"><channel><title>b</title>{items}</channel></rss>'.encode()


async def _round(with_pages: bool, pages: dict[str, tuple[bytes, str]]) -> dict:
    from dashboard.pipeline import Collector
    from dashboard.storage import open_store

    plain = Host({f"/feed/{n}.xml": (_rss([]), "application/rss+xml") for n in range(20)})
    hosts = [Host({}) for _ in range(25)]
    ids = list(pages)
    links = []
    for n in range(250):  # the 181 pages, then again under other paths
        pid = ids[n % len(ids)]
        host = hosts[n % len(hosts)]
        host.routes[f"/{n}/{pid}"] = (pages[pid][0], HTML)
        links.append(host.url(f"/{n}/{pid}"))
    article_feed = Host({"/articles.xml": (_rss(links), "application/rss+xml")})
    sources = "".join(f'[[sources]]\nid = "plain-{n}"\nurl = "{plain.url(f"/feed/{n}.xml")}"\n\n'
                      for n in range(20))
    if with_pages:
        sources += (f'[[sources]]\nid = "articles"\nurl = "{article_feed.url("/articles.xml")}"'
                    '\nfulltext = "always"\n\n')
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(sources)
        config = config.model_copy(update={"storage": config.storage.model_copy(
            update={"path": f"{tmp}/store.json"})})
        collector = Collector(config, open_store(config.storage.resolved_path()))
        try:
            started = time.monotonic()
            results = await collector.run_round()
            took = time.monotonic() - started
            items = collector.store.items()
        finally:
            await collector.aclose()
            collector.store.close()
            for host in (plain, article_feed, *hosts):
                host.close()
    asked = [t - started for t in plain.asked.values()]
    states = collections.Counter(i.page.state for i in items if i.page is not None)
    plain_elapsed = [r.elapsed for r in results if r.source_id.startswith("plain-")]
    return {"took": took, "pages": dict(states), "asked_max": max(asked),
            "plain_elapsed_max": max(plain_elapsed),
            "deadline": config.pages.deadline + config.fetch.deadline}


def round_with_pages() -> None:
    """A round with 250 article links beside 20 plain feeds, against the feeds alone."""
    pages = corpus()
    alone = asyncio.run(_round(False, pages))
    both = asyncio.run(_round(True, pages))
    print(f"round, 20 plain feeds alone: {alone['took']:.1f} s; feeds asked for within "
          f"{alone['asked_max'] * 1000:.0f} ms of the start, slowest feed "
          f"{alone['plain_elapsed_max'] * 1000:.0f} ms")
    print(f"round, the same + 250 article links on 25 hosts: {both['took']:.1f} s "
          f"(deadline {both['deadline']:g} s: feed + page deadline); pages {both['pages']}; "
          f"plain feeds asked for within {both['asked_max'] * 1000:.0f} ms of the start, "
          f"slowest {both['plain_elapsed_max'] * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> None:
    """Run the parts named in argv (default: all)."""
    if not CORPUS.is_dir():
        print(f"extraction: {CORPUS} is missing; skipped")
        return
    parts = set(argv or ()) or {"accuracy", "statements", "round"}
    if parts & {"accuracy", "statements"}:
        result = accuracy()
        if "statements" in parts:
            statements_per_item(result["reads"])
    if "round" in parts:
        round_with_pages()


if __name__ == "__main__":
    main(sys.argv[1:])
