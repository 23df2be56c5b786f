"""feedparser vs fastfeedparser over feedparser's own test corpus: speed and robustness.

For each of the 2,242 documents (wellformed, illformed, encoding, entities, http,
compression) both parsers get the same bytes. Reported per parser: documents parsed
without an exception, documents that yielded at least one entry, entries in total, and
entries per second over the whole corpus (best of N passes). Also reported: documents
where one parser found entries and the other found none. The corpus documents are tiny,
so a second table times realistic feeds (support/farm.py: 20 feeds of 50 items with
HTML summaries), including our `parse_feed` (fastfeedparser for well-formed UTF-8 RSS 2.0,
feedparser for the rest, then cleaning to plain text, dates and links).

Run: .venv/bin/python -m bench.parsers [--corpus PATH] [--passes 3]
"""

from __future__ import annotations

import argparse
import io
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import fastfeedparser
import feedparser

from dashboard.fetching.parse import parse_feed
from support.farm import Farm

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feedparser-tests"


def with_feedparser(body: bytes) -> int:
    """Entries feedparser finds, configured as production uses it (no URI resolving)."""
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    return len(parsed.entries)


def with_fastfeedparser(body: bytes) -> int:
    """Entries fastfeedparser finds (bytes, so it never treats the input as a URL)."""
    return len(fastfeedparser.parse(body).entries)


def with_parse_feed(body: bytes) -> int:
    """Our production path: the parser that suits the document, then HTML to text,
    control stripping, dates and links."""
    return len(parse_feed(body, kind="rss"))


def run(parser: Callable[[bytes], int], docs: list[bytes]) -> tuple[float, list[int | None]]:
    """Seconds for one pass and each document's entry count (None: it raised)."""
    counts: list[int | None] = []
    start = time.perf_counter()
    for body in docs:
        try:
            counts.append(parser(body))
        except Exception:
            counts.append(None)
    return time.perf_counter() - start, counts


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args.add_argument("--passes", type=int, default=3)
    opts = args.parse_args(argv)
    files = sorted(p for p in opts.corpus.rglob("*") if p.is_file() and p.name not in
                   ("README.md", "LICENSE"))
    if not files:
        raise SystemExit(f"no corpus at {opts.corpus}")
    docs = [p.read_bytes() for p in files]
    parsers = {"feedparser": with_feedparser, "fastfeedparser": with_fastfeedparser}
    warnings.simplefilter("ignore")
    print(f"{len(docs)} documents, {sum(map(len, docs)) / 1e6:.1f} MB, best of {opts.passes}")
    print(f"{'parser':16} {'no raise':>9} {'raised':>7} {'with items':>11} {'items':>7} "
          f"{'seconds':>8} {'items/s':>9} {'docs/s':>8}")
    results = {}
    for name, parser in parsers.items():
        best, counts = min((run(parser, docs) for _ in range(opts.passes)), key=lambda r: r[0])
        results[name] = counts
        items = sum(c or 0 for c in counts)
        raised = sum(c is None for c in counts)
        with_items = sum(bool(c) for c in counts)
        print(f"{name:16} {len(docs) - raised:9} {raised:7} {with_items:11} {items:7} "
              f"{best:8.3f} {items / best:9.0f} {len(docs) / best:8.0f}")
    if len(results) == 2:
        fp, ffp = results["feedparser"], results["fastfeedparser"]
        only_fp = [f for f, a, b in zip(files, fp, ffp, strict=True) if a and not b]
        only_ffp = [f for f, a, b in zip(files, fp, ffp, strict=True) if b and not a]
        print(f"entries only from feedparser: {len(only_fp)} docs; "
              f"only from fastfeedparser: {len(only_ffp)} docs")
        for label, group in (("feedparser only", only_fp), ("fastfeedparser only", only_ffp)):
            folders: dict[str, int] = {}
            for f in group:
                key = f.relative_to(opts.corpus).parts[0]
                folders[key] = folders.get(key, 0) + 1
            print(f"  {label} by folder: {folders}")
    with Farm(feeds=20, items=50) as farm:
        feeds = [farm.document(n)[0] for n in range(farm.feeds)]
    print(f"\nrealistic: {len(feeds)} feeds x 50 items, {sum(map(len, feeds)) / 1e6:.1f} MB")
    parsers["parse_feed (ours)"] = with_parse_feed
    for name, parser in parsers.items():
        best, counts = min((run(parser, feeds) for _ in range(opts.passes)), key=lambda r: r[0])
        items = sum(c or 0 for c in counts)
        print(f"{name:18} items {items:6}  {best:7.3f} s  {items / best:8.0f} items/s")


if __name__ == "__main__":
    main()
