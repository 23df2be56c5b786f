"""Article pages in a round: which items want theirs, and reading them within a budget.

A source with `fulltext` marks its new items' pages `pending` (`want_pages`). After its
feed is parsed, `read_pages` fetches pending pages oldest first (the new ones and those a
previous round did not reach), through the `PageFetcher` (robots.txt, per-host
politeness, its own connection pool: the feeds never wait for pages), and extracts and
analyses each one in a parse worker under the parse deadline. When the source's page
deadline passes, the pages still in flight are dropped and stay `pending` for the next
round. A page that cannot be read is `failed` with its reason, and is never fetched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace

from dashboard.config import Pages, Source
from dashboard.fetching import ParseError
from dashboard.fetching.pages import PageError, PageFetcher
from dashboard.models import Analysis, Item, Page
from dashboard.pipeline.pool import WorkerPool
from dashboard.pipeline.workers import AnalysisSetup, PageRead, page_in_worker, prepare_worker

log = logging.getLogger(__name__)


def wants_page(source: Source, item: Item, pages: Pages) -> bool:
    """Whether this new item's article page should be read (see `Source.fulltext`)."""
    mode = source.fulltext_mode
    if mode == "never" or not item.link:
        return False
    return mode == "always" or len(item.summary.split()) < pages.min_words


def want_pages(source: Source, items: list[Item], pages: Pages) -> list[Item]:
    """The items, with a pending page on those whose page should be read."""
    return [replace(i, page=Page()) if wants_page(source, i, pages) else i for i in items]


def _failed(item: Item, reason: str, message: str, url: str | None = None) -> Item:
    return replace(item, page=Page(state="failed", url=url or item.link, reason=reason,
                                   error=message))


async def read_page(item: Item, *, fetcher: PageFetcher, pool: WorkerPool, setup,
                    credibility: float, parse_deadline: float,
                    workers: asyncio.Semaphore | None = None) -> PageRead:
    """Fetch and read one item's page; a page that cannot be read is a failed Page.

    `workers` bounds the pages waiting in the parse pool, so that the feeds other sources
    parse meanwhile never queue behind a long line of pages."""
    assert item.link
    try:
        got = await fetcher.fetch_page(item.link)
    except PageError as exc:
        return PageRead(_failed(item, exc.reason, exc.message, exc.url), Analysis())
    try:
        async with workers or contextlib.nullcontext():
            return await pool.run(page_in_worker,
                                  (setup, item, got.body, got.content_type, got.url,
                                   credibility),
                                  timeout=parse_deadline, what="reading the page")
    except ParseError as exc:
        reason = "timed_out" if "longer than" in str(exc) else "unreadable"
        return PageRead(_failed(item, reason, str(exc), got.url), Analysis())


async def read_pages(items: list[Item], *, fetcher: PageFetcher, pool: WorkerPool, setup,
                     credibility: float, deadline: float, parse_deadline: float
                     ) -> dict[str, PageRead]:
    """Read these items' pages, oldest first, until `deadline` seconds have passed.

    Returns item id -> PageRead for the pages done (read or failed); the others were not
    reached and stay pending.
    """
    ordered = sorted(items, key=lambda i: i.when)
    workers = asyncio.Semaphore(pool.max_workers)
    tasks = {
        asyncio.ensure_future(read_page(i, fetcher=fetcher, pool=pool, setup=setup,
                                        credibility=credibility,
                                        parse_deadline=parse_deadline,
                                        workers=workers)): i.id
        for i in ordered
    }
    if not tasks:
        return {}
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        log.info("%d article pages wait for the next round (page deadline)", len(pending))
    results = {}
    for task in done:
        if task.cancelled():
            continue
        exc = task.exception()
        if exc is not None:  # a bug must not lose the round; the page stays pending
            log.error("reading a page failed: %r", exc)
            continue
        results[tasks[task]] = task.result()
    return results


async def with_pages(outcome, source: Source, *, store, fetcher: PageFetcher, pool: WorkerPool,
                     setup, config) -> None:
    """Read the source's pending pages into its round outcome (a `SourceOutcome`).

    New items get their page and the page's extras added to their analysis; items stored
    by an earlier round whose page is read now go to `outcome.updated`, with only the
    extras as their analysis (their feed analysis is stored already).
    """
    from dashboard.analysis.article import combined

    stored = await asyncio.to_thread(store.pending_pages, source.id)
    new = {i.id for i in outcome.items}
    wanted = [i for i in outcome.items if i.page is not None and i.page.state == "pending"]
    reads = await read_pages(wanted + [i for i in stored if i.id not in new], fetcher=fetcher,
                             pool=pool, setup=setup, credibility=source.credibility,
                             deadline=config.pages.deadline,
                             parse_deadline=config.fetch.parse_deadline)
    outcome.items = [reads[i.id].item if i.id in reads else i for i in outcome.items]
    for item_id, read in reads.items():
        if item_id in new:
            outcome.analyses[item_id] = combined(outcome.analyses[item_id], read.extras)
        else:
            outcome.updated.append(read.item)
            outcome.analyses[item_id] = read.extras


async def read_url(config, url: str, *, now) -> PageRead:
    """One page read through the collector's path (`flashpoint extract --url`): the
    returned item's page says whether it was read; `extras` is its whole analysis."""
    setup = AnalysisSetup.of(config)
    fetcher = PageFetcher(config.fetch, config.pages)
    pool = WorkerPool(max_workers=1, initializer=prepare_worker, initargs=(setup,))
    item = Item(id="url", source_id="", title="", summary="", link=url, published=None,
                fetched=now)
    try:
        return await read_page(item, fetcher=fetcher, pool=pool, setup=setup,
                               credibility=1.0, parse_deadline=config.fetch.parse_deadline)
    finally:
        await fetcher.aclose()
        pool.close()
