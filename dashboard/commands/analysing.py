"""The analysis commands: `extract` (one article, printed as the extract JSON) and
`reanalyze` (recompute the derived rows of every stored item after a config change)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from dashboard import report
from dashboard.clock import utc_now
from dashboard.commands import common
from dashboard.commands.common import load, open_for
from dashboard.config import Config


def cmd_extract(args: argparse.Namespace) -> int:
    """Analyse one plain-text article and print the extract JSON (docs/ARCHITECTURE.md)."""
    from dashboard.analysis.analyzer import Analyzer
    from dashboard.analysis.escalation import compute

    config = load(args)
    if args.url:
        return extract_url(config, args.url)
    if args.file in (None, "-"):
        if sys.stdin.isatty():  # a terminal, not a pipe: say what we wait for
            print("flashpoint extract: reading an article from the terminal: paste or type "
                  "it, then press ctrl+d on an empty line (or give a FILE)", file=sys.stderr)
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"flashpoint: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    analysis = Analyzer(config).analyse("", text)
    now = utc_now()
    from dataclasses import replace

    hits = [replace(c, time=now) for c in analysis.cues]
    escalation = compute(hits, now, [], config.escalation)
    print(report.dumps(report.analysis_json(analysis, escalation)))
    return 0


def extract_url(config: Config, url: str) -> int:
    """`extract --url`: the page through the collector's fetcher and extractor, then the
    analysis JSON plus the article; exit 1 with the reason when the page cannot be read."""
    from dataclasses import replace
    from urllib.parse import urlsplit

    from dashboard.analysis.escalation import compute
    from dashboard.pipeline.fulltext import read_url

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        print(f"flashpoint: {url!r} is not an http:// or https:// URL", file=sys.stderr)
        return 2
    now = utc_now()
    read = asyncio.run(read_url(config, url, now=now))
    page = read.item.page
    assert page is not None
    if page.state != "ok":
        print(f"flashpoint: cannot read {url}: {page.reason}: {page.error}", file=sys.stderr)
        return 1
    hits = [replace(c, time=now) for c in read.extras.cues]
    data = report.analysis_json(read.extras, compute(hits, now, [], config.escalation))
    data["article"] = {"title": page.title, "date": page.date, "text": page.text,
                       "from": "page", "url": page.url}
    print(report.dumps(data))
    return 0


def cmd_reanalyze(args: argparse.Namespace) -> int:
    """Recompute statements, stances, recognition events and cues from stored items."""
    from dashboard.analysis.analyzer import analyse_items
    from dashboard.analysis.article import with_pages
    from dashboard.config import config_digest

    config = load(args)
    store = open_for(config, readonly=False)
    try:
        items = store.items()
        credibility = {s.id: s.credibility for s in config.sources}
        fingerprint = config_digest(config)
        analyses = {}
        by_source: dict[str, list] = {}
        for item in items:
            by_source.setdefault(item.source_id, []).append(item)
        said, done = time.monotonic(), 0
        for source_id, group in by_source.items():
            weight = credibility.get(source_id, 0.7)
            found = analyse_items(config, fingerprint, group, weight)
            # the article pages read since: their statements are recomputed too
            analyses.update(with_pages(config, fingerprint, group, found, weight))
            done += len(group)
            if time.monotonic() - said >= common.PROGRESS_EVERY:  # a large store takes minutes
                said = time.monotonic()
                print(f"flashpoint: reanalysed {done}/{len(items)} items", file=sys.stderr,
                      flush=True)
        store.replace_analyses(analyses)
    finally:
        store.close()
    print(f"reanalysed {len(items)} items")
    return 0
