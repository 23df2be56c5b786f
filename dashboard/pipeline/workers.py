"""The worker entry points: what runs inside the pool's processes.

Module-level functions (the pool pickles references to them) that parse, give items
their ids and analyse, for one source's body (`items_in_worker`), new items
(`analyse_in_worker`) or one article page (`page_in_worker`). The config reaches a worker
pickled once per Collector (`AnalysisSetup`), not once per task, and `prepare_worker`
compiles the analysis before the first task arrives.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from dashboard.analysis.text import fold
from dashboard.config import Config, config_digest
from dashboard.fetching.dates import not_after_seen
from dashboard.fetching.identity import item_id
from dashboard.fetching.parse import parse_feed
from dashboard.models import Analysis, Item, ParsedItem

log = logging.getLogger(__name__)


def parse_then(
    body: bytes,
    kind: str,
    content_type: str,
    postprocess: Callable[..., Any] | None,
    args: Sequence[Any],
) -> tuple[list[ParsedItem], Any]:
    """Runs in the worker: parse, then (optionally) `postprocess(items, *args)`."""
    items = parse_feed(body, kind=kind, content_type=content_type)
    return items, (postprocess(items, *args) if postprocess is not None else None)


def _keep(item: ParsedItem, keywords: tuple[str, ...]) -> bool:
    if not keywords:
        return True
    haystack = fold(f"{item.title} {item.summary}")
    return any(fold(k) in haystack for k in keywords)


def _to_items(
    parsed: list[ParsedItem], source_id: str, keywords: tuple[str, ...], now: datetime
) -> tuple[list[Item], int]:
    """The feed's items with ids, and how many repeated an earlier item's id with other
    content (the feed's first is kept: it is where the feed lists the item). `now` is
    when they are seen: none is dated later (`not_after_seen`)."""
    items: dict[str, Item] = {}
    repeated = 0
    for p in parsed:
        if not _keep(p, keywords):
            continue
        iid = item_id(p, source_id)
        kept = items.get(iid)
        if kept is not None:
            repeated += (kept.title, kept.summary, kept.link) != (p.title, p.summary, p.link)
            continue
        published, stated = not_after_seen(p.published, now)
        items[iid] = Item(id=iid, source_id=source_id, title=p.title, summary=p.summary,
                          link=p.link, published=published, fetched=now, author=p.author,
                          stated=stated)
    return list(items.values()), repeated



@dataclass(frozen=True)
class AnalysisSetup:
    """What a worker needs to analyse: the config, pickled once, and its digest naming it."""

    fingerprint: str
    config_blob: bytes

    @classmethod
    def of(cls, config: Config) -> AnalysisSetup:
        """The setup for `config` (the fetching process never imports the analysis)."""
        return cls(config_digest(config), pickle.dumps(config))


_WORKER_CONFIG: dict[str, Config] = {}


def worker_config(setup: AnalysisSetup) -> Config:
    # one config per worker process, unpickled on its first task (or in prepare_worker)
    config = _WORKER_CONFIG.get(setup.fingerprint)
    if config is None:
        _WORKER_CONFIG.clear()
        config = _WORKER_CONFIG[setup.fingerprint] = pickle.loads(setup.config_blob)
    return config


def prepare_worker(setup: AnalysisSetup) -> None:
    """Pool initializer: load the parser and compile the analysis before the first task."""
    from dashboard.analysis.analyzer import analyzer_for

    try:
        parse_feed(b"<rss version='2.0'><channel><item><title>warm</title></item></channel>"
                   b"</rss>", kind="rss")  # imports the feed parser's own modules too
        analyzer_for(worker_config(setup), setup.fingerprint)
    except Exception:  # a failing initializer would make pebble drop every worker;
        log.debug("worker warm-up failed", exc_info=True)  # the first task reports it


def analyse_in_worker(
    setup: AnalysisSetup, items: list[Item], credibility: float
) -> dict[str, Analysis]:
    """Analyse items with the setup's config: item id -> analysis."""
    from dashboard.analysis.analyzer import analyse_items

    return analyse_items(worker_config(setup), setup.fingerprint, items, credibility)


def items_in_worker(
    body: bytes,
    kind: str,
    content_type: str,
    source_id: str,
    keywords: tuple[str, ...],
    now: datetime,
    setup: AnalysisSetup | None,
    credibility: float,
) -> tuple[list[Item], dict[str, Analysis] | None, tuple[int, int]]:
    """Parse a body into items with ids; with a setup, analyse every item too. The last
    value counts the items dropped for repeating an earlier one's id (see `_to_items`)
    and those the feed lists beyond the parser's MAX_ITEMS."""
    parsed = parse_feed(body, kind=kind, content_type=content_type)
    items, repeated = _to_items(parsed, source_id, keywords, now)
    analyses = analyse_in_worker(setup, items, credibility) if setup else None
    return items, analyses, (repeated, parsed.truncated)



@dataclass(frozen=True)
class PageRead:
    """One page read: the item with its page, and what the page's text adds to the
    analysis of the feed's text (statements marked origin="page")."""

    item: Item
    extras: Analysis



def page_in_worker(setup, item: Item, body: bytes, content_type: str, url: str,
                   credibility: float) -> PageRead:
    """Extract the page, then analyse the page's text and keep what the feed's text
    (analysed again here, to compare) does not already show (in a worker)."""
    from dashboard.analysis.analyzer import analyzer_for, stamp
    from dashboard.analysis.article import page_extras, page_paragraphs
    from dashboard.fetching.extract import extract_page

    page = extract_page(body, content_type, url)
    item = replace(item, page=page)
    analyzer = analyzer_for(worker_config(setup), setup.fingerprint)
    if page.state != "ok":
        return PageRead(item, Analysis())
    feed = stamp(analyzer.analyse(item.title, item.summary, credibility=credibility,
                                  when=item.when), item)
    found = stamp(analyzer.analyse("", page_paragraphs(page.text), credibility=credibility,
                                   when=item.when), item)
    return PageRead(item, page_extras(feed, found))
